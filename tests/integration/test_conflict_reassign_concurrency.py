"""Two chief judges saving the same heat's judges at once (回避 by reassignment, issue 17),
with real threads against SQLite (a file) and PostgreSQL, many rounds: both saw the same
assignment; exactly one save wins, the other is told someone else changed it and stores
nothing (the heat's lock serialises them; the state the page showed is checked under it)."""
from __future__ import annotations

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditLog, PanelSubstitution, Role
from competition.services.conflicts import panel_state
from competition.services.errors import Conflict
from competition.services.heats import assign_judges
from tests.conftest import create_user
from tests.integration.test_conflict_reassign import ALL, home_event
from tests.integration.test_marks_concurrency import run_together, user

ROUNDS = 8


def save(chief_id, heat_id, wanted, judge_id, substitute_id, seen):
    def call():
        assign_judges(user(chief_id), heat_id, wanted, seen=seen,
                      substitutes={(judge_id, c): substitute_id for c in ALL})
        return substitute_id
    return call


def test_two_chiefs_reassigning_at_once_never_both_win(app):
    ev = home_event()
    heat_id, j1 = ev["heat"].id, ev["judges"][0].id
    second = create_user("chief2_mini", Role.CHIEF_JUDGE, trade_id=ev["trade"].id)
    spares = [ev["spare"].id] + [create_user(f"spare{k}_mini", Role.JUDGE, employer="示例县第8机械厂").id
                                 for k in range(2)]
    wanted = {j.id: None for j in ev["judges"]}
    chiefs = [ev["chief"].id, second.id]
    current = None
    for n in range(ROUNDS):
        seen = panel_state(heat_id)
        a, b = [s for s in spares if s != current][:2]
        results = run_together(app, [save(chiefs[0], heat_id, wanted, j1, a, seen),
                                     save(chiefs[1], heat_id, wanted, j1, b, seen)])
        won = [r for r in results if isinstance(r, int)]
        lost = [r for r in results if not isinstance(r, int)]
        assert len(won) == 1 and len(lost) == 1, results
        assert isinstance(lost[0], Conflict) and lost[0].field == "judges"
        current = won[0]
        stored = db.session.scalars(select(PanelSubstitution.substitute_id)).all()
        assert set(stored) == {current} and len(stored) == 2 * len(ALL)
        assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "heat.reassign")) == n + 1
