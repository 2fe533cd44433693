"""Set up a real competition: the competition itself and its trades bound to rule files."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import AuditLog, Competition, Trade
from .errors import Conflict, ServiceError


def create_competition(code: str, name: str, year: int, organiser: str,
                       trade_codes: list[str] | None = None) -> Competition:
    """Create a competition with one trade per rule file in RULES_DIR (or only the trades
    named), each bound to its rule text. Raises ServiceError naming the field at fault
    (a taken code, an unknown trade, an invalid rule file); nothing is saved then."""
    from ..rules import RuleError
    from .rules import parse_for_binding
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ServiceError("code and name are required", "code" if not code else "name")
    if db.session.scalar(select(Competition.id).where(Competition.code == code)):
        raise Conflict(f"a competition with the code {code!r} exists already", "code")
    rules = {}
    for path in sorted(Path(current_app.config["RULES_DIR"]).glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        try:
            rule = parse_for_binding(text, path.name)    # strict, as `rules check`
        except RuleError as exc:
            raise ServiceError("; ".join(str(p) for p in exc.problems), "rules") from None
        rules[rule.trade.code] = (path, text, rule)
    wanted = trade_codes or list(rules)
    unknown = [c for c in wanted if c not in rules]
    if unknown:
        raise ServiceError(f"no rule file for trade(s): {', '.join(unknown)}", "trades")
    comp = Competition(code=code, name=name, year=year, organiser=organiser.strip())
    db.session.add(comp)
    db.session.flush()
    for trade_code in wanted:
        path, text, rule = rules[trade_code]
        db.session.add(Trade(competition_id=comp.id, code=trade_code, name=rule.trade.name,
                             name_en=rule.trade.name_en, rule_file=path.name, rule_text=text,
                             blind=rule.trade.blind))
    db.session.add(AuditLog(action="competition.create", object_type="competition",
                            object_id=comp.id, competition_id=comp.id,
                            new={"code": code, "name": name, "trades": wanted}))
    db.session.commit()
    return comp
