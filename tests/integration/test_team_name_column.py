"""A team bracket (the demo's knowledge quiz) heads its name column 队名, not 姓名: the
staff bracket page's final ranking, the results workbook and the bulletin (QA
walk-through). An individual trade keeps 姓名."""
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from competition.demo_teams import QUIZ_TRADE
from competition.services import documents as docs
from tests.conftest import create_user

from ._documents_setup import admin, demo, trade  # noqa: F401 (fixtures)
from .test_bracket_results_demo import finish

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_a_team_brackets_ranking_is_headed_team_name(demo, admin, client, auth):  # noqa: F811
    quiz = trade(demo, QUIZ_TRADE)
    bracket = finish(quiz, admin)
    out = io.BytesIO()
    docs.write_trade_workbook(quiz, out)
    sheet = next(ws for ws in load_workbook(io.BytesIO(out.getvalue())).worksheets
                 if ws["A2"].value == "名次")
    assert sheet["C2"].value == "队名"
    pdf = io.BytesIO()
    docs.write_bulletin(quiz, pdf)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    assert "队名" in text and "姓名" not in text
    create_user("org_team_col", "organiser")
    auth.login("org_team_col")
    html = client.get(f"/brackets/{bracket.id}").get_data(as_text=True)
    ranking = html.split("data-final-ranking", 1)[1]
    assert "<th>队名</th>" in ranking and "<th>姓名</th>" not in ranking
    pdf = io.BytesIO()
    docs.write_bulletin(trade(demo, "lathe"), pdf)      # individuals: 姓名
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    assert "姓名" in text
