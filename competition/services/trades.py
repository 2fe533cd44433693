"""Organiser actions on trades: bind a trade to the current version of its rule file."""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import AuditLog, Trade, User
from .rules import parse_for_binding, read_rule_file, rule_digest, rule_path
from .standings import trade_changed


class RuleBindError(ValueError):
    """The rule file cannot be bound (missing, or it does not validate)."""


@dataclass
class RuleStatus:
    trade: Trade
    bound_digest: str
    file_digest: str | None     # None: the file is missing
    problems: list[str]

    @property
    def changed(self) -> bool:
        return self.file_digest is not None and self.file_digest != self.bound_digest


def rule_status(trade: Trade) -> RuleStatus:
    """Compare the rule text bound to the trade with its rule file (checked as binding
    would check it: strictly)."""
    from ..rules import RuleError
    path = rule_path(trade.rule_file)
    file_text = path.read_text(encoding="utf-8") if path.is_file() else None
    problems: list[str] = []
    if file_text is not None:
        try:
            parse_for_binding(file_text, trade.rule_file)
        except RuleError as exc:
            problems = [str(p) for p in exc.problems]
    return RuleStatus(trade, rule_digest(trade.rule_text or ""),
                      rule_digest(file_text) if file_text is not None else None, problems)


def rebind_rule(trade: Trade, user: User, reason: str) -> None:
    """Bind ``trade`` to the current text of its rule file, recording old and new digests.

    Raises RuleBindError if the file is missing or invalid (the strict parse of `rules
    check`: a sum-mode text without `cap` where it is needed cannot be bound), or no
    reason is given; nothing is changed then."""
    from ..rules import RuleError
    if not reason.strip():
        raise RuleBindError("a reason is required to change a trade's scoring rule")
    try:
        text = read_rule_file(trade.rule_file)
    except OSError as exc:
        raise RuleBindError(f"{trade.rule_file}: cannot be read ({exc.strerror})") from None
    try:
        rule = parse_for_binding(text, trade.rule_file)
    except RuleError as exc:
        raise RuleBindError("; ".join(str(p) for p in exc.problems)) from None
    old = rule_digest(trade.rule_text or "")
    old_blind = trade.blind
    trade.rule_text = text
    trade.blind = bool(rule.trade.blind)     # the flag follows the bound rule
    db.session.add(AuditLog(user_id=user.id, action="trade.rule_rebind", object_type="trade",
                            object_id=trade.id, competition_id=trade.competition_id,
                            trade_id=trade.id, old={"digest": old, "blind": old_blind},
                            new={"digest": rule_digest(text), "blind": trade.blind},
                            reason=reason.strip()))
    db.session.commit()
    trade_changed(trade.id)


def names_hidden_publicly(trade: Trade) -> bool:
    """Whether public views (the public page, the public API, LED screens) must show lot
    numbers instead of names while the results are unpublished: the trade is judged blind,
    or any criterion of its bound rule is (publishing lot -> name would un-blind that
    criterion's judges)."""
    if trade.blind:
        return True
    from ..rules import RuleError
    from .rules import rule_for
    try:
        rule = rule_for(trade)
    except (RuleError, OSError):
        return False
    # the trade's own flag follows the rule's [trade] blind (bind, rebind, create); a
    # criterion's explicit blind = true counts here too
    return any(c.blind is True for c in rule.criteria)
