"""Issue 16's service side: a rule with per-attempt declared values (difficulty and a
restart with a default), per-attempt adjustments, a count and a published value with
units and a WorldSkills judgement aspect (max_spread 1), through the tablet's sheet, the
chief judge's pages, progress counts and the workbooks (tests/data/attempts_rule.toml).

Per entry with three judges marking everything: routine 3 marks x 2 attempts + its
difficulty once per attempt (2) + pieces 1 (first come) + theory 1 (first come) + aspect
3 = 13; the restart (default 0) and the chief's adjustments are optional."""
import io
import re

import pytest
from openpyxl import load_workbook

from competition.services import marks as mark_service
from competition.services.scoresheets import heat_summary
from competition.services.standings import trade_progress, trade_standings
from tests.factories import build_event


@pytest.fixture
def event(app):
    return build_event(n_entries=2, n_judges=3, rule_file="attempts_rule.toml",
                       code="attempts", blind=False)


def mark(event, judge, entry, address, value, attempt=1):
    return mark_service.record_mark(
        event["judges"][judge], entry_id=event["entries"][entry].id, address=address,
        value=value, attempt=attempt,
        client_id=f"a-{judge}-{entry}-{address}-{attempt}-{value}".replace(".", "_")
        .replace("@", "_"))


def full_entry(event, entry, dd=("2.0", "2.5"), routine=("8", "7"), aspect=("2", "2", "3")):
    for a in (1, 2):
        for j in range(3):
            mark(event, j, entry, "routine", routine[a - 1], attempt=a)
        mark(event, 0, entry, "routine@difficulty", dd[a - 1], attempt=a)
    mark(event, 1, entry, "pieces", "12")
    mark(event, 2, entry, "theory", "86.5")
    for j in range(3):
        mark(event, j, entry, "aspect", aspect[j])


def sheet_of(client, auth, event, judge=0):
    auth.login(event["judges"][judge].username)
    sheet = client.get(f"/api/heats/{event['heat'].id}/sheet").json
    auth.logout()
    return sheet


def workbook_rows(event, sheet_name):
    from competition.services.documents import write_trade_workbook
    out = io.BytesIO()
    write_trade_workbook(event["trade"], out)
    out.seek(0)
    return list(load_workbook(out, read_only=True)[sheet_name].iter_rows(values_only=True))


def test_the_tablet_asks_for_the_difficulty_of_each_attempt_and_shows_units(
        event, client, auth):
    sheet = sheet_of(client, auth, event)
    slots = {s["address"]: s for c in sheet["criteria"] for s in c["slots"]}
    assert slots["routine@difficulty"]["attempts"] == 2
    assert slots["routine@difficulty"]["required"] is True
    assert slots["routine@restart"]["attempts"] == 2
    assert slots["routine@restart"]["required"] is False       # it has a default
    assert slots["pieces"]["unit"] == "件" and slots["theory"]["unit"] == "分"
    assert "bonus" not in slots                                 # the chief's
    missing = sheet["entries"][0]["missing"]
    assert {"routine@difficulty#1", "routine@difficulty#2", "routine#1", "routine#2",
            "aspect#1"} <= set(missing)
    assert not any(k.startswith("routine@restart") for k in missing)
    page = client.get(f"/judge/heat/{event['heat'].id}")   # signed out: a redirect
    assert page.status_code in (302, 303)
    auth.login(event["judges"][0].username)
    html = client.get(f"/judge/heat/{event['heat'].id}").get_data(as_text=True)
    assert 'data-key="routine@difficulty#2"' in html and 'data-key="routine@restart#2"' in html
    assert re.search(r'data-key="pieces#1".*?件', html, re.S)


def test_progress_counts_and_workbooks_agree_with_per_attempt_values(event, client, auth):
    full_entry(event, 0)
    # entry 2: attempt 1 only, no difficulty for attempt 2
    for j in range(3):
        mark(event, j, 1, "routine", "6", attempt=1)
    mark(event, 0, 1, "routine@difficulty", "1.5", attempt=1)
    summary = heat_summary(event["heat"])
    assert (summary["entered"], summary["expected"]) == (13 + 4, 26)
    progress = trade_progress(event["trade"])
    assert (progress["marks"], progress["expected"]) == (17, 26)
    sheet = sheet_of(client, auth, event)
    second = next(e for e in sheet["entries"] if e["id"] == event["entries"][1].id)
    assert "routine@difficulty#2" in second["missing"]
    assert "routine@difficulty#1" not in second["missing"]
    rows = workbook_rows(event, "汇总")
    header, line = rows[1], rows[2]
    assert (line[header.index("已录评分")], line[header.index("应录评分")]) == (17, 26)
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    assert re.search(r"data-heat-total>([^<]*)<", page).group(1).strip() == "17 / 26"
    assert "动作完成 (难度)" in page            # the declared value's own progress row


def test_per_attempt_adjustments_and_declared_values_reach_the_results(event, client, auth):
    full_entry(event, 0)
    # a restart on attempt 2 (2 points off each judge's 7), the chief's +1.5 on attempt 2
    mark(event, 0, 0, "routine@restart", "1", attempt=2)
    auth.login(event["chief"].username)
    r = client.post(f"/judge/chief/heat/{event['heat'].id}/correct",
                    data={"entry_id": event["entries"][0].id, "criterion": "bonus",
                          "attempt": "2", "value": "1.5", "reason": "风力补偿",
                          "expected": ""})
    assert r.status_code == 303
    row = trade_standings(event["trade"]).standings.row(str(event["entries"][0].id))
    # routine: 8 x 2.0 + (7 - 2) x 2.5 = 16 + 12.5 = 28.5; bonus 1.5 (attempt 2)
    assert row.criteria["routine"] == 28.5 and row.criteria["bonus"] == 1.5
    assert row.attempts["bonus"][2][0] == 1.5 and 1 not in row.attempts["bonus"]
    page = client.get(f"/judge/chief/heat/{event['heat'].id}/entry/"
                      f"{event['entries'][0].id}").get_data(as_text=True)
    assert "裁判长加减分" in page
    # the add-a-mark form asks which attempt (the rule's attempts), units in the list
    assert '<select name="attempt">' in page and '<option value="2">2</option>' in page
    assert "合格件数 (件)" in page
    rows = workbook_rows(event, "评分明细")
    text = "\n".join(" ".join(str(c) for c in r if c is not None) for r in rows)
    assert "动作完成 (难度)" in text and "重新开始" in text and "裁判长加减分" in text
    assert text.count("合格件数 (件)") >= 1 and "(件) (件)" not in text     # the unit once


def test_the_chief_cannot_add_a_mark_beyond_the_panel(event, client, auth):
    from competition.services.errors import Conflict, Forbidden
    chief, (j1, j2, j3) = event["chief"], event["judges"]
    heat = event["heat"]
    mark(event, 1, 0, "pieces", "12")           # a one-mark criterion: judge 2 entered it
    entry = event["entries"][0].id

    def add(address, value, judge_id=None, attempt=1):
        return mark_service.correct_mark(chief, heat_id=heat.id, reason="补录评分",
                                         value=value, entry_id=entry, address=address,
                                         attempt=attempt, judge_id=judge_id, expected=None)
    # credited to judge 3: pieces takes one mark and judge 2 entered it
    with pytest.raises(Conflict) as err:
        add("pieces", "10", j3.id)
    assert err.value.field == "criterion" and j2.username in err.value.message
    # the chief's own: the same
    with pytest.raises(Conflict) as err:
        add("pieces", "10")
    assert j2.username in err.value.message
    # the chief's own mark on a three-judge aspect would be a fourth: refused naming them
    with pytest.raises(Forbidden) as err:
        add("aspect", "2")
    assert all(j.username in err.value.message for j in (j1, j2, j3))
    # a judge taken off the aspect cannot be credited with a mark there
    from competition.services import heats as heat_service
    heat_service.assign_judges(chief, heat.id, {j1.id: None, j2.id: None,
                                                j3.id: ["routine", "pieces", "theory"]})
    with pytest.raises(Forbidden) as err:
        add("aspect", "2", j3.id)
    assert j1.username in err.value.message and j2.username in err.value.message
    # what the panel does take: a judge's missing mark, the chief's adjustment per
    # attempt, a declared value
    assert add("aspect", "2", j1.id).status == "created"
    assert add("bonus", "-1", attempt=2).status == "created"
    assert add("routine@difficulty", "2.2", attempt=2).status == "created"
    # the page says why, naming who marks it
    auth.login(chief.username)
    r = client.post(f"/judge/chief/heat/{heat.id}/correct",
                    data={"entry_id": entry, "criterion": "aspect", "value": "3",
                          "reason": "补录评分", "expected": ""}, follow_redirects=True)
    text = r.get_data(as_text=True)
    flashes = re.findall(r"class=\"flash[^>]*>([^<]*)<", text)
    assert r.status_code == 200 and j1.username in flashes[0] and "评分组" in flashes[0], flashes


def test_a_sum_mode_rule_without_cap_cannot_be_bound(event, client, auth, tmp_path, app):
    from competition.models import Competition
    from competition.services import setup as setup_service
    from competition.services.errors import ServiceError
    from competition.services.rules import rule_for
    from competition.services.trades import RuleBindError, rebind_rule, rule_status
    from tests.factories import DATA
    original = (DATA / "attempts_rule.toml").read_text(encoding="utf-8")
    undeclared = original.replace("cap = false", "")     # the lenient parse still loads it
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "attempts_rule.toml").write_text(undeclared, encoding="utf-8")
    app.config["RULES_DIR"] = str(tmp_path / "rules")
    trade = event["trade"]
    assert rule_status(trade).problems and "cap" in " ".join(rule_status(trade).problems)
    with pytest.raises(RuleBindError) as err:
        rebind_rule(trade, event["organiser"], "去掉封顶声明")
    assert "cap" in str(err.value)
    assert trade.rule_text == original and rule_for(trade).trade.code == "attempts"
    auth.login(event["organiser"].username)
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "attempts_rule.toml:" in page and "cap" in page
    client.post(f"/admin/rules/{trade.code}/rebind", data={"reason": "去掉封顶声明"})
    assert trade.rule_text == original
    # a new competition is not created with it either
    with pytest.raises(ServiceError) as err:
        setup_service.create_competition("NEW", "新赛事", 2026, "示例县总工会")
    assert err.value.field == "rules" and "cap" in err.value.message
    assert Competition.query.filter_by(code="NEW").first() is None


def test_ties_by_lot_are_drawn_with_the_stage_seed_and_shown_on_the_bulletin(event):
    from competition.extensions import db
    from competition.scoring.lots import lot_of, verify
    from competition.services.documents import trade_results, write_bulletin
    from tests.unit.exports.conftest import pdf_pages_text
    full_entry(event, 0)
    full_entry(event, 1)                  # the same marks: equal on the total and routine
    a, b = (str(e.id) for e in event["entries"])
    st = trade_standings(event["trade"]).standings
    # no draw seed recorded for the stage: the tie stays shared and waits for its lot
    assert st.row(a).rank == st.row(b).rank == 1 and st.warnings.get("lot_undecided")
    event["stage"].draw_seed = "draw-2026-12-08-test"
    db.session.commit()
    st = trade_standings(event["trade"]).standings
    ranks = {k: st.row(k).rank for k in (a, b)}
    assert sorted(ranks.values()) == [1, 2] and st.row(a).by_lot and st.row(b).by_lot
    first = min((a, b), key=lambda k: lot_of("draw-2026-12-08-test", k))
    assert ranks[first] == 1
    assert [verify(d) for d in st.lots] == [True] and st.lots[0].seed == "draw-2026-12-08-test"
    results = trade_results(event["trade"])
    assert all("名次并列，抽签决定" in r.status for r in results.rows)
    assert "draw-2026-12-08-test" in results.lot_note
    out = io.BytesIO()
    write_bulletin(event["trade"], out)
    text = "".join(pdf_pages_text(out.getvalue()))
    assert "名次并列，抽签决定" in text and "draw-2026-12-08-test" in text


def test_score_sheets_have_a_box_per_attempt_for_declared_values_and_show_units(event):
    from competition.services.documents import score_sheet_data
    data = score_sheet_data(event["heat"])
    cols = [(c.key, c.heading, c.hint) for c in data.columns]
    assert [h for k, h, _ in cols if k == "routine@difficulty"] == [
        "动作完成 难度系数 第1次", "动作完成 难度系数 第2次"]
    assert [h for k, h, _ in cols if k == "routine@restart"][1] == "动作完成 重新开始 第2次"
    assert "不填按0" in next(x for k, _, x in cols if k == "routine@restart")
    assert "件" in next(x for k, _, x in cols if k == "pieces")
    assert "分" in next(x for k, _, x in cols if k == "theory")
    assert "bonus" not in {k for k, _, _ in cols}          # the chief's, with a reason


def test_the_spread_limit_names_who_must_re_mark_on_the_tablet_and_the_chiefs_page(
        event, client, auth):
    # aspect: 1, 3, 3 -> 2 apart, more than 1: judge 1 is outside (the median is 3)
    for j, v in enumerate(("1", "3", "3")):
        mark(event, j, 0, "aspect", v)
    j1 = event["judges"][0]
    first = sheet_of(client, auth, event, 0)["entries"][0]
    assert first["remark"]["aspect#1"] == {"spread": "2", "limit": "1", "mine": True,
                                           "outside": [j1.username]}
    # not "missing" (the panel's one answer: every mark is in), a re-mark owed by judge 1
    assert "aspect#1" not in first["missing"]
    other = sheet_of(client, auth, event, 1)["entries"][0]
    assert other["remark"]["aspect#1"]["mine"] is False
    summary = heat_summary(event["heat"])
    assert [(r["entry"].id, r["key"], r["outside"]) for r in summary["remarks"]] == [
        (event["entries"][0].id, "aspect#1", (j1.id,))]
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    assert "须重新评分" in page and j1.username in page
    auth.logout()
    # judge 1 re-marks 2: within one point, nothing to re-mark
    mark(event, 0, 0, "aspect", "2")
    first = sheet_of(client, auth, event, 0)["entries"][0]
    assert first["remark"] == {}
    assert heat_summary(event["heat"])["remarks"] == []


def test_the_tablet_shows_another_judges_one_mark_value_as_taken(event, client, auth):
    mark(event, 1, 0, "pieces", "12")
    first = sheet_of(client, auth, event, 0)["entries"][0]
    assert first["marks"]["pieces#1"] == "12"
    assert first["taken"]["pieces#1"] == event["judges"][1].username
