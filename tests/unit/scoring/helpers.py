"""Small builders for scoring tests: a rule from TOML snippets, marks from tuples."""
from __future__ import annotations

from decimal import Decimal

from competition.rules import parse_rule
from competition.scoring import MarkIn, compute_standings

D = Decimal


def rule(criteria: str, *, mode: str = "sum", scoring: str = "", awards: str = "",
         components: str | None = None, blind: bool = False):
    """A rule with one component "c" (sum mode, max computed) unless `components` given."""
    if components is None:
        components = '[[components]]\nid = "c"\nname = "C"\n'
    text = (f'version = 1\n[trade]\ncode = "t"\nname = "T"\nblind = {str(blind).lower()}\n'
            f'[scoring]\nmode = "{mode}"\n{scoring}\n{components}\n{criteria}\n{awards}\n')
    return parse_rule(text, "t.toml")


def crit(id: str, kind: str, body: str, component: str = "c") -> str:
    return (f'[[criteria]]\nid = "{id}"\ncomponent = "{component}"\nname = "{id}"\n'
            f'kind = "{kind}"\n{body}\n')


def marks(*rows) -> list[MarkIn]:
    """rows of (entry, address, value[, judge[, attempt]])."""
    return [MarkIn(*r) for r in rows]


def points(rule_, rows, crit_id: str, entry: str = "e1", **kw) -> Decimal:
    return compute_standings(rule_, marks(*rows), **kw).row(entry).criteria[crit_id]


def total(rule_, rows, entry: str = "e1", **kw) -> Decimal:
    return compute_standings(rule_, marks(*rows), **kw).row(entry).total
