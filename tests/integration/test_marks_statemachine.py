"""A hypothesis state machine over the mark services (issue 13), on SQLite and PostgreSQL:
judges' marks, retries with the same client id, late replays of older submissions, chief
corrections and appeal re-scores carrying the value they correct (sometimes stale),
deletions by the chief (a retry must not bring the mark back), sign-off and unlock, in
random order. A model says what must be stored and what each call must answer; after
every step the stored marks equal the model (nothing lost, nothing invented) and replaying
each mark's audit rows gives exactly its stored value."""
from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select

from competition.extensions import db
from competition.models import AuditLog, Heat, Mark, Role, User
from competition.services import heats as heat_service
from competition.services import marks as mark_service
from competition.services.errors import Conflict
from tests.conftest import create_user
from tests.factories import build_event

VALUES = st.sampled_from(["30", "35.5", "40", "42", "45", "50"])


@dataclass
class Stored:
    value: str
    client_id: str | None      # None: a correction gave it a client id the model does not know
    seq: int | None


@dataclass
class Sent:
    judge: int
    entry: int
    value: str
    client_id: str
    seq: int


def machine_for(ev, panel_id):
    judges = [j.id for j in ev["judges"][:2]]
    entries = [e.id for e in ev["entries"][:2]]
    heat_id, chief_id = ev["heat"].id, ev["chief"].id

    class Marks(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            db.session.execute(delete(AuditLog))
            db.session.execute(delete(Mark))
            heat = db.session.get(Heat, heat_id)
            heat.locked_at, heat.locked_by_id = None, None
            db.session.commit()
            self.model: dict[tuple[int, int], Stored] = {}
            self.sent: list[Sent] = []
            self.locked = False
            self.clock = {j: 1000 for j in judges}
            self.ids = 0

        def _cid(self) -> str:
            self.ids += 1
            return f"sm-{self.ids:06d}"

        def _submit(self, sub: Sent):
            """Send ``sub`` and check the answer against the model (then update it)."""
            key = (sub.entry, sub.judge)
            cur = self.model.get(key)
            live = cur is not None and cur.value is not None
            if live and cur.client_id == sub.client_id:
                expect = "duplicate"
            elif self.locked:
                expect = "conflict"
            elif cur is not None and not live and (
                    cur.client_id == sub.client_id or sub.seq <= cur.seq):
                expect = "superseded"         # deleted by a correction after it was sent
            elif not live:
                expect = "created"
            elif cur.seq is not None and sub.seq <= cur.seq:
                expect = "superseded"
            elif cur.value == sub.value:
                expect = "unchanged"
            else:
                expect = "updated"
            try:
                result = mark_service.record_mark(
                    db.session.get(User, sub.judge), entry_id=sub.entry, address="work",
                    value=sub.value, client_id=sub.client_id, seq=sub.seq)
                got = result.status
            except Conflict:
                got = "conflict"
            assert got == expect, (sub, cur, self.locked)
            if got in ("created", "updated", "unchanged"):
                self.model[key] = Stored(sub.value, sub.client_id, sub.seq)

        @rule(j=st.sampled_from(judges), e=st.sampled_from(entries), value=VALUES)
        def judge_marks(self, j, e, value):
            self.clock[j] += 1
            sub = Sent(j, e, value, self._cid(), self.clock[j])
            self.sent.append(sub)
            self._submit(sub)

        @rule(data=st.data())
        def retry_same_submission(self, data):
            if self.sent:
                self._submit(data.draw(st.sampled_from(self.sent)))

        @rule(data=st.data(), value=VALUES)
        def replay_older_submission(self, data, value):
            """A new client id carrying an old number (a second tablet's stale queue)."""
            if self.sent:
                old = data.draw(st.sampled_from(self.sent))
                self._submit(Sent(old.judge, old.entry, value, self._cid(), old.seq))

        @rule(e=st.sampled_from(entries), j=st.sampled_from(judges), value=VALUES,
              stale=st.booleans(), appeal=st.booleans())
        def correct(self, e, j, value, stale, appeal):
            cur = self.model.get((e, j))
            if cur is None or cur.value is None:
                return
            mark_id = db.session.scalar(select(Mark.id).where(
                Mark.entry_id == e, Mark.judge_id == j, Mark.criterion == "work"))
            expected = "1" if stale else cur.value
            actor = panel_id if appeal else chief_id
            try:
                mark_service.correct_mark(
                    db.session.get(User, actor), heat_id=heat_id, mark_id=mark_id,
                    value=value, reason="复核更正分数", expected=expected,
                    kind="appeal" if appeal else "correction")
                got = "ok"
            except Conflict:
                got = "conflict"
            assert got == ("conflict" if stale else "ok")
            if got == "ok":
                self.model[(e, j)] = Stored(value, None, cur.seq)

        @rule(e=st.sampled_from(entries), j=st.sampled_from(judges), stale=st.booleans())
        def delete(self, e, j, stale):
            cur = self.model.get((e, j))
            if cur is None or cur.value is None:
                return
            mark_id = db.session.scalar(select(Mark.id).where(
                Mark.entry_id == e, Mark.judge_id == j, Mark.criterion == "work"))
            try:
                mark_service.correct_mark(
                    db.session.get(User, chief_id), heat_id=heat_id, mark_id=mark_id,
                    value="", reason="录错选手，删除", expected="1" if stale else cur.value)
                got = "ok"
            except Conflict:
                got = "conflict"
            assert got == ("conflict" if stale else "ok")
            if got == "ok":
                self.model[(e, j)] = Stored(None, cur.client_id, cur.seq)   # a tombstone

        @rule()
        def sign_off(self):
            try:
                heat_service.lock_heat(db.session.get(User, chief_id), heat_id)
                assert not self.locked
            except Conflict:
                assert self.locked
            self.locked = True

        @rule()
        def unlock(self):
            try:
                heat_service.unlock_heat(db.session.get(User, chief_id), heat_id, "重新开放评分")
                assert self.locked
            except Conflict:
                assert not self.locked
            self.locked = False

        @invariant()
        def stored_marks_are_the_model(self):
            db.session.expire_all()
            rows = db.session.scalars(select(Mark)).all()
            assert {(m.entry_id, m.judge_id): m.value for m in rows} == \
                {k: v.value for k, v in self.model.items() if v.value is not None}
            for m in rows:
                assert m.seq == self.model[(m.entry_id, m.judge_id)].seq

        @invariant()
        def the_audit_trail_replays_to_the_stored_values(self):
            replay: dict[int, str | None] = {}
            for row in db.session.scalars(select(AuditLog).where(
                    AuditLog.object_type == "mark").order_by(AuditLog.id)):
                before = replay.get(row.object_id)
                assert (row.old or {}).get("value") == before, (row.action, row.old, before)
                replay[row.object_id] = (row.new or {}).get("value")
            stored = {m.id: m.value for m in db.session.scalars(select(Mark))}
            assert {k: v for k, v in replay.items() if v is not None} == stored

    return Marks


def test_random_interleavings_lose_and_invent_no_mark(app, monkeypatch):
    from competition import live
    monkeypatch.setattr(live, "publish_trade", lambda trade: None)
    ev = build_event(n_entries=2, n_judges=2)
    panel = create_user("panel", Role.ARBITRATION)
    machine = machine_for(ev, panel.id)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=30, stateful_step_count=20, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))

