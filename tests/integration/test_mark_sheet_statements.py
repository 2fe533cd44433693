"""A whole score sheet costs a fixed number of SQL statements, whatever its size (issue 19):
the panel, the sheet's stored marks and the heat's corrections are read once per sheet, the
new marks and their audit rows are written in batches, and the answer is built from the
values known before the commit (no reload of each mark). A count bound, not a timing."""
import random
from contextlib import contextmanager

import pytest
from sqlalchemy import event as sa_event

from competition.demo_marks import marks_for_entry
from competition.extensions import db
from competition.models import Trade, User
from competition.services import standings
from competition.services.mark_sheets import record_sheet
from competition.services.rules import rule_for
from tests.factories import build_event

LATHE = "lathe.toml"


@pytest.fixture
def lathe(app):
    from pathlib import Path
    rule_file = Path(app.root_path).parent / "scoring_rules" / LATHE
    event = build_event(n_entries=4, n_judges=1, rule_file=str(rule_file), code="lathe",
                        blind=False)
    event["trade_id"] = event["trade"].id
    event["judges"] = [j.id for j in event["judges"]]
    return event


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def full_sheet(rule, seed: int) -> list[dict]:
    seen, sheet = set(), []
    for address, value, _judge, attempt in marks_for_entry(rule, 0.8, random.Random(seed)):
        if (address, attempt) not in seen:
            seen.add((address, attempt))
            sheet.append({"criterion": address, "value": value, "attempt": attempt})
    return sheet


def costs(lathe, entry_id: int, n: int) -> dict[str, int]:
    """Statements of the request's own work (the publish after the commit runs in the
    publisher, not in the judge's request) for a new sheet of ``n`` marks, its retry, and
    a sheet changing them, each in a fresh session as a request has."""
    judge_id = lathe["judges"][0]
    rule = rule_for(db.session.get(Trade, lathe["trade_id"]))
    first, second = full_sheet(rule, 1)[:n], full_sheet(rule, 2)[:n]
    assert len(first) == n
    out = {}
    for name, marks, cid, seq in [("created", first, f"sheet-{entry_id:06d}-a", 10),
                                  ("duplicate", first, f"sheet-{entry_id:06d}-a", 10),
                                  ("updated", second, f"sheet-{entry_id:06d}-b", 20)]:
        db.session.expunge_all()
        judge = db.session.get(User, judge_id)
        with counted() as statements:
            result = record_sheet(judge, entry_id=entry_id, client_id=cid, seq=seq,
                                  marks=marks)
            answer = result.mark_dicts()
        assert result.status == name, (name, [r.status for r in result.results])
        assert len(answer) == n and all(m["id"] for m in answer)
        out[name] = len(statements)
    return out


def test_a_sheet_costs_the_same_statements_for_2_and_10_marks(lathe, monkeypatch):
    monkeypatch.setattr(standings, "trade_changed", lambda trade_id: None)
    first, second = (e.id for e in lathe["entries"][:2])
    small = costs(lathe, first, 2)
    large = costs(lathe, second, 10)
    assert large == small, (small, large)
    # the entry and its heat under the heat's lock, the sheet's marks, the panel, the
    # corrections, one INSERT of marks, one of audit rows, the version, the commit
    assert large["created"] <= 16 and large["updated"] <= 16 and large["duplicate"] <= 8, \
        large


def test_the_answer_built_before_the_commit_is_what_a_reload_reads(lathe):
    """The answer comes from the values written, not a reload: it must equal the stored
    rows (ids, values, client ids, seq, times) and the audit rows name each mark."""
    from sqlalchemy import select

    from competition.models import AuditLog, Mark
    from competition.services.mark_common import mark_dict
    entry_id, judge_id, heat_id = lathe["entries"][2].id, lathe["judges"][0], lathe["heat"].id
    rule = rule_for(db.session.get(Trade, lathe["trade_id"]))
    sheet = full_sheet(rule, 3)
    changed = [dict(m) for m in sheet]
    changed[0]["value"] = next(v for seed in range(4, 200)
                               if (v := full_sheet(rule, seed)[0]["value"]) != sheet[0]["value"])
    changed[-1]["note"] = "重测"
    for marks, cid, seq in [(sheet, "sheet-answer-a", 1), (changed, "sheet-answer-b", 2)]:
        db.session.expunge_all()
        result = record_sheet(db.session.get(User, judge_id), entry_id=entry_id,
                              client_id=cid, seq=seq, marks=marks)
        answer = result.mark_dicts()
        db.session.expunge_all()
        stored = {m.id: m for m in db.session.scalars(
            select(Mark).where(Mark.entry_id == entry_id))}
        assert [{k: v for k, v in a.items() if k != "status"} for a in answer] == \
            [mark_dict(stored[a["id"]]) for a in answer]
    audited = db.session.scalars(select(AuditLog).where(
        AuditLog.object_type == "mark", AuditLog.heat_id == heat_id)
        .order_by(AuditLog.id)).all()
    creates = [a for a in audited if a.action == "mark.create"]
    assert len(creates) == len(sheet)
    assert {a.object_id for a in creates} == set(stored)
    updates = [a for a in audited if a.action == "mark.update"]
    assert updates and all(
        (a.new["value"], a.new["client_id"], a.new["seq"], a.new["lot"]) ==
        (stored[a.object_id].value, stored[a.object_id].client_id, 2, "003")
        for a in updates)
