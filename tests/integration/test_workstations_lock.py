"""A heat's number of workstations changed while a late entrant is seated in it, with real
threads on SQLite and PostgreSQL: the change takes the heat's lock that seating takes, so
a contestant is never left at a workstation beyond the heat's number (one of the two is
refused)."""
from __future__ import annotations

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contestant, Entry, Heat
from competition.services import draws, seating
from competition.services.errors import ServiceError
from tests.factories import build_event, fake_id_number
from tests.integration.test_marks_concurrency import run_together, user

ROUNDS = 8


def test_seating_and_shrinking_a_heat_never_leave_a_seat_beyond_it(app):
    ev = build_event(n_entries=6, n_judges=1)
    heat_id, organiser = ev["heat"].id, ev["organiser"].id
    person = Contestant(competition_id=ev["competition"].id, trade_id=ev["trade"].id, name="迟到选手",
                        gender="男", id_number=fake_id_number(77), employer="示例县第5机械厂")
    db.session.add(person)
    db.session.flush()
    late = Entry(stage_id=ev["stage"].id, contestant_id=person.id)
    db.session.add(late)
    db.session.commit()
    late_id = late.id

    def seat():
        seating.seat_entry(late_id, heat_id, user(organiser), workstation="10", lot_number="099",
                           reason="补报名，现场入场")
        return "seated"

    def shrink():
        draws.set_workstations(db.session.get(Heat, heat_id), 8, user(organiser))
        return "shrunk"

    outcomes = set()
    for _ in range(ROUNDS):
        results = run_together(app, [seat, shrink])
        ok = [r for r in results if isinstance(r, str)]
        refused = [r for r in results if isinstance(r, ServiceError)]
        assert len(ok) == 1 and len(refused) == 1, results
        outcomes.add(ok[0])
        heat = db.session.get(Heat, heat_id)
        used = db.session.scalar(select(func.max(Entry.workstation)).where(Entry.heat_id == heat_id))
        assert used <= heat.workstations
        entry = db.session.get(Entry, late_id)            # back to the start for the next round
        entry.heat_id, entry.workstation, entry.lot_number = None, None, None
        heat.workstations = 20
        db.session.commit()
