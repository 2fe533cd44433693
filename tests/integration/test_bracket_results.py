"""A decided bracket feeds awards, certificates, the results workbook, the bulletin and
promotions like a scored stage (issue 18); an undecided one awards nothing.

The knockout of 8 (seeds = lots 001-008, names 测试选手1-8): S5 beats S4 in round 1, S3
beats S2 in the semi-final, S3 beats S1 in the final. Places: S3 1, S1 2, S2 and S5 3
(no third-place match), S4 S6 S7 S8 5. The rule (tests/data/mini_rule.toml) awards
一等奖 x1, 二等奖 x2, 三等奖 x3 by position (limits 1, 3, 6) and 县技术能手 to the top 1:
S3 一等奖 + 县技术能手, S1 S2 S5 二等奖, S4 S6 S7 S8 三等奖 (5th <= 6th place). A bracket
has no totals: the rule's minimum totals do not apply."""
import io

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from competition.extensions import db
from competition.models import Match
from competition.services import brackets as bsvc
from competition.services import documents as docs
from competition.services import promotions
from competition.services.standings import default_stage, trade_standings
from tests.factories import build_event

# (round, slot) -> winner's seed; every other match the better seed wins
UPSETS = {(1, 1): 5, (2, 1): 3, (3, 0): 3}


def knockout(n=8, third_place=False, code="ko"):
    ev = build_event(n_entries=n, code=code, blind=False)
    ev["stage"].format = "bracket"
    db.session.commit()
    bracket = bsvc.create_bracket(ev["stage"], "single_elimination", ev["organiser"],
                                  third_place=third_place)
    ev["bracket"] = bracket
    ev["seed"] = {e.id: i for i, e in enumerate(ev["entries"], start=1)}
    return ev


def play(ev, until=None):
    """Play ready matches (the better seed wins 3:1 unless UPSETS says) until ``until``
    (round, slot) has been played, or all."""
    while True:
        ready = [m for m in db.session.scalars(select(Match).where(
            Match.bracket_id == ev["bracket"].id).order_by(Match.round, Match.slot))
            if m.status == "pending" and m.entry_a_id and m.entry_b_id]
        if not ready:
            return
        m = ready[0]
        sa, sb = ev["seed"][m.entry_a_id], ev["seed"][m.entry_b_id]
        want = UPSETS.get((m.round, m.slot), min(sa, sb))
        bsvc.record_result(m, 3 if want == sa else 1, 1 if want == sa else 3, ev["organiser"])
        if until == (m.round, m.slot):
            return


def places(ev):
    ts = trade_standings(ev["trade"])
    name = {k: e.display_name for k, e in ts.entries.items()}
    return [(name[r.entry], r.rank, r.award, r.titles) for r in ts.standings.rows]


def test_an_undecided_knockout_ranks_and_awards_nobody(app):
    ev = knockout()
    play(ev, until=(2, 1))                       # the semi-finals are in, not the final
    assert default_stage(ev["trade"]).id == ev["stage"].id
    assert all(rank is None and award is None for _, rank, award, _ in places(ev))
    assert docs.awarded(ev["trade"]) == []
    decisions, _ = promotions.trade_decisions(ev["trade"])
    assert not any(d.promoted for d in decisions)
    rows = docs.trade_results(ev["trade"]).rows
    assert {(r.rank, r.award, r.status) for r in rows} == {(None, None, "比赛进行中")}


def test_a_decided_knockout_places_and_awards_by_the_rules_levels(app):
    ev = knockout()
    version = db.session.get(type(ev["trade"]), ev["trade"].id).standings_version
    play(ev)
    db.session.refresh(ev["trade"])
    assert ev["trade"].standings_version > version      # a result moves the version
    got = places(ev)
    assert got[:4] == [("测试选手3", 1, "一等奖", ("县技术能手",)), ("测试选手1", 2, "二等奖", ()),
                       ("测试选手2", 3, "二等奖", ()), ("测试选手5", 3, "二等奖", ())]
    assert [(n, r, a) for n, r, a, _ in got[4:]] == [
        ("测试选手4", 5, "三等奖"), ("测试选手6", 5, "三等奖"), ("测试选手7", 5, "三等奖"),
        ("测试选手8", 5, "三等奖")]
    awarded = docs.awarded(ev["trade"])
    assert [(a.entry.display_name, a.rank, a.award) for a in awarded][:2] == [
        ("测试选手3", 1, "一等奖"), ("测试选手1", 2, "二等奖")]
    assert len(awarded) == 8


def test_the_certificates_of_a_decided_knockout_print(app, tmp_path):
    ev = knockout()
    play(ev)
    issued = docs.issue_certificates(ev["trade"], ev["organiser"])
    assert len(issued) == 8
    first = next(c for c in issued if c.award == "一等奖")
    assert first.data["name"] == "测试选手3" and first.data["title"] == "县技术能手"
    assert first.data["rank"] == 1
    out = io.BytesIO()
    assert docs.write_certificates([first], ev["competition"], out) == 1
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text().replace("\n", "")
    for part in ("测试选手3", "一等奖", "县技术能手", "测试工种", first.serial):
        assert part in text, part
    (tmp_path / "cert.pdf").write_bytes(out.getvalue())


def test_the_results_workbook_lists_the_places_as_a_clerk_reads_them(app):
    ev = knockout()
    play(ev)
    out = io.BytesIO()
    docs.write_trade_workbook(ev["trade"], out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    sheet = next(ws for ws in wb.worksheets if ws.title not in ("汇总", "评分明细")
                 and ws["A2"].value == "名次")
    head = [c.value for c in sheet[2]]
    assert head == ["名次", "抽签号", "姓名", "单位", "赛果", "奖项", "称号", "备注"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert rows[0] == [1, "003", "测试选手3", "示例县第3机械厂", "冠军",
                       "一等奖", "县技术能手", None]
    assert rows[1][:3] == [2, "001", "测试选手1"] and rows[1][4] == "亚军"
    assert [(r[0], r[2], r[5], r[4]) for r in rows[2:4]] == [
        (3, "测试选手2", "二等奖", "并列第三名"), (3, "测试选手5", "二等奖", "并列第三名")]
    assert {(r[0], r[5], r[4]) for r in rows[4:8]} == {(5, "三等奖", "八强")}
    summary = wb.worksheets[0]
    line = [c.value for c in summary[3]]
    assert "测试工种" in line and 1 in line         # 一等奖 counted once


def test_the_bulletin_shows_the_ranking(app):
    ev = knockout()
    play(ev)
    out = io.BytesIO()
    docs.write_bulletin(ev["trade"], out)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.getvalue())).pages)
    text = text.replace("\n", "")
    assert "测试选手3" in text and "一等奖" in text and "冠军" in text and "亚军" in text
    assert text.index("测试选手3") < text.index("测试选手1") < text.index("测试选手8")


def test_promotions_follow_the_policy_from_a_decided_knockout(app):
    ev = knockout()
    by_name = {e.contestant.name: e.contestant for e in ev["entries"]}
    by_name["测试选手3"].grade = "L4"     # 四级/中级工: 一等奖 -> one grade up
    by_name["测试选手1"].grade = "L3"     # 三级/高级工, 2nd: top 3 holding 高级工 -> up
    by_name["测试选手8"].grade = "L3"     # 5th: not in the top 3
    db.session.commit()
    play(ev)
    decisions = {d.name: d for d in promotions.trade_decisions(ev["trade"])[0]}
    assert decisions["测试选手3"].promoted and decisions["测试选手3"].to_grade == "L3"
    assert decisions["测试选手3"].basis == "by_award"
    assert decisions["测试选手1"].promoted and decisions["测试选手1"].to_grade == "L2"
    assert not decisions["测试选手8"].promoted
    listed = promotions.propose(ev["trade"], ev["organiser"])
    promoted = {r.contestant.name for r in listed.rows if r.status == "proposed"}
    assert promoted == {"测试选手3", "测试选手1"}


def test_a_knockout_final_seeded_from_a_scored_preliminary_awards_the_trade(app, client):
    """初赛 scored (tests/integration/_stages_setup: 选手1 41, 选手2 38, 选手3 35, 选手4 32,
    选手5 29, 选手6 缺考); the top 4 go on to a knockout 决赛 seeded by the 初赛 ranking:
    选手1 - 选手4 and 选手2 - 选手3. 选手4 and 选手2 win; 选手2 wins the final."""
    from competition.services.draws import confirm_advancement
    from tests.integration._stages_setup import build_two_stage
    ev = build_two_stage(confirm=False)
    final, prelim, org = ev["final"], ev["stage"], ev["organiser"]
    final.format = "bracket"
    db.session.commit()
    confirm_advancement(prelim, {"top_n": 4}, org, accept_unfinal=True)
    assert bsvc.seeds_from_previous_stage(final, org) == 4
    bracket = bsvc.create_bracket(final, "single_elimination", org)
    name = {e.id: e.display_name for e in final.entries}
    first = sorted((m for m in bracket.matches if m.round == 1), key=lambda m: m.slot)
    assert [(name[m.entry_a_id], name[m.entry_b_id]) for m in first] == [
        ("测试选手1", "测试选手4"), ("测试选手2", "测试选手3")]
    # drawn up, not played: the 初赛 stays the trade's results stage, and awards nothing
    assert default_stage(ev["trade"]).id == prelim.id
    assert docs.awarded(ev["trade"]) == []
    bsvc.record_result(first[0], 1, 3, org)
    bsvc.record_result(first[1], 3, 2, org)
    assert default_stage(ev["trade"]).id == final.id
    assert docs.awarded(ev["trade"]) == []                # the final is still to come
    last = next(m for m in db.session.scalars(select(Match).where(
        Match.bracket_id == bracket.id, Match.round == 2)))
    bsvc.record_result(last, 2, 4, org)                   # 选手4 - 选手2: 选手2
    assert [(a.entry.display_name, a.rank, a.award) for a in docs.awarded(ev["trade"])] == [
        ("测试选手2", 1, "一等奖"), ("测试选手4", 2, "二等奖"), ("测试选手1", 3, "二等奖"),
        ("测试选手3", 3, "二等奖")]
    assert all(r.award is None for r in trade_standings(ev["trade"], prelim).standings.rows)
    out = io.BytesIO()
    docs.write_trade_workbook(ev["trade"], out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    sheets = {ws.title: ws for ws in wb.worksheets}
    assert list(sheets)[:4] == ["汇总", "测试工种", "测试工种-初赛", "测试工种-决赛"]
    overall = [[c.value for c in r] for r in sheets["测试工种"].iter_rows(min_row=2)]
    assert overall[0] == ["名次", "姓名", "单位", "决赛名次", "决赛总分", "初赛名次", "初赛总分",
                          "奖项", "称号", "备注"]
    assert [(r[0], r[1], r[3], r[4], r[5], r[7]) for r in overall[1:5]] == [
        (1, "测试选手2", 1, None, 2, "一等奖"), (2, "测试选手4", 2, None, 4, "二等奖"),
        (3, "测试选手1", 3, None, 1, "二等奖"), (3, "测试选手3", 3, None, 3, "二等奖")]
    assert overall[5][:2] == [5, "测试选手5"] and overall[5][9] == "初赛未晋级"
    ko = [[c.value for c in r] for r in sheets["测试工种-决赛"].iter_rows(min_row=3)]
    assert [(r[0], r[2], r[5], r[4]) for r in ko] == [
        (1, "测试选手2", "一等奖", "冠军"), (2, "测试选手4", "二等奖", "亚军"),
        (3, "测试选手1", "二等奖", "并列第三名"), (3, "测试选手3", "二等奖", "并列第三名")]
    prelim_rows = [[c.value for c in r] for r in sheets["测试工种-初赛"].iter_rows(min_row=3)]
    assert prelim_rows[0][2] == "测试选手1" and prelim_rows[0][-1] == "晋级决赛"
    assert all(r[-3] is None for r in prelim_rows)      # the 初赛 awards nothing
    # promotions: 选手2 (一等奖) one grade up by the county default
    decisions = {d.name: d for d in promotions.trade_decisions(ev["trade"])[0]}
    assert decisions["测试选手2"].rank == 1 and decisions["测试选手2"].award == "一等奖"
    # the public page: the knockout with its final ranking, the 初赛 as an earlier stage
    ev["trade"].published = True
    db.session.commit()
    html = client.get(f"/results/{ev['trade'].code}").get_data(as_text=True)
    ranking = html[html.index("data-final-ranking"):]
    assert "1 · 测试选手2" in ranking[:ranking.index("</ul>")]
    assert 'data-tab="stage-' in html and "初赛" in html


def test_the_bracket_page_shows_the_final_ranking_once_decided(app, client, auth):
    ev = knockout()
    play(ev, until=(2, 1))
    auth.login("organiser_ko")
    url = f"/brackets/{ev['bracket'].id}"
    assert "data-final-ranking" not in client.get(url).get_data(as_text=True)
    assert bsvc.bracket_view(ev["bracket"])["ranking"] is None
    play(ev)
    html = client.get(url).get_data(as_text=True)
    part = html[html.index("data-final-ranking"):]
    assert "最终名次" in part and "<td>1</td><td>测试选手3</td><td>一等奖 · 县技术能手</td>" in part
    assert part.count("<tr>") == 1 + 8
    ranking = client.get(f"{url}.json").get_json()["ranking"]
    assert [(r["rank"], r["name"], r["award"]) for r in ranking[:2]] == [
        (1, "测试选手3", "一等奖"), (2, "测试选手1", "二等奖")]


def test_the_live_screens_standings_of_a_decided_knockout_carry_the_places(app):
    from competition.services.standings import live_trade_standings, public_rows
    # S1 - S4: S1; S2 - S3: S3 (UPSETS (1, 1)); the final S1 - S3: S1; the third-place
    # match S4 - S2 (round 2, slot 1): S2
    ev = knockout(n=4, third_place=True)
    play(ev)
    rows = public_rows(live_trade_standings(ev["trade"]), names_visible=True)
    assert [(r["rank"], r["name"], r["award"]) for r in rows] == [
        (1, "测试选手1", "一等奖"), (2, "测试选手3", "二等奖"), (3, "测试选手2", "二等奖"),
        (4, "测试选手4", "三等奖")]


def test_a_round_robin_ranks_by_its_table_once_every_match_is_played(app):
    ev = build_event(n_entries=3, code="rr", blind=False)
    ev["stage"].format = "bracket"
    db.session.commit()
    bracket = bsvc.create_bracket(ev["stage"], "round_robin", ev["organiser"])
    seed = {e.id: i for i, e in enumerate(ev["entries"], start=1)}
    matches = sorted(bracket.matches, key=lambda m: (m.round, m.slot))
    for n, m in enumerate(matches):       # the better seed wins every match 2:0
        better = seed[m.entry_a_id] < seed[m.entry_b_id]
        bsvc.record_result(m, 2 if better else 0, 0 if better else 2, ev["organiser"])
        got = [(n_, r) for n_, r, _, _ in places(ev)]
        if n < len(matches) - 1:
            assert all(r is None for _, r in got)        # not every match is in yet
    assert got == [("测试选手1", 1), ("测试选手2", 2), ("测试选手3", 3)]


def test_the_analyses_leave_a_knockout_out_no_totals_to_scale(app):
    from competition.services.analysis import trade_analysis
    ev = knockout()
    play(ev)
    assert trade_analysis(ev["trade"]).finishers == {}


def test_a_corrected_final_moves_the_awards_and_flags_the_confirmed_promotions(app):
    ev = knockout()
    by_name = {e.contestant.name: e.contestant for e in ev["entries"]}
    by_name["测试选手3"].grade = "L4"
    db.session.commit()
    play(ev)
    promotions.propose(ev["trade"], ev["organiser"])
    promotions.confirm(ev["trade"], ev["organiser"])
    final = db.session.scalar(select(Match).where(Match.bracket_id == ev["bracket"].id,
                                                  Match.round == 3))
    # the arbitration panel upholds an appeal: the final's score was 3:1 for 选手1
    bsvc.record_result(final, 3, 1, ev["organiser"], reason="申诉成立，更正决赛比分")
    first = [a.entry.display_name for a in docs.awarded(ev["trade"]) if a.award == "一等奖"]
    assert first == ["测试选手1"]
    rows = promotions.trade_list(ev["trade"]).rows
    assert rows and all(r.needs_review for r in rows if r.status == "confirmed")
