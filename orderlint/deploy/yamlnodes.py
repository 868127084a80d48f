"""yamlnodes: YAML read with PyYAML's composer, which keeps every node's marks (line, column,
scalar style). Aliases are the anchored node itself, so a command written once under an anchor
is reported where it is written; `<<` merge keys are followed as YAML 1.1 defines them."""

from __future__ import annotations

from orderlint.deploy.host import Placed, Source


def compose(src: Source):
    """The root node, or None when the file is no YAML (its error line recorded as unparsed)."""
    import yaml

    try:
        return yaml.compose(src.text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        row = mark.line if mark is not None else 0
        src.error_rows.append((row, row))
        return None
    except Exception:  # a composer error PyYAML does not wrap: the file is unreadable as YAML
        src.error_rows.append((0, 0))
        return None


def is_map(node) -> bool:
    import yaml

    return isinstance(node, yaml.MappingNode)


def is_seq(node) -> bool:
    import yaml

    return isinstance(node, yaml.SequenceNode)


def is_scalar(node) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode)


def items(node, depth: int = 0) -> dict:
    """key → (key node, value node) of a mapping, `<<` merges first and own keys over them."""
    out: dict = {}
    if not is_map(node) or depth > 20:
        return out
    own = []
    for key, value in node.value:
        if is_scalar(key) and key.value == "<<" and key.tag.endswith(":merge"):
            merged = value.value if is_seq(value) else [value]
            for m in merged:
                for k, v in items(m, depth + 1).items():
                    out.setdefault(k, v)
        elif is_scalar(key):
            own.append((key.value, (key, value)))
    for k, v in own:
        out[k] = v
    return out


def get(node, key: str):
    found = items(node).get(key)
    return found[1] if found else None


def text(node) -> str | None:
    """A scalar's string value (None for mappings, sequences and nulls)."""
    if not is_scalar(node) or node.tag.endswith(":null"):
        return None
    return node.value


def truthy(node) -> bool:
    return is_scalar(node) and node.value.strip().lower() in ("true", "yes", "on", "1")


def placed(src: Source, node) -> Placed:
    """A scalar's value placed on the file: literal `|` and folded `>` blocks from the line after
    their header, quoted and plain scalars from their first character."""
    value = node.value
    start = src.offset(node.start_mark.line, node.start_mark.column)
    end = src.offset(node.end_mark.line, node.end_mark.column)
    if node.style in ("|", ">"):
        newline = src.text.find("\n", start)
        start = newline + 1 if newline >= 0 else end
    return src.align(value, start, end)


def strings(node, depth: int = 0) -> list:
    """The scalar nodes of a string or of a (nested) list of strings, in order."""
    if is_scalar(node):
        return [] if text(node) is None else [node]
    if is_seq(node) and depth < 10:
        return [s for item in node.value for s in strings(item, depth + 1)]
    return []


def env_pairs(node) -> list[tuple[str, object]]:
    """`env:`/`variables:`/`environment:` as (name, value): a mapping or a `KEY=VALUE` list."""
    out: list[tuple[str, object]] = []
    if is_map(node):
        for name, (_, value) in items(node).items():
            if is_map(value):  # GitLab's `{value: …, description: …}`
                value = get(value, "value")
            out.append((name, text(value) if value is not None else None))
    elif is_seq(node):
        for item in node.value:
            t = text(item)
            if t and "=" in t:
                name, value = t.split("=", 1)
                out.append((name.strip(), value))
    return out


def end_row(node) -> int:
    mark = node.end_mark
    return max(node.start_mark.line, mark.line - (1 if mark.column == 0 else 0))
