"""Read a promotion policy from TOML text and validate it, with precise problems
(file, line, field, message) in the manner of the scoring rule files. Pure.
"""
from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from ..rules.loader import Problem, field_name
from ..rules.locate import line_of, locate
from .ladder import LADDERS, Ladder, get_ladder
from .policy import Policy

_TAGS = ("award", "rank", "pass")


# The same problem type as the scoring rule files: `file:line: field: message`.
PolicyProblem = Problem


class PolicyError(ValueError):
    """A policy that does not validate; ``problems`` lists every problem found."""

    def __init__(self, problems: list[PolicyProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_policy_file(path: str | Path, ladder: Ladder | None = None) -> Policy:
    """Read and validate a policy file. Raises PolicyError, OSError."""
    p = Path(path)
    return parse_policy(p.read_text(encoding="utf-8"), p.name, ladder=ladder)


def parse_policy(text: str, source: str = "<policy>", ladder: Ladder | None = None) -> Policy:
    """Validate policy TOML ``text``; ``source`` names it in problems. If ``ladder`` (the
    competition's) is given, a policy that names no ladder uses it and one that names
    another ladder is a problem. Raises PolicyError."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        raise PolicyError([Problem(source, int(m.group(1)) if m else 1, "toml",
                                   str(exc))]) from None
    lines = locate(text)
    if "ladder" not in data and ladder is not None:
        data["ladder"] = ladder.code          # unstated: the competition's ladder
    named = data.get("ladder")
    use = get_ladder(named) if named in LADDERS else get_ladder(None)
    try:
        policy = Policy.model_validate(data, context={"ladder": use})
    except ValidationError as exc:
        raise PolicyError(_problems(exc, source, data, lines)) from None
    problems = _cross_checks(policy, source, data, lines, ladder)
    if problems:
        raise PolicyError(problems)
    return policy


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's discriminator tags:
    ('rules', 0, 'award', 'steps') -> ('rules', 0, 'steps')."""
    out: list = []
    for part in loc:
        if part in _TAGS and out and isinstance(out[-1], int):
            continue
        out.append(part)
    return tuple(out)


def _message(err: dict) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag")
        return f"unknown rule kind '{tag}' (expected one of: award, rank, pass)"
    if kind == "union_tag_not_found":
        return "kind is required (one of: award, rank, pass)"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    return msg[0].lower() + msg[1:]


def _problems(exc: ValidationError, source: str, data: dict,
              lines: dict) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = _clean_loc(tuple(err["loc"]))
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc += ("kind",)
        out.append(Problem(source, line_of(lines, loc), field_name(data, loc), _message(err)))
    return sorted(out, key=lambda p: p.line)


def _cross_checks(policy: Policy, source: str, data: dict, lines: dict,
                  ladder: Ladder | None) -> list[Problem]:
    lad = get_ladder(policy.ladder)
    out = []

    def add(loc: tuple, message: str) -> None:
        out.append(Problem(source, line_of(lines, loc), field_name(data, loc), message))

    if ladder is not None and ladder.code != policy.ladder:
        add(("ladder",), f"the policy uses the '{policy.ladder}' ladder but the competition "
                         f"uses the '{ladder.code}' ladder")
    sections = [((), policy.rules)] + [(("trades", code), o.rules)
                                       for code, o in policy.trades.items() if o.rules]
    for prefix, rules in sections:
        for i, rule in enumerate(rules):
            lo, hi = rule.current_at_least, rule.current_at_most
            if lo is not None and hi is not None and lad.rank(lo) > lad.rank(hi):
                add(prefix + ("rules", i, "current_at_most"),
                    f"{lad.label(hi)} is below current_at_least {lad.label(lo)}: "
                    "no one can meet both")
    for code in policy.trades:
        if not code or not all(c.isascii() and (c.isalnum() or c == "_") for c in code) \
                or code != code.lower():
            add(("trades", code), f"trade code '{code}' must be [a-z0-9_]+")
    return out
