"""counters: the integers a retry loop counts with, when their values are known.

`$((n + 1))`, `(( n++ ))`, `let n+=1`, `[ "$n" -ge 3 ]`, and the items of `for i in 1 2 3`,
`for i in $(seq 1 5)`, `for i in {1..5}`. Only small, certain arithmetic is evaluated; anything
else is unknown (None) and the flow takes both branches, as for any test.
"""

from __future__ import annotations

import ast
import operator
import re

MAX_ITEMS = 25  # longer `for` lists are not walked item by item

_POST = re.compile(r"^\s*([A-Za-z_]\w*)\s*(\+\+|--)\s*$")
_PRE = re.compile(r"^\s*(\+\+|--)\s*([A-Za-z_]\w*)\s*$")
_ASSIGN = re.compile(r"^\s*([A-Za-z_]\w*)\s*([-+*/%]?=)(?!=)\s*(.+?)\s*$")
_NAME = re.compile(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)|\b([A-Za-z_]\w*)\b")
_TESTS = {"-eq": "==", "-ne": "!=", "-lt": "<", "-le": "<=", "-gt": ">", "-ge": ">="}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.FloorDiv: lambda a, b: int(a / b), ast.Mod: lambda a, b: a - b * int(a / b)}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge}


def _integer(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    return int(text) if re.fullmatch(r"-?\d{1,12}", text) else None


def _value(node: ast.AST) -> int:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        v = _value(node.operand)
        return -v if isinstance(node.op, ast.USub) else (v if isinstance(node.op, ast.UAdd) else int(not v))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return int(_BINARY[type(node.op)](_value(node.left), _value(node.right)))
    if isinstance(node, ast.BoolOp):
        values = [_value(v) for v in node.values]
        return int(all(values)) if isinstance(node.op, ast.And) else int(any(values))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return int(_COMPARE[type(node.ops[0])](_value(node.left), _value(node.comparators[0])))
    raise ValueError("not a small integer expression")


def expression(text: str, variables: dict) -> int | None:
    """The value of an arithmetic expression whose variables are all known integers."""
    unknown = False

    def name(m: re.Match) -> str:
        nonlocal unknown
        var = m.group(1) or m.group(2) or m.group(3)
        value = _integer(variables.get(var)) if var in variables else None
        if var in variables and variables[var] == "":
            value = 0  # an empty variable counts as 0
        if value is None:
            unknown = True
            return "0"
        return f"({value})"

    text = _NAME.sub(name, text)
    if unknown or not re.fullmatch(r"[\d\s()+\-*/%<>=!&|]*", text) or not text.strip():
        return None
    text = text.replace("&&", " and ").replace("||", " or ").replace("/", "//")
    text = re.sub(r"!(?!=)", " not ", text)
    try:
        return _value(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, RecursionError, MemoryError):
        return None


def arithmetic(text: str, variables: dict) -> tuple[int | None, dict]:
    """`(( TEXT ))` or one argument of `let`: its value, and the variables it sets (None when unknown)."""
    m = _POST.match(text) or _PRE.match(text)
    if m:
        var, op = (m.group(1), m.group(2)) if m.re is _POST else (m.group(2), m.group(1))
        old = expression(var, variables)
        if old is None:
            return None, {var: None}
        new = old + (1 if op == "++" else -1)
        return (old if m.re is _POST else new), {var: str(new)}
    m = _ASSIGN.match(text)
    if m:
        var, op, rhs = m.groups()
        value = expression(rhs if op == "=" else f"{var} {op[0]} ({rhs})", variables)
        return value, {var: None if value is None else str(value)}
    return expression(text, variables), {}


def compare(left: str | None, op: str, right: str | None) -> bool | None:
    """`[ LEFT OP RIGHT ]` with both sides known: -eq … -ge on integers, = / == / != on strings."""
    if left is None or right is None:
        return None
    if op in _TESTS:
        a, b = _integer(left), _integer(right)
        if a is None or b is None:
            return None
        return bool(_COMPARE[{"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt,
                              ">=": ast.GtE}[_TESTS[op]]](a, b))
    if op in ("=", "=="):
        return None if any(c in right for c in "*?[") else left == right
    if op == "!=":
        return None if any(c in right for c in "*?[") else left != right
    return None


def for_items(raw_items: list[str]) -> list[str] | None:
    """The values of `for … in` words given their raw text: literals, `{1..5}`, `$(seq 1 5)`."""
    out: list[str] = []
    for raw in raw_items:
        m = re.fullmatch(r"\{(-?\d+)\.\.(-?\d+)\}", raw)
        s = re.fullmatch(r"\"?\$\(\s*seq\s+(?:(-?\d+)\s+)?(-?\d+)\s*\)\"?", raw)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            out.extend(str(i) for i in (range(a, b + 1) if a <= b else range(a, b - 1, -1)))
        elif s:
            a, b = int(s.group(1) or 1), int(s.group(2))
            out.extend(str(i) for i in range(a, b + 1))
        else:
            return None
        if len(out) > MAX_ITEMS:
            return None
    return out
