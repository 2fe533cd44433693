"""The demo's knowledge quiz (40 teams: 8 groups of 5, then a knockout of 16 with a
third-place match) played to the end feeds awards, team and member certificates, the
results workbook, the bulletin, promotions and the public page (issue 18).

The demo leaves the quiz under way (quarter-finals half played); the test plays the rest,
the side listed first winning each match 3:1. Places: 1, 2, 3, 4 from the final and the
third-place match, the four losing quarter-finalists 5th, the round of 16's losers 9th,
then the teams that stayed in the groups by group place: 3rd 17th, 4th 25th, 5th 33rd.
The demo rule (competition/demo_rules/safety_quiz.toml) awards 一等奖 1, 二等奖 1,
三等奖 2, 优秀奖 4 places, and 知识竞赛冠军队 to the top 1.

SQLite only: nothing here depends on the database (the knockout tests run on both)."""
import io
from collections import Counter

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from competition.demo_teams import QUIZ_TRADE
from competition.extensions import db
from competition.models import Bracket, Match, Stage
from competition.services import brackets as bsvc
from competition.services import documents as docs
from competition.services import promotions
from competition.services.standings import trade_standings

from ._documents_setup import admin, demo, trade  # noqa: F401 (fixtures)

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def finish(quiz, admin):
    stage = db.session.scalar(select(Stage).where(Stage.trade_id == quiz.id))
    bracket = db.session.scalar(select(Bracket).where(Bracket.stage_id == stage.id))
    while True:
        ready = [m for m in db.session.scalars(select(Match).where(
            Match.bracket_id == bracket.id, Match.group_name == "")
            .order_by(Match.round, Match.slot)) if m.status == "pending"
            and m.entry_a_id and m.entry_b_id]
        if not ready:
            return bracket
        bsvc.record_result(ready[0], 3, 1, admin)


def test_the_demo_quiz_played_to_the_end_ranks_and_awards_its_teams(demo, admin):
    quiz = trade(demo, QUIZ_TRADE)
    assert docs.awarded(quiz) == []                       # under way: nothing yet
    bracket = finish(quiz, admin)
    view = bsvc.bracket_view(bracket)
    ts = trade_standings(quiz)
    rows = {r.entry: r for r in ts.standings.rows}
    champion = str(view["champion"]["id"])
    assert rows[champion].rank == 1 and rows[champion].award == "一等奖"
    assert rows[champion].titles == ("知识竞赛冠军队",)
    assert Counter(r.rank for r in rows.values()) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 4, 9: 8,
                                                      17: 8, 25: 8, 33: 8}
    assert Counter(r.award for r in rows.values()) == {"一等奖": 1, "二等奖": 1, "三等奖": 2,
                                                       "优秀奖": 4, None: 32}
    third = view["third_place"]
    third_winner = str(third["winner"])
    assert rows[third_winner].rank == 3 and rows[third_winner].award == "三等奖"


def test_the_demo_quiz_gives_team_and_member_certificates(demo, admin, tmp_path):
    quiz = trade(demo, QUIZ_TRADE)
    finish(quiz, admin)
    issued = docs.issue_certificates(quiz, admin)
    teams = [c for c in issued if c.contestant_id is None]
    members = [c for c in issued if c.contestant_id is not None]
    assert len(teams) == 8 and len(members) == 8 * 4     # the mode: both (the default)
    first = next(c for c in teams if c.award == "一等奖")
    mine = [c for c in members if c.team_id == first.team_id]
    assert len(mine) == 4 and {c.award for c in mine} == {"一等奖"}
    out = io.BytesIO()
    assert docs.write_certificates([first, mine[0]], demo, out) == 2
    pages = [p.extract_text().replace("\n", "") for p in PdfReader(io.BytesIO(out.getvalue())).pages]
    assert first.data["name"] in pages[0] and "一等奖" in pages[0] and "知识竞赛冠军队" in pages[0]
    assert mine[0].data["name"] in pages[1] and first.data["name"] in pages[1]
    (tmp_path / "quiz.pdf").write_bytes(out.getvalue())


def test_the_demo_quiz_workbook_and_bulletin_list_the_places(demo, admin):
    quiz = trade(demo, QUIZ_TRADE)
    bracket = finish(quiz, admin)
    champion = bsvc.bracket_view(bracket)["champion"]["name"]
    out = io.BytesIO()
    docs.write_trade_workbook(quiz, out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    sheet = next(ws for ws in wb.worksheets if ws["A2"].value == "名次")
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3) if r[0].value or r[2].value]
    assert len(rows) == 40
    assert rows[0][0] == 1 and rows[0][2] == champion and rows[0][4:7] == [
        "冠军", "一等奖", "知识竞赛冠军队"]
    assert [r[4] for r in rows[:4]] == ["冠军", "亚军", "季军", "第四名"]
    assert {r[4] for r in rows[4:8]} == {"八强"} and {r[5] for r in rows[4:8]} == {"优秀奖"}
    assert {r[4] for r in rows[8:16]} == {"十六强"} and {r[5] for r in rows[8:16]} == {None}
    assert [r[4] for r in rows[16:]] == ["小组第3名"] * 8 + ["小组第4名"] * 8 + ["小组第5名"] * 8
    pdf = io.BytesIO()
    docs.write_bulletin(quiz, pdf)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    text = text.replace("\n", "").replace(" ", "")     # a long name wraps in its cell
    assert champion in text and "一等奖" in text and "冠军" in text and "小组第5名" in text


def test_the_demo_quiz_promotes_the_winning_teams_members_by_policy(demo, admin):
    quiz = trade(demo, QUIZ_TRADE)
    bracket = finish(quiz, admin)
    champion = bsvc.bracket_view(bracket)["champion"]["name"]
    decisions, _ = promotions.trade_decisions(quiz)
    by_award = [d for d in decisions if d.award == "一等奖"]
    assert len(by_award) == 4                         # the champion team's four members
    assert all(d.rank == 1 for d in by_award)
    # the county default: 一等奖 one grade up (where the person's grade allows it)
    promoted = [d for d in by_award if d.promoted]
    assert promoted and all(d.basis == "by_award" for d in promoted)
    listed = promotions.propose(quiz, admin)
    names = {r.contestant.name for r in listed.rows if r.status == "proposed"}
    assert {d.name for d in promoted} <= names
    assert champion                                   # (named on the certificates above)


def test_the_public_page_shows_the_final_ranking(demo, admin, client):
    quiz = trade(demo, QUIZ_TRADE)
    quiz.published = True
    db.session.commit()
    bracket = finish(quiz, admin)
    champion = bsvc.bracket_view(bracket)["champion"]["name"]
    html = client.get(f"/results/{quiz.code}").get_data(as_text=True)
    assert champion in html
    ranking = html[html.index("data-final-ranking"):]
    ranking = ranking[:ranking.index("</div>")]
    assert "最终名次" in ranking and f"1 · {champion}" in ranking and "一等奖" in ranking
    assert ranking.count("<li>") == 40 and ranking.count("优秀奖") == 4
    # the 8 awarded places in view, the other 32 folded away
    shown, folded = ranking.split("<details>")
    assert shown.count("<li>") == 8 and "其余名次（32）" in folded
