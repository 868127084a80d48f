"""texts: shell held in a variable, and run later as a script.

`CMDS="…"`, `CMDS=$(cat <<'EOF' … EOF)` and `read -r -d '' CMDS <<'EOF' … EOF` put a script in a
variable; `bash -c "$CMDS"`, `ssh host "$CMDS"`, `eval "$CMDS"`, `bash -s <<< "$CMDS"` and
`ssh host "bash -lc $(printf %q "$CMDS")"` run it. The text is read only when it is certain:
written literally (no expansion in it) and the variable's value on the path is that text. Its
commands are then reported at the lines where the text is written.
"""

from __future__ import annotations

import re

from orderlint.model import Pos
from orderlint.flow.state import Flow, State, replace
from orderlint.shell.syntax import Command, Heredoc, Inert, Part, Seq, Word

HERESTRING_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
READ_WITH_VALUE = frozenset("dpatnNui")  # read's options that take a value (`-d ''`, `-p PROMPT`)


def _heredoc_of_cat(value: Word) -> Heredoc | None:
    """`$(cat <<'EOF' … EOF)`: the heredoc, when it is literal text."""
    if len(value.parts) != 1 or value.parts[0].kind != "cmd" or not isinstance(value.parts[0].body, Seq):
        return None
    items = value.parts[0].body.items
    if len(items) != 1 or not isinstance(items[0], Command):
        return None
    command = items[0]
    words = [w.literal for w in command.words]
    if words not in (["cat"], ["cat", "-"]) or command.stdin is None or not _literal_heredoc(command.stdin):
        return None
    return command.stdin


def _literal_heredoc(doc: Heredoc) -> bool:
    return not doc.expands or not re.search(r"[$`\\]", doc.text)


class Texts:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def _remember_text(self, name: str, value: str, path: str, start: Pos, text: str) -> None:
        self.texts.setdefault((name, value), set()).add((path, start, text))

    def text_origin(self, name: str, st: State) -> tuple[str, str, Pos, str] | None:
        """(value, path, start, text) of the script the variable holds on this path, if certain."""
        value = st.variables.get(name)
        if not value:
            return None
        origins = self.texts.get((name, value))
        if not origins or len(origins) != 1:
            return None  # never written as a script, or written in two places
        path, start, text = next(iter(origins))
        return value, path, start, text

    def assigned_value(self, name: str, value: Word | None, st: State) -> str | None:
        """The value `NAME=VALUE` gives; a literal script in it is remembered where it is written."""
        if value is None:
            return ""
        doc = _heredoc_of_cat(value)
        if doc is not None:
            text = doc.text.rstrip("\n")  # `$( )` drops the trailing newlines
            self._remember_text(name, text, doc.path or value.path, doc.start, doc.text)
            return text
        literal = value.literal
        if literal is not None and value.script is not None and value.script_start is not None and \
                len(value.script) == len(value.raw) - 2 and re.search(r"\s", literal):
            self._remember_text(name, literal, value.path, value.script_start, value.script)
        return self.expand_one(value, st)

    def read_heredoc(self, node: Command, args: tuple[Word, ...], st: State) -> list[Flow] | None:
        """`read -r -d '' NAME <<'EOF'`: NAME holds the whole text, and read fails (it meets the end
        of its input before the empty delimiter), which stops a script under `set -e`."""
        doc = node.stdin
        if doc is None or not _literal_heredoc(doc):
            return None
        names, delimiter, k = [], None, 0
        while k < len(args):
            text = args[k].literal
            if text is None:
                return None
            k += 1
            if text.startswith("-") and len(text) > 1:
                for n, char in enumerate(text[1:], start=1):
                    if char in READ_WITH_VALUE:
                        rest = text[n + 1:]
                        if not rest:
                            rest = args[k].literal if k < len(args) else None
                            k += 1
                        if char == "d":
                            delimiter = rest
                        break
            else:
                names.append(text)
        if delimiter != "" or len(names) != 1:
            return None
        name = names[0]
        self._remember_text(name, doc.text, doc.path or (args[0].path if args else ""), doc.start, doc.text)
        return [Flow("normal", replace(st, variables={**st.variables, name: doc.text}), True)]

    def script_words(self, w: Word, st: State) -> tuple[Word, ...] | None:
        """`"$CMDS"` holding a script: a word whose text is that script, where it is written;
        `"bash -lc $(printf %q "$CMDS")"`: the words `bash`, `-lc` and that script."""
        parts = w.parts
        if len(parts) == 1 and parts[0].kind == "var" and parts[0].quoted:
            found = self.text_origin(parts[0].text, st)
            if found is None or found[1] != w.path:
                return None
            value, path, start, text = found
            return (Word((Part("lit", value, True),), w.path, w.start, w.end, w.raw, text, start),)
        if len(parts) == 2 and parts[0].kind == "lit" and parts[1].kind == "cmd" and parts[1].body is not None:
            name = _printf_q(parts[1].body)
            found = self.text_origin(name, st) if name else None
            if found is None or found[1] != w.path or not parts[0].text.endswith(" "):
                return None
            value, path, start, text = found
            head = tuple(w.with_parts((Part("lit", piece, True),)) for piece in parts[0].text.split())
            if not head:
                return None
            return head + (Word((Part("lit", value, True),), w.path, w.start, w.end, w.raw, text, start),)
        return None

    def herestring_script(self, doc: Heredoc | None, st: State) -> Heredoc | None:
        """`bash -s <<< "$CMDS"`: the script the variable holds, fed to stdin."""
        if doc is None or not doc.expands:
            return None
        m = HERESTRING_VARIABLE.match(doc.text.strip())
        found = self.text_origin(m.group(1), st) if m else None
        if found is None:
            return None
        _, path, start, text = found
        return Heredoc(text, start, expands=False, path=path)


def _printf_q(body) -> str | None:
    """`printf %q "$NAME"` (or `printf '%q' …`) as the only command: NAME."""
    items = body.items if isinstance(body, Seq) else ()
    command = items[0].full() if len(items) == 1 and isinstance(items[0], Inert) else (items[0] if items else None)
    if len(items) != 1 or not isinstance(command, Command):
        return None
    words = command.words
    if len(words) != 3 or words[0].literal != "printf" or words[1].literal != "%q":
        return None
    parts = words[2].parts
    if len(parts) == 1 and parts[0].kind == "var" and parts[0].quoted:
        return parts[0].text
    return None
