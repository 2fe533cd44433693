"""Read a promotion policy from TOML text and validate it, with precise problems
(file, line, field, message) in the manner of the scoring rule files. Pure.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from ..rules.loader import Problem, field_name
from ..rules.locate import line_of, locate
from .ladder import LADDERS, Ladder, get_ladder
from .policy import N_, AwardRule, PassRule, Policy, PolicyValueError, RankRule, TradeOverride

_TAGS = ("award", "rank", "pass")


@dataclass(frozen=True)
class PolicyProblem(Problem):
    """A policy problem: ``str()`` gives `file:line: field: message` (English, as for the
    scoring rule files); ``msgid`` and ``params`` let the web layer say it in the user's
    language, with the ``column`` when known (TOML syntax errors)."""
    column: int | None = None
    msgid: str = ""
    params: dict = field(default_factory=dict, compare=False, hash=False)


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
        raise PolicyError([_toml_problem(source, str(exc), text)]) from None
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


_RULE_MODELS = {"award": AwardRule, "rank": RankRule, "pass": PassRule}
_TYPE_MSGIDS = {
    "int_parsing": N_("must be a whole number (typed: %(value)s)"),
    "int_type": N_("must be a whole number (typed: %(value)s)"),
    "int_from_float": N_("must be a whole number (typed: %(value)s)"),
    "decimal_parsing": N_("must be a number (typed: %(value)s)"),
    "decimal_type": N_("must be a number (typed: %(value)s)"),
    "float_parsing": N_("must be a number (typed: %(value)s)"),
    "bool_parsing": N_("must be true or false (typed: %(value)s)"),
    "bool_type": N_("must be true or false (typed: %(value)s)"),
    "string_type": N_('must be text in double quotes, such as "一等奖" (typed: %(value)s)'),
    "list_type": N_('must be a list in square brackets, such as ["一等奖", "二等奖"] '
                    '(typed: %(value)s)'),
    "dict_type": N_("must be a table, such as [trades.lathe] or { theory = 60 } "
                    "(typed: %(value)s)"),
    "model_type": N_("must be a table, such as [trades.lathe] or { theory = 60 } "
                     "(typed: %(value)s)"),
}


def _shown(value) -> str:
    """A typed value as the organiser wrote it (text in quotes)."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_shown(v)}" for k, v in value.items()) + " }"
    return str(value)


def _allowed_fields(data: dict, loc: tuple) -> str:
    """The field names allowed in the table holding ``loc`` (for "unknown field")."""
    parent, node = loc[:-1], data
    for part in parent:
        node = node[part] if isinstance(node, (dict, list)) and (
            isinstance(node, dict) and part in node
            or isinstance(node, list) and isinstance(part, int) and part < len(node)) else None
    if parent == ():
        model = Policy
    elif len(parent) == 2 and parent[0] == "trades":
        model = TradeOverride
    elif parent and isinstance(parent[-1], int) and "rules" in parent:
        model = _RULE_MODELS.get(node.get("kind") if isinstance(node, dict) else None)
        if model is None:
            return "kind"
    else:
        return ""
    return ", ".join(model.model_fields)


def _translatable(err: dict, data: dict, loc: tuple) -> tuple[str, dict]:
    """(msgid, params) of a pydantic error: what is wrong and what is allowed."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    shown = _shown(value)
    if kind == "missing":
        return N_("required, but not given"), {}
    if kind == "extra_forbidden":
        return (N_("%(key)s is not a field here; allowed: %(allowed)s"),
                {"key": str(loc[-1]), "allowed": _allowed_fields(data, loc)})
    if kind == "union_tag_invalid":
        return (N_("unknown rule kind %(value)s; allowed: award (by award), rank (by rank), "
                   "pass (passing at the level)"), {"value": _shown(ctx.get("tag"))})
    if kind == "union_tag_not_found":
        return (N_("every rule needs a kind: award (by award), rank (by rank) or pass "
                   "(passing at the level)"), {})
    if kind == "value_error" and isinstance(ctx.get("error"), PolicyValueError):
        return ctx["error"].msgid, dict(ctx["error"].params)
    if kind == "literal_error":
        return (N_("%(value)s is not allowed here; allowed: %(expected)s"),
                {"value": shown, "expected": str(ctx.get("expected", "")).replace("'", '"')})
    if kind in ("string_too_short", "too_short"):
        return N_("must not be empty"), {}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        msgid = {"greater_than_equal": N_("must be at least %(limit)s (typed: %(value)s)"),
                 "greater_than": N_("must be greater than %(limit)s (typed: %(value)s)"),
                 "less_than_equal": N_("must be at most %(limit)s (typed: %(value)s)"),
                 "less_than": N_("must be less than %(limit)s (typed: %(value)s)")}[kind]
        return msgid, {"limit": str(limit), "value": shown}
    if kind in _TYPE_MSGIDS:
        return _TYPE_MSGIDS[kind], {"value": shown}
    return N_("is not valid: %(detail)s"), {"detail": _message(err)}


# tomllib's messages (Python 3.11-3.13) -> what the organiser should do
_TOML_MSGIDS = [
    (r"Expected '=' after a key in a key/value pair",
     N_('a name must be followed by "=" and a value, such as name = "本届办法"')),
    (r"Illegal character '\\n'|Unterminated string",
     N_("the text is not closed: a double quote (\") is missing at its end")),
    (r"Illegal character (?P<char>.+)",
     N_("the character %(char)s is not allowed in text here")),
    (r"Invalid value",
     N_('the value cannot be read: text goes in double quotes ("一等奖"), numbers without '
        "quotes (60), true or false, lists in [ ]")),
    (r"Invalid statement",
     N_('the line cannot be read: write name = value, or a section such as [[rules]] or '
        "[trades.lathe]")),
    (r"Cannot declare (?P<key>.+) twice|Duplicate inline table key (?P<key2>.+)",
     N_("%(key)s is given twice: give each name once")),
    (r"Cannot overwrite a value|Cannot mutate immutable namespace .*|Cannot redefine "
     r"namespace .*",
     N_("this name is given twice: give each name once (a repeated section is written "
        "[[rules]])")),
    (r"Expected '\]\]' at the end of an array declaration",
     N_('the section heading is not closed: write [[rules]]')),
    (r"Expected '\]' at the end of a table declaration",
     N_('the section heading is not closed: write it as [trades.lathe]')),
    (r"Unclosed array", N_('the list is not closed: a "]" is missing')),
    (r"Unclosed inline table", N_('the table in { } is not closed: a "}" is missing')),
    (r"Invalid initial character for a key part",
     N_("a name must start with a letter, a digit, an underscore or a quote")),
    (r"Found invalid character (?P<char>.+)",
     N_("unexpected %(char)s after the value: one name = value per line")),
]


def _toml_problem(source: str, text: str, doc: str) -> PolicyProblem:
    m = re.search(r"\(at line (\d+), column (\d+)\)$", text)
    line, column = (int(m.group(1)), int(m.group(2))) if m else (1, None)
    bare = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", text)
    msgid, params = N_("the TOML cannot be read: %(detail)s"), {"detail": bare}
    for pattern, mid in _TOML_MSGIDS:
        hit = re.fullmatch(pattern, bare)
        if hit:
            found = {k: v for k, v in hit.groupdict().items() if v}
            msgid = mid
            params = {"char": found.get("char", ""), "key": found.get("key")
                      or found.get("key2", "")}
            params = {k: v for k, v in params.items() if f"%({k})s" in mid}
            break
    if "end of document" in text:
        line = len(doc.rstrip("\n").splitlines()) or 1
    return PolicyProblem(source, line, "toml", text, column=column, msgid=msgid,
                         params=params)


def _problems(exc: ValidationError, source: str, data: dict,
              lines: dict) -> list[PolicyProblem]:
    out = []
    for err in exc.errors():
        loc = _clean_loc(tuple(err["loc"]))
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc += ("kind",)
        msgid, params = _translatable(err, data, _clean_loc(tuple(err["loc"])))
        out.append(PolicyProblem(source, line_of(lines, loc), field_name(data, loc),
                                 _message(err), msgid=msgid, params=params))
    return sorted(out, key=lambda p: p.line)


LADDER_NAMES = {"five": "five（五级）", "eight": "eight（八级）"}


def _cross_checks(policy: Policy, source: str, data: dict, lines: dict,
                  ladder: Ladder | None) -> list[PolicyProblem]:
    lad = get_ladder(policy.ladder)
    out = []

    def add(loc: tuple, message: str, msgid: str, **params) -> None:
        out.append(PolicyProblem(source, line_of(lines, loc), field_name(data, loc), message,
                                 msgid=msgid, params=params))

    if ladder is not None and ladder.code != policy.ladder:
        add(("ladder",), f"the policy uses the '{policy.ladder}' ladder but the competition "
                         f"uses the '{ladder.code}' ladder",
            N_('the policy uses the %(policy)s ladder but the competition uses the '
               '%(competition)s ladder: remove the ladder line or write ladder = '
               '"%(code)s"'),
            policy=LADDER_NAMES[policy.ladder], competition=LADDER_NAMES[ladder.code],
            code=ladder.code)
    sections = [((), policy.rules)] + [(("trades", code), o.rules)
                                       for code, o in policy.trades.items() if o.rules]
    for prefix, rules in sections:
        for i, rule in enumerate(rules):
            lo, hi = rule.current_at_least, rule.current_at_most
            if lo is not None and hi is not None and lad.rank(lo) > lad.rank(hi):
                add(prefix + ("rules", i, "current_at_most"),
                    f"{lad.label(hi)} is below current_at_least {lad.label(lo)}: "
                    "no one can meet both",
                    N_("%(high)s is below current_at_least %(low)s: no one can meet both"),
                    high=lad.label(hi), low=lad.label(lo))
    for code in policy.trades:
        if not code or not all(c.isascii() and (c.isalnum() or c == "_") for c in code) \
                or code != code.lower():
            add(("trades", code), f"trade code '{code}' must be [a-z0-9_]+",
                N_("the trade code %(code)s may only have lower-case letters a-z, digits and "
                   "underscores, as in the trade's own code (such as lathe)"),
                code=f'"{code}"')
    return out
