"""Bracket pages after QA: a saved result says so, and a round robin without results
ranks nobody (it showed everyone as 1)."""
from competition.extensions import db
from competition.models import Bracket
from competition.services import brackets as svc

from .test_brackets_quiz import ev, make_bracket_stage, ready_matches  # noqa: F401


def test_saving_a_match_result_shows_what_was_stored(client, auth, ev):  # noqa: F811
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev)
    ready, _ = ready_matches(bracket.id)
    m = ready[0]
    resp = client.post(f"/brackets/matches/{m['id']}/result",
                       data={"score_a": "3", "score_b": "1.5"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert f"结果已保存：{m['a']['name']} 3 : 1.5 {m['b']['name']}。" in page
    # a walkover names the side that moves on
    m2 = ready[1]
    page = client.post(f"/brackets/matches/{m2['id']}/result",
                       data={"walkover": "1", "winner": str(m2["b"]["id"])},
                       follow_redirects=True).get_data(as_text=True)
    assert f"结果已保存：{m2['b']['name']} 弃权胜" in page
    # a refused result flashes the refusal, not the saved message
    page = client.post(f"/brackets/matches/{m['id']}/result",
                       data={"score_a": "2", "score_b": "2"},
                       follow_redirects=True).get_data(as_text=True)
    assert "结果已保存" not in page and 'role="alert"' in page


def test_a_round_robin_table_has_no_ranks_before_the_first_result(client, auth, ev):  # noqa: F811
    auth.login("org")
    stage, bracket = make_bracket_stage(client, ev, fmt="round_robin")
    view = client.get(f"/brackets/{bracket.id}.json").get_json()
    table = view["groups"][0]["table"]
    assert len(table) == 6 and [r["rank"] for r in table] == [None] * 6
    page = client.get(f"/brackets/{bracket.id}").get_data(as_text=True)
    assert "尚无比赛结果" in page and '<td class="num">1</td><td>' not in page
    assert "None" not in page
    ready, _ = ready_matches(bracket.id)
    client.post(f"/brackets/matches/{ready[0]['id']}/result",
                data={"score_a": "3", "score_b": "1"})
    table = svc.bracket_view(db.session.get(Bracket, bracket.id))["groups"][0]["table"]
    assert table[0]["id"] == ready[0]["a"]["id"] and table[0]["rank"] == 1
    assert all(r["rank"] is not None for r in table)
    page = client.get(f"/brackets/{bracket.id}").get_data(as_text=True)
    assert "尚无比赛结果" not in page
