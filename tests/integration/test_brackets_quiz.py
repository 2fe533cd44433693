"""The safety knowledge quiz: teams from a sheet, a seeded bracket, results entered by a
judge over HTTP until there is a champion; screens read it live; who may enter results."""
import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Bracket, Entry, JudgeAssignment, Match, Stage
from competition.services import brackets as svc
from competition.services import draws
from competition.services import registration as reg

from ._registration_setup import person_id, person_row, setup_event, workbook

TEAMS = ["自来水公司队", "供电公司队", "公安局队", "纺织厂队", "第一机械厂队", "人民医院队"]
HEADER = ["姓名", "性别", "身份证号", "单位", "手机号", "工种", "现技能等级", "队名"]


@pytest.fixture
def ev(app):
    ev = setup_event()
    rows = []
    for t, team in enumerate(TEAMS):
        for m in range(3):
            i = t * 3 + m + 1
            rows.append(person_row(i, "安全知识竞赛", f"示例县{team[:-1]}") + [team])
    reg.import_sheet(ev["competition"], workbook(rows, HEADER), ev["organiser"], team=True)
    return ev


def make_bracket_stage(client, ev, fmt="single_elimination", **form):
    client.post("/admin/trades/quiz/stages", data={"name": "知识竞赛", "format": "bracket"})
    stage = db.session.scalar(select(Stage).where(Stage.trade_id == ev["quiz"].id))
    client.post(f"/admin/stages/{stage.id}/heats", data={"name": "赛场A", "workstations": 8})
    db.session.add(JudgeAssignment(heat_id=stage.heats[0].id, user_id=ev["judge"].id))
    db.session.commit()
    resp = client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "quiz-2026"})
    assert resp.status_code == 302
    resp = client.post(f"/admin/stages/{stage.id}/bracket",
                       data={"format": fmt, "third_place": "1", **form})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return stage, db.session.scalar(select(Bracket).where(Bracket.stage_id == stage.id))


def ready_matches(bracket_id):
    view = svc.bracket_view(db.session.get(Bracket, bracket_id))
    ms = [m for r in view["rounds"] for m in r["matches"]]
    ms += [view["third_place"]] if view["third_place"] else []
    ms += [m for g in view["groups"] for m in g["matches"]]
    return [m for m in ms if m["ready"]], view


def test_a_quiz_bracket_is_played_to_a_winner_by_a_judge(client, auth, ev):
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev)
    entries = db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)).all()
    assert len(entries) == 6 and all(e.team_id for e in entries)      # teams, not members
    # 6 teams in an 8 bracket: the two top seeds (lots 001, 002) get byes
    byes = db.session.scalars(select(Match).where(Match.bracket_id == bracket.id,
                                                  Match.status == "bye")).all()
    seeds = svc.seeded_entries(stage)
    assert {m.winner_entry_id for m in byes} == {seeds[0].id, seeds[1].id}
    auth.logout()
    auth.login("judge")
    assert client.get(f"/brackets/{bracket.id}").status_code == 200
    played = 0
    while True:
        ready, view = ready_matches(bracket.id)
        if not ready:
            break
        m = ready[0]
        # the side with the smaller entry id always wins; level scores name the winner
        a_wins = m["a"]["id"] < m["b"]["id"]
        data = {"score_a": "100" if a_wins else "80", "score_b": "80" if a_wins else "100"}
        if played == 1:
            data = {"score_a": "90", "score_b": "90",
                    "winner": str(m["a"]["id"] if a_wins else m["b"]["id"])}
        resp = client.post(f"/brackets/matches/{m['id']}/result", data=data)
        assert resp.status_code == 303, resp.get_data(as_text=True)
        played += 1
    assert played == 6        # 2 first-round matches, 2 semis, final, third place
    champion = view["champion"]
    assert champion["id"] == min(e.id for e in entries)
    assert champion["name"] in TEAMS
    logs = db.session.scalars(select(AuditLog).where(AuditLog.action == "match.result")).all()
    assert len(logs) == 6 and {l.user_id for l in logs} == {ev["judge"].id}
    # the JSON and the LED page show team names only
    data = client.get(f"/brackets/{bracket.id}.json").get_json()
    assert data["champion"]["name"] == champion["name"] and data["version"] == 7
    page = client.get(f"/screen/bracket/{bracket.id}").get_data(as_text=True)
    assert champion["name"] in page and "bracket_screen.js" in page
    assert person_id(1) not in page and person_id(1) not in str(data)


def test_a_level_knockout_score_needs_the_winner(client, auth, ev):
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev)
    ready, _ = ready_matches(bracket.id)
    resp = client.post(f"/brackets/matches/{ready[0]['id']}/result",
                       data={"score_a": "50", "score_b": "50"}, follow_redirects=True)
    assert "请指定胜者" in resp.get_data(as_text=True)
    assert db.session.get(Match, ready[0]["id"]).status == "pending"


@pytest.mark.parametrize("who, status", [("other_judge", 403), ("chief", 303), (None, 302)])
def test_who_may_enter_results(client, auth, ev, who, status):
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev)
    ready, _ = ready_matches(bracket.id)
    auth.logout()
    if who:
        auth.login({"other_judge": "judge2", "chief": "chief"}[who])
    resp = client.post(f"/brackets/matches/{ready[0]['id']}/result",
                       data={"score_a": "3", "score_b": "1"})
    assert resp.status_code == status
    done = db.session.get(Match, ready[0]["id"]).status == "done"
    assert done == (status == 303)


def test_a_judge_cannot_create_stages_or_brackets(client, auth, ev):
    auth.login("judge")
    assert client.post("/admin/trades/quiz/stages", data={"name": "x"}).status_code == 403
    assert db.session.scalar(select(Stage)) is None


def test_groups_feed_a_knockout_and_the_points_table_is_shown(client, auth, ev):
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev, fmt="groups_knockout", group_count="2",
                                        advance="2", win="2", draw="1")
    view = svc.bracket_view(bracket)
    assert [g["name"] for g in view["groups"]] == ["A", "B"] and not view["rounds"]
    user = ev["organiser"]
    while True:
        ready, view = ready_matches(bracket.id)
        if not ready:
            break
        m = ready[0]
        a_wins = m["a"]["id"] < m["b"]["id"]
        svc.record_result(db.session.get(Match, m["id"]), 3 if a_wins else 1,
                          1 if a_wins else 3, user)
    # 2 groups of 3 (3 matches each), then semis, final and third place
    assert view["champion"] is not None
    assert [len(r["matches"]) for r in view["rounds"]] == [2, 1]
    points = [row["points"] for row in view["groups"][0]["table"]]
    assert points == ["4", "2", "0"]                        # 2 points a win
    page = client.get(f"/brackets/{bracket.id}").get_data(as_text=True)
    assert "积分" in page and "冠军" in page
    # group results are frozen once the knockout exists
    group_match = db.session.scalar(select(Match).where(Match.bracket_id == bracket.id,
                                                        Match.group_name == "A"))
    with pytest.raises(reg.Conflict):
        svc.record_result(group_match, 0, 9, user)
    db.session.rollback()


def test_seeds_typed_in_or_taken_from_the_stage_before_decide_the_byes(client, auth, ev):
    auth.login("org")
    client.post("/admin/trades/quiz/stages", data={"name": "知识竞赛", "format": "bracket"})
    stage = db.session.scalar(select(Stage).where(Stage.trade_id == ev["quiz"].id))
    client.post(f"/admin/stages/{stage.id}/heats", data={"name": "赛场A", "workstations": 8})
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "quiz-2026"})
    entries = sorted(db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)),
                     key=lambda e: e.id)
    # the last two entries (by id) are seeds 1 and 2: they get the byes
    resp = client.post(f"/admin/stages/{stage.id}/seeds",
                       data={f"seed_{entries[-1].id}": "1", f"seed_{entries[-2].id}": "2"})
    assert resp.status_code == 302
    # a seed given twice is refused, nothing changes
    client.post(f"/admin/stages/{stage.id}/seeds",
                data={f"seed_{entries[0].id}": "1", f"seed_{entries[1].id}": "1"})
    assert entries[0].seed is None and entries[-1].seed == 1
    client.post(f"/admin/stages/{stage.id}/bracket", data={"format": "single_elimination"})
    bracket = db.session.scalar(select(Bracket).where(Bracket.stage_id == stage.id))
    byes = {m.winner_entry_id for m in bracket.matches if m.status == "bye"}
    assert byes == {entries[-1].id, entries[-2].id}
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "entry.seeds"))
    assert log.new == {str(entries[-1].id): 1, str(entries[-2].id): 2}
    # once the bracket exists, seeds are frozen
    with pytest.raises(reg.Conflict):
        svc.set_seeds(stage, {entries[0].id: 3}, ev["organiser"])


def test_seeds_from_the_ranking_of_the_stage_before(app):
    from tests.factories import build_event
    ev = build_event(n_entries=4, code="seedprev")
    from competition.models import Mark
    for e, v in zip(ev["entries"], ["60", "90", "75", "80"]):
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=v))
    db.session.commit()
    ev["stage"].name = "预赛"  # build_event names its one stage 决赛; two are refused
    final = draws.create_stage(ev["trade"], "决赛", ev["organiser"], format="bracket")
    draws.confirm_advancement(ev["stage"], {"top_n": 4}, ev["organiser"], accept_unfinal=True)
    assert svc.seeds_from_previous_stage(final, ev["organiser"]) == 4
    by_contestant = {e.contestant_id: e.seed for e in final.entries}
    ranked = [ev["entries"][i].contestant_id for i in (1, 3, 2, 0)]   # 90, 80, 75, 60
    assert [by_contestant[c] for c in ranked] == [1, 2, 3, 4]


def test_a_round_robin_has_a_champion_once_every_match_is_played(client, auth, ev):
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev, fmt="round_robin", win="2", draw="1")
    view = svc.bracket_view(bracket)
    assert len(view["groups"]) == 1 and len(view["groups"][0]["matches"]) == 15   # 6 teams
    while True:
        ready, view = ready_matches(bracket.id)
        if not ready:
            break
        m = ready[0]
        a_wins = m["a"]["id"] < m["b"]["id"]
        client.post(f"/brackets/matches/{m['id']}/result",
                    data={"score_a": "3" if a_wins else "1", "score_b": "1" if a_wins else "3"})
    entries = db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)).all()
    assert view["champion"]["id"] == min(e.id for e in entries)
    assert [r["points"] for r in view["groups"][0]["table"]] == ["10", "8", "6", "4", "2", "0"]


def test_a_judge_finds_the_brackets_of_their_heats_from_the_menu(client, auth, ev):
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev)
    auth.logout()
    auth.login("judge")                       # assigned to the quiz's heat
    page = client.get("/brackets/").get_data(as_text=True)
    assert f"/brackets/{bracket.id}" in page and "对阵表" in page
    assert 'href="/brackets/"' in client.get(f"/brackets/{bracket.id}").get_data(as_text=True)
    auth.logout()
    auth.login("judge2")                      # assigned nowhere
    page = client.get("/brackets/").get_data(as_text=True)
    assert f"/brackets/{bracket.id}\"" not in page and 'href="/brackets/"' not in page


def test_a_team_that_does_not_turn_up_loses_by_walkover(client, auth, ev):
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev)
    ready, _ = ready_matches(bracket.id)
    m = ready[0]
    resp = client.post(f"/brackets/matches/{m['id']}/result",
                       data={"walkover": "1", "winner": str(m["b"]["id"])})
    assert resp.status_code == 303
    view = client.get(f"/brackets/{bracket.id}.json").get_json()
    done = next(x for r in view["rounds"] for x in r["matches"] if x["id"] == m["id"])
    assert done["walkover"] and done["winner"] == m["b"]["id"] and done["score_a"] is None
    assert "弃权胜" in client.get(f"/brackets/{bracket.id}").get_data(as_text=True)
    # without a named winner a walkover is refused
    m2 = ready[1]
    resp = client.post(f"/brackets/matches/{m2['id']}/result", data={"walkover": "1"},
                       follow_redirects=True)
    assert "请指定晋级的一方" in resp.get_data(as_text=True)
