"""surface: what a bare `orderlint` checks at the root of a Rails app (or below it), and what
`orderlint FOLDER` adds when FOLDER is an app's root or holds one.

The app's deploy surface: shell scripts (by extension or shebang; never Ruby) under `bin/`,
`script/`, `scripts/`, `ops/`, `deploy/`, `docker/`, `.docker/`, `.devcontainer/` and
`.kamal/hooks/` (Kamal's hooks have no extension; `*.sample` hooks never run), the root's
`*.sh` and `docker-entrypoint*`, and the deploy files orderlint.deploy reads, at the root, in
those folders and in `.github/workflows/`. Files that `.gitignore` ignores are left out (read
with `pathspec`, the library that implements git's wildmatch rules).
"""

from __future__ import annotations

import os
from pathlib import Path

from orderlint.deploy import host_kind

FOLDERS = ("bin", "script", "scripts", "ops", "deploy", "docker", ".docker", ".devcontainer", ".kamal/hooks")
SKIP = frozenset({".git", "node_modules", "vendor", "tmp", "log", ".venv", "venv", "__pycache__"})


def rails_app(start: Path) -> Path | None:
    """The Rails app holding `start`: the nearest folder with `config/application.rb`
    (or `bin/rails` and `config/environment.rb`), not above the git work tree."""
    here = Path(os.path.realpath(start))
    for folder in (here, *here.parents):
        if (folder / "config" / "application.rb").is_file() or (
                (folder / "bin" / "rails").is_file() and (folder / "config" / "environment.rb").is_file()):
            return folder
        if (folder / ".git").exists():
            return None
    return None


def _ignored(app: Path):
    """A test of `.gitignore` (the app's, and those above it up to the work tree) on a path."""
    import pathspec

    specs = []
    for folder in (app, *app.parents):
        for name in (".gitignore", ".git/info/exclude"):
            path = folder / name
            if path.is_file():
                try:
                    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    continue
                specs.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))
        if (folder / ".git").exists():
            break

    def ignored(path: Path, is_dir: bool = False) -> bool:
        for folder, spec in specs:
            try:
                rel = path.relative_to(folder).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False

    return ignored


def _is_shell(path: Path) -> bool:
    from orderlint.shell.discover import is_script

    return not path.name.endswith(".sample") and is_script(path)


def surface(app: Path, excludes: tuple[str, ...] = ()) -> list[Path]:
    """The files to check, as paths relative to the current directory when below it."""
    from orderlint.shell.discover import excluded

    ignored = _ignored(app)
    found: dict[Path, None] = {}

    def take(path: Path, shell: bool) -> None:
        if not path.is_file() or ignored(path) or excluded(path.relative_to(app), excludes):
            return
        if host_kind(path.relative_to(app)) is not None or (shell and _is_shell(path)):
            found.setdefault(path, None)

    for name in sorted(os.listdir(app)):
        path = app / name
        if name.endswith(".sh") or name.startswith("docker-entrypoint"):
            take(path, True)
        elif host_kind(Path(name)) is not None:
            take(path, False)
    for folder in FOLDERS:
        top = app / folder
        if not top.is_dir() or ignored(top, True):
            continue
        for here, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in SKIP and not ignored(Path(here, d), True))
            for name in sorted(files):
                take(Path(here, name), True)
    workflows = app / ".github" / "workflows"
    if workflows.is_dir():
        for name in sorted(os.listdir(workflows)):
            take(workflows / name, False)
    cwd = Path.cwd()
    out = []
    for path in found:
        try:
            out.append(Path(os.path.relpath(path, cwd)))
        except ValueError:
            out.append(path)
    return out


APP_SEARCH_DEPTH = 3  # `orderlint .` at a monorepo's root finds `server/`, `apps/api/`
NOT_APPS = SKIP | {"spec", "test", "tests", "fixtures"}  # engines' dummy apps are no deploy surface


def _is_app(folder: Path) -> bool:
    return (folder / "config" / "application.rb").is_file() or (
        (folder / "bin" / "rails").is_file() and (folder / "config" / "environment.rb").is_file())


def apps_in(folder: Path) -> list[Path]:
    """The Rails apps whose root is `folder` or a folder below it (not below another app's root)."""
    found: list[Path] = []

    def visit(here: Path, depth: int) -> None:
        if _is_app(here):
            found.append(here)
            return
        if depth >= APP_SEARCH_DEPTH:
            return
        try:
            names = sorted(os.listdir(here))
        except OSError:
            return
        for name in names:
            child = here / name
            if name not in NOT_APPS and not name.startswith(".") and child.is_dir() and not child.is_symlink():
                visit(child, depth + 1)

    visit(folder, 0)
    return found


def folder_surface(given: Path, excludes: tuple[str, ...] = ()) -> list[Path]:
    """The deploy surface of every Rails app at or below a folder named on the command line,
    spelled below that folder as the user wrote it (`orderlint .` checks what a bare
    `orderlint` checks)."""
    out: list[Path] = []
    base = Path(os.path.realpath(given))
    for app in apps_in(base):
        for path in surface(app, excludes):
            try:
                rel = Path(os.path.realpath(path)).relative_to(base)
            except ValueError:
                continue
            out.append(given / rel)
    return out
