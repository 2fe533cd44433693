"""A small, safe formula language for per-judge transforms (no eval).

    transform = "max(0, mark - 2 * restart)"            # diving: a restart costs 2 per judge
    transform = "difficulty + mark * difficulty / 10"   # GOE: 10 % steps of the base value

The text is parsed with Python's ast and only these are allowed: numbers (read exactly as
decimals: 0.1 is 0.1), names (`mark` and the criterion's declared values), + - * /,
unary -, the functions min, max, abs and round(x, places) (half up), comparisons
(< <= > >= == !=, giving 1 or 0) and `a if condition else b`. Anything else (attributes,
calls of other names, subscripts, **, strings, lambdas...) is refused with a message.

`compile_formula(text, names)` returns a Formula: `.evaluate(values)` computes exactly in
Decimal (divisions that do not terminate keep 28 significant digits, as everywhere in the
engine), `.bounds(ranges)` gives the lowest and highest value over ranges of its names
(interval arithmetic; None when it cannot be bounded, e.g. a division by a range that
holds 0).
"""
from __future__ import annotations

import ast
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Mapping

Interval = tuple[Decimal, Decimal]
_FUNCTIONS = ("min", "max", "abs", "round")
_COMPARE = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
            ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
            ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}
_ONE, _ZERO = Decimal(1), Decimal(0)


class FormulaError(ValueError):
    """A formula that is not allowed or does not parse; the message says why."""


class Formula:
    """A checked formula: evaluate(values) and bounds(ranges)."""

    def __init__(self, text: str, tree: ast.expr, source: str):
        self.text = text
        self._tree = tree
        self._source = source

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        return _eval(self._tree, values, self._source)

    def bounds(self, ranges: Mapping[str, Interval]) -> Interval | None:
        """(lowest, highest) over every combination of values in `ranges`; None when a
        division's divisor range holds 0."""
        try:
            return _interval(self._tree, ranges, self._source)
        except _Unbounded:
            return None


def compile_formula(text: str, names: set[str] | frozenset[str]) -> Formula:
    """Parse and check a formula; raises FormulaError naming what is not allowed."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"'{text}' is not a formula ({exc.msg})") from None
    _check(tree, names, text.strip())
    return Formula(text, tree, text.strip())


def _check(node: ast.AST, names, source: str) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"'{ast.get_source_segment(source, node)}': only numbers "
                               f"are allowed as constants")
        return
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise FormulaError(f"unknown name '{node.id}' (allowed: "
                               f"{', '.join(sorted(names))})")
        return
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            raise FormulaError(f"operator not allowed in '{_seg(source, node)}' "
                               f"(allowed: + - * /)")
        children = (node.left, node.right)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise FormulaError(f"operator not allowed in '{_seg(source, node)}'")
        children = (node.operand,)
    elif isinstance(node, ast.Call):
        _check_call(node, source)
        children = tuple(node.args)
    elif isinstance(node, ast.Compare):
        if any(type(op) not in _COMPARE for op in node.ops):
            raise FormulaError(f"comparison not allowed in '{_seg(source, node)}'")
        children = (node.left, *node.comparators)
    elif isinstance(node, ast.IfExp):
        children = (node.test, node.body, node.orelse)
    else:
        raise FormulaError(f"'{_seg(source, node)}' is not allowed (numbers, names, "
                           f"+ - * /, min, max, abs, round, comparisons, 'a if c else b')")
    for child in children:
        _check(child, names, source)


def _check_call(node: ast.Call, source: str) -> None:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in _FUNCTIONS or node.keywords:
        raise FormulaError(f"'{_seg(source, node)}': only min, max, abs and round(x, places) "
                           f"may be called")
    count = len(node.args)
    if (name == "abs" and count != 1) or (name in ("min", "max") and count < 2):
        raise FormulaError(f"'{_seg(source, node)}': wrong number of arguments")
    if name == "round" and (count != 2 or not _is_int(node.args[1])):
        raise FormulaError(f"'{_seg(source, node)}': round needs a value and a whole number "
                           f"of places, e.g. round(mark * 0.7, 2)")


def _is_int(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, int)
            and not isinstance(node.value, bool) and 0 <= node.value <= 6)


def _seg(source: str, node: ast.AST) -> str:
    return ast.get_source_segment(source, node) or source


def _number(node: ast.Constant, source: str) -> Decimal:
    """The literal as written (0.1 stays 0.1, not the float's binary value)."""
    return Decimal(ast.get_source_segment(source, node))


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(_ONE.scaleb(-places), rounding=ROUND_HALF_UP)


_BINARY: dict[type, Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}


def _eval(node: ast.AST, values: Mapping[str, Decimal], src: str) -> Decimal:
    if isinstance(node, ast.Constant):
        return _number(node, src)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.BinOp):
        right = _eval(node.right, values, src)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ZeroDivisionError(f"division by 0 in '{src}'")
        return _BINARY[type(node.op)](_eval(node.left, values, src), right)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, values, src)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call):
        args = [_eval(a, values, src) for a in node.args]
        name = node.func.id
        if name == "round":
            return _round(args[0], int(args[1]))
        return {"min": min, "max": max}[name](args) if name != "abs" else abs(args[0])
    if isinstance(node, ast.Compare):
        left = _eval(node.left, values, src)
        for op, comp in zip(node.ops, node.comparators):
            right = _eval(comp, values, src)
            if not _COMPARE[type(op)](left, right):
                return _ZERO
            left = right
        return _ONE
    test = _eval(node.test, values, src)
    return _eval(node.body if test else node.orelse, values, src)


class _Unbounded(Exception):
    pass


def _interval(node: ast.AST, ranges: Mapping[str, Interval], src: str) -> Interval:
    if isinstance(node, ast.Constant):
        value = _number(node, src)
        return value, value
    if isinstance(node, ast.Name):
        return ranges[node.id]
    if isinstance(node, ast.BinOp):
        return _binary(type(node.op), _interval(node.left, ranges, src),
                       _interval(node.right, ranges, src))
    if isinstance(node, ast.UnaryOp):
        lo, hi = _interval(node.operand, ranges, src)
        return (-hi, -lo) if isinstance(node.op, ast.USub) else (lo, hi)
    if isinstance(node, ast.Call):
        return _call_interval(node, ranges, src)
    if isinstance(node, ast.Compare):
        return _ZERO, _ONE
    body = _interval(node.body, ranges, src)
    other = _interval(node.orelse, ranges, src)
    return min(body[0], other[0]), max(body[1], other[1])


def _binary(op: type, a: Interval, b: Interval) -> Interval:
    if op is ast.Add:
        return a[0] + b[0], a[1] + b[1]
    if op is ast.Sub:
        return a[0] - b[1], a[1] - b[0]
    if op is ast.Div:
        if b[0] <= 0 <= b[1]:
            raise _Unbounded
        b = (_ONE / b[1], _ONE / b[0])
    products = [x * y for x in a for y in b]
    return min(products), max(products)


def _call_interval(node: ast.Call, ranges, src: str) -> Interval:
    name = node.func.id
    if name == "round":
        lo, hi = _interval(node.args[0], ranges, src)
        places = int(node.args[1].value)
        return _round(lo, places), _round(hi, places)
    args = [_interval(a, ranges, src) for a in node.args]
    if name == "min":
        return min(a[0] for a in args), min(a[1] for a in args)
    if name == "max":
        return max(a[0] for a in args), max(a[1] for a in args)
    lo, hi = args[0]
    if lo >= 0:
        return lo, hi
    if hi <= 0:
        return -hi, -lo
    return _ZERO, max(-lo, hi)
