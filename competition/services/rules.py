"""The rule bound to a trade, parsed once per rule text."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app

from ..models import Trade


@lru_cache(maxsize=256)
def _parse(text: str, source: str):
    from ..rules import parse_rule
    return parse_rule(text, source)


def parse_for_binding(text: str, source: str):
    """Parse a rule text that is about to be bound to a trade: the strict parse that
    `rules check` runs (competition.rules.parse_rule(strict=True)), which also refuses
    what a rule must now declare (a sum-mode component its criteria can take above its
    max without `cap`). Texts already bound are read leniently (rule_for), so an old
    binding keeps working and says on its rows what it held.

    Raises competition.rules.RuleError listing every problem."""
    from ..rules import parse_rule
    return parse_rule(text, source, strict=True)


def rule_for(trade: Trade):
    """The parsed Rule of ``trade`` (its bound snapshot, else its file in RULES_DIR).

    Raises competition.rules.RuleError if the rule does not validate."""
    text = trade.rule_text or read_rule_file(trade.rule_file)
    return _parse(text, trade.rule_file or f"trade:{trade.code}")


BUILTIN_RULES = Path(__file__).resolve().parent.parent / "demo_rules"


def rule_path(name: str) -> Path:
    """Where a trade's rule file is: the configured rules folder (RULES_DIR), else the
    rules that ship with the demo (competition/demo_rules, the safety contest)."""
    configured = Path(current_app.config["RULES_DIR"]) / name
    builtin = BUILTIN_RULES / name
    return configured if configured.is_file() or not builtin.is_file() else builtin


def read_rule_file(name: str) -> str:
    """The text of a trade's rule file (see rule_path). Raises OSError if missing."""
    return rule_path(name).read_text(encoding="utf-8")


def rule_digest(text: str) -> str:
    """Short digest of a rule text (the same one printed on the signed marking scheme)."""
    from ..rules.scheme_xlsx import rule_digest as digest
    return digest(text)
