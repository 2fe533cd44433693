"""Read rule files: TOML -> pydantic model -> cross-field checks, problems with lines."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from .checks import cross_check
from .checks_format import declarations
from .locate import line_of, locate
from .model import KINDS, Rule


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule file, printed as `file:line: field: message`."""
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class RuleError(Exception):
    """A rule file that cannot be used; `.problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def parse_rule(text: str, source: str = "<string>", strict: bool = False) -> Rule:
    """Parse and validate rule text. Raises RuleError listing every problem found.

    strict (`rules check`, and what binding a new rule should use): also refuse what a
    rule must declare and older rule texts did not (checks_format.declarations: a
    sum-mode component its criteria can take above its max, without `cap`). Without
    it such a text still loads, held as before (capped at max) and every row held so
    says so."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError([_syntax_problem(source, exc)]) from None
    lines = locate(text)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleError(_problems(source, data, lines, _pydantic_found(exc))) from None
    found = cross_check(rule)
    if strict:
        found += declarations(rule)
    if found:
        raise RuleError(_problems(source, data, lines, found))
    return rule


def load_rule(path: str | Path, strict: bool = False) -> Rule:
    """Read and validate one rule file. Raises RuleError (also for an unreadable file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError([Problem(str(path), 1, "file", f"cannot read: {exc}")]) from None
    return parse_rule(text, source=str(path), strict=strict)


def check_paths(paths: Iterable[str | Path]) -> tuple[int, list[Problem]]:
    """Validate files and folders of *.toml; returns (number of valid rules, problems).

    Also reports two files sharing a trade code.
    """
    valid, problems, codes = 0, [], {}
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            problems.append(Problem(str(path), 1, "file", "no *.toml rule files here"))
        for file in files:
            try:
                rule = load_rule(file, strict=True)
            except RuleError as exc:
                problems.extend(exc.problems)
                continue
            if rule.trade.code in codes:
                problems.append(Problem(str(file), _code_line(file), "trade.code",
                                        f"'{rule.trade.code}' is also used by "
                                        f"{codes[rule.trade.code]}"))
                continue
            codes[rule.trade.code] = str(file)
            valid += 1
    return valid, problems


def _code_line(file: Path) -> int:
    return line_of(locate(file.read_text(encoding="utf-8")), ("trade", "code"))


def _syntax_problem(source: str, exc: tomllib.TOMLDecodeError) -> Problem:
    msg = str(exc)
    m = re.search(r"\(at line (\d+), column \d+\)", msg)
    line = int(m.group(1)) if m else 1
    if m:
        msg = msg[:m.start()].strip() + " " + m.group(0)
    return Problem(source, line, "toml", msg.strip())


def _pydantic_found(exc: ValidationError) -> list[tuple[tuple, str]]:
    found = []
    for err in exc.errors():
        loc = tuple(p for i, p in enumerate(err["loc"])
                    if not (p in KINDS and i and isinstance(err["loc"][i - 1], int)))
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc += ("kind",)
        found.append((loc, _message(err)))
    return found


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "union_tag_invalid":
        return (f"unknown criterion kind '{err['ctx']['tag']}' "
                f"(expected one of: {', '.join(KINDS)})")
    if kind == "union_tag_not_found":
        return f"kind is required (one of: {', '.join(KINDS)})"
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_pattern_mismatch":
        return f"'{err['input']}' must be lowercase ASCII letters, digits and _"
    return err["msg"][0].lower() + err["msg"][1:]


def _problems(source: str, data: dict, lines: dict, found) -> list[Problem]:
    problems = []
    for loc, message in found:
        problems.append(Problem(source, line_of(lines, loc), field_name(data, loc), message))
    return sorted(problems, key=lambda p: p.line)


def field_name(data: Any, loc: tuple) -> str:
    """A readable field path: criteria[od_18].items[water_temp].points, bands[2].to.

    List elements are named by their id/code when they have one, else by 1-based index.
    """
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            element = node[part] if isinstance(node, list) and part < len(node) else None
            name = _element_name(element) or f"#{part + 1}"
            out += f"[{name}]"
            node = element
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "rule"


def _element_name(element: Any) -> str | None:
    if isinstance(element, dict):
        for key in ("id", "code"):
            if isinstance(element.get(key), str) and element[key]:
                return element[key]
    return None
