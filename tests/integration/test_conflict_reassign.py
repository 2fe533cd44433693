"""回避 by reassignment (issue 17): judge 1 works for 示例县第1机械厂, like contestants 1 and 4;
the chief judge gives 作品质量 (and the other criteria judge 1 would mark) for those two to
judge 4 instead. Stored per entry, audited; the panel, the tablet, the judge API, the
counts and the standings all follow it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Mark, PanelSubstitution, Role
from competition.services import standings
from competition.services.conflicts import ConflictOfInterest, panel_state
from competition.services.errors import Conflict, ServiceError
from competition.services.heats import assign_judges
from competition.services.panels import heat_counts
from competition.services.scoresheets import judge_sheet
from tests.conftest import create_user
from tests.factories import build_event

HOME = "示例县第1机械厂"     # build_event: contestants 1 and 4 of 6 work here
ALL = ["exam", "safety", "steps", "work"]


def home_event():
    ev = build_event(n_entries=6, n_judges=3, blind=False)
    ev["judges"][0].employer = HOME
    ev["spare"] = create_user("judge4_mini", Role.JUDGE, display_name="裁判四", employer="示例县第9机械厂")
    db.session.commit()
    return ev


def reassign_all(ev, crits=ALL, **kw):
    j1, spare = ev["judges"][0], ev["spare"]
    return assign_judges(ev["chief"], ev["heat"].id, {j.id: None for j in ev["judges"]},
                         substitutes={(j1.id, c): spare.id for c in crits}, **kw)


def test_reassigning_every_criterion_saves_without_a_reason_and_is_audited(app):
    ev = home_event()
    reassign_all(ev)
    rows = db.session.scalars(select(PanelSubstitution)).all()
    home = {ev["entries"][0].id, ev["entries"][3].id}
    assert {(r.entry_id, r.criterion, r.judge_id, r.substitute_id) for r in rows} == \
        {(e, c, ev["judges"][0].id, ev["spare"].id) for e in home for c in ALL}
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "heat.reassign"))
    assert {(s["judge"], s["substitute"]) for s in audit.new["substitutions"]} == {("judge1_mini", "裁判四")}
    assert not db.session.scalar(select(AuditLog.id).where(AuditLog.action == "heat.assign_conflict"))


def test_reassigning_some_criteria_still_needs_a_reason(app):
    ev = home_event()
    with pytest.raises(ConflictOfInterest):
        reassign_all(ev, crits=["work"])
    db.session.rollback()
    assert not db.session.scalars(select(PanelSubstitution)).all()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    assert len(db.session.scalars(select(PanelSubstitution)).all()) == 2


@pytest.mark.parametrize("who, message", [
    ("judge2", "already marks"), ("colleague", "must stand aside too"), ("chief", "another active judge")])
def test_a_wrong_substitute_is_refused_by_name(app, who, message):
    ev = home_event()
    colleague = create_user("judge5_mini", Role.JUDGE, display_name="裁判五", employer=HOME)
    sub = {"judge2": ev["judges"][1], "colleague": colleague, "chief": ev["chief"]}[who]
    with pytest.raises(ServiceError) as err:
        assign_judges(ev["chief"], ev["heat"].id, {j.id: None for j in ev["judges"]},
                      substitutes={(ev["judges"][0].id, "work"): sub.id})
    assert err.value.field == "substitute"
    db.session.rollback()
    assert not db.session.scalars(select(PanelSubstitution)).all()


def test_the_tablets_follow_the_substitution(app):
    ev = home_event()
    reassign_all(ev)
    j1, spare = ev["judges"][0], ev["spare"]
    sheet = judge_sheet(j1, ev["heat"])
    # judge 1 no longer has contestants 1 and 4 (every criterion given away)
    assert [e["lot_number"] for e in sheet["entries"]] == ["002", "003", "005", "006"]
    spare_sheet = judge_sheet(spare, ev["heat"])
    assert [e["lot_number"] for e in spare_sheet["entries"]] == ["001", "004"]
    assert {c["id"] for c in spare_sheet["criteria"]} == set(ALL)
    assert "work#1" in spare_sheet["entries"][0]["missing"]


def test_a_partial_substitution_hides_one_criterion_for_those_entries(app):
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    j1, spare = ev["judges"][0], ev["spare"]
    rows = {e["lot_number"]: e for e in judge_sheet(j1, ev["heat"])["entries"]}
    assert rows["001"]["skip"] == ["work"] and "skip" not in rows["002"]
    assert not any(k.startswith("work") for k in rows["001"]["missing"])
    spare_rows = judge_sheet(spare, ev["heat"])["entries"]
    assert [e["lot_number"] for e in spare_rows] == ["001", "004"]
    assert all(e.get("skip") is None for e in spare_rows)       # 作品质量 only, theirs


def test_the_judge_api_refuses_the_judge_standing_aside_naming_the_substitute(app, client, auth):
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    auth.login(ev["judges"][0].username)
    home, away = ev["entries"][0], ev["entries"][1]
    r = client.post("/api/marks", json={"entry_id": home.id, "criterion": "work", "value": "50",
                                        "client_id": "aside-0001"})
    assert r.status_code == 403
    assert r.get_json()["field"] == "criterion" and "裁判四" in r.get_json()["error"]
    assert "回避" in r.get_json()["error"]
    r = client.post("/api/marks", json={"entry_id": away.id, "criterion": "work", "value": "50",
                                        "client_id": "aside-0002"})
    assert r.status_code == 201
    auth.logout()
    auth.login(ev["spare"].username)
    r = client.post("/api/marks", json={"entry_id": home.id, "criterion": "work", "value": "44",
                                        "client_id": "spare-0001"})
    assert r.status_code == 201
    r = client.post("/api/marks", json={"entry_id": away.id, "criterion": "work", "value": "44",
                                        "client_id": "spare-0002"})
    assert r.status_code == 403


def test_counts_and_standings_use_the_entrys_panel(app):
    ev = home_event()
    j1, j2, j3 = ev["judges"]
    spare = ev["spare"]
    # a mark judge 1 entered before the reassignment is kept but no longer counted
    home = ev["entries"][0]
    db.session.add_all([Mark(entry_id=home.id, judge_id=j1.id, criterion="work", attempt=1, value="60",
                             client_id="before-0001")])
    db.session.commit()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    for n, (judge, value) in enumerate([(j2, "40"), (j3, "40"), (spare, "43")]):
        db.session.add(Mark(entry_id=home.id, judge_id=judge.id, criterion="work", attempt=1, value=value,
                            client_id=f"count-{n:04d}"))
    db.session.commit()
    standings.trade_changed(ev["trade"].id)
    counts = heat_counts(ev["heat"])
    assert not [m for m in counts["missing"][home.id] if m.address == "work"]
    ts = standings.trade_standings(ev["trade"])
    row = next(r for r in ts.standings.rows if r.entry == str(home.id))
    assert row.criteria["work"] == 41     # (40 + 40 + 43) / 3; judge 1's 60 not counted


def test_a_save_over_a_changed_state_is_refused(app):
    ev = home_event()
    seen = panel_state(ev["heat"].id)
    reassign_all(ev, seen=seen)
    with pytest.raises(Conflict) as err:
        assign_judges(ev["chief"], ev["heat"].id, {j.id: None for j in ev["judges"][1:]}, seen=seen)
    assert err.value.field == "judges"
    db.session.rollback()
    assert len(ev["heat"].assignments) == 3


def test_taking_a_substitute_back_needs_the_conflict_settled_again(app):
    ev = home_event()
    reassign_all(ev)
    with pytest.raises(ConflictOfInterest):
        assign_judges(ev["chief"], ev["heat"].id, {j.id: None for j in ev["judges"]},
                      substitutes={(ev["judges"][0].id, "work"): None})
    db.session.rollback()
    assert len(db.session.scalars(select(PanelSubstitution)).all()) == 8


def test_a_substitute_later_put_on_the_panel_no_longer_settles_the_conflict(app):
    """Judge 4 substitutes for judge 1 on lots 001 and 004; assigning judge 4 to the heat for
    every criterion would undo that (the panel ignores a substitute already on it), so the
    save is refused and names judge 1 again."""
    ev = home_event()
    reassign_all(ev)
    wanted = {j.id: None for j in [*ev["judges"], ev["spare"]]}
    with pytest.raises(ConflictOfInterest) as err:
        assign_judges(ev["chief"], ev["heat"].id, wanted)
    assert "judge1_mini" in err.value.message
    db.session.rollback()


def test_the_chief_page_says_who_marks_instead_for_which_lots(app, client, auth):
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    auth.login(ev["chief"].username)
    html = client.get(f"/judge/chief/heat/{ev['heat'].id}").get_data(as_text=True)
    assert "抽签号 001、004：由 裁判四 代替 judge1_mini 评分（回避）" in html


def test_a_whole_sheet_with_the_given_away_criterion_is_refused_naming_the_substitute(app, client, auth):
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    auth.login(ev["judges"][0].username)
    home = ev["entries"][0]
    r = client.post("/api/sheets", json={"client_id": "aside-sheet-0001", "entry_id": home.id, "seq": 1,
                                         "marks": [{"criterion": "exam", "value": "80"},
                                                   {"criterion": "work", "value": "50"}]})
    assert r.status_code == 403 and r.get_json()["field"] == "criterion" and "裁判四" in r.get_json()["error"]
    assert not db.session.scalars(select(Mark).where(Mark.entry_id == home.id)).all()    # all or nothing
    r = client.post("/api/sheets", json={"client_id": "aside-sheet-0002", "entry_id": home.id, "seq": 2,
                                         "marks": [{"criterion": "exam", "value": "80"}]})
    assert r.status_code == 201


def test_the_chief_sees_what_the_substitute_still_owes(app):
    from competition.services.scoresheets import heat_summary
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    rows = {r["judge"].username: r for r in heat_summary(ev["heat"])["judges"]}
    # 作品质量 of lots 001 and 004: the substitute owes 2, judge 1 owes the other 4 lots
    spare = rows["judge4_mini"]
    assert spare["expected"] == 2 and {lot for lot, _k in spare["missing"]} == {"001", "004"}
    assert rows["judge4_mini"]["criteria"] == ["work"]
    assert rows["judge1_mini"]["expected"] == 4 and rows["judge2_mini"]["expected"] == 6


def test_the_paper_score_sheets_say_who_marks_instead(app):
    """The paper fallback (评分表): a note on every sheet, and a sheet for the substitute
    with the criterion given to them."""
    import io

    from competition.services.documents import score_sheet_data, write_score_sheets
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    data = score_sheet_data(ev["heat"])
    assert "回避：抽签号 001、004 的“作品质量”由 裁判四 评分（judge1_mini 回避，不填）。" in data.notes
    assert "裁判四" in data.judges and data.judge_columns["裁判四"] == ["work"]
    assert write_score_sheets(ev["heat"], io.BytesIO()) >= 4


def test_the_chief_enters_the_substitutes_paper_marks_for_their_lots_only(app, client, auth):
    """From the paper sheets: the chief's "add a mark" credited to the substitute is taken
    for the lots given to them and refused for the others (the substitute's own check)."""
    from competition.services.errors import Forbidden
    from competition.services.marks import correct_mark
    ev = home_event()
    reassign_all(ev, crits=["work"], conflict_reason="理论考试由系统阅卷，不受影响")
    home, away = ev["entries"][0], ev["entries"][1]
    auth.login(ev["chief"].username)
    assert "裁判四" in client.get(f"/judge/chief/heat/{ev['heat'].id}/entry/{home.id}").get_data(as_text=True)
    correct_mark(ev["chief"], heat_id=ev["heat"].id, entry_id=home.id, address="work", value="44",
                 reason="纸质评分表补录", judge_id=ev["spare"].id)
    stored = select(Mark.value).where(Mark.entry_id == home.id, Mark.judge_id == ev["spare"].id)
    assert db.session.scalar(stored) == "44"
    with pytest.raises(Forbidden):
        correct_mark(ev["chief"], heat_id=ev["heat"].id, entry_id=away.id, address="work", value="44",
                     reason="纸质评分表补录", judge_id=ev["spare"].id)
    db.session.rollback()
