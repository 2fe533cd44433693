"""The results workbook's 评委一致性 sheet (session 4) keeps stored text text: a trade,
judge (display name, which may carry an employer) or criterion typed as a formula, and
findings that quote them, are never formula cells when the workbook is opened again
(issue 14's rule, competition/formatting/cells). Pure: no app, no database."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from exports.consistency_sheet import ConsistencyRow, consistency_sheet_columns, write_consistency_rows

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "=示例县第1机械厂"]


def test_the_consistency_sheet_keeps_hostile_names_text():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("评委一致性")
    ws.append(consistency_sheet_columns()[0])
    rows = [ConsistencyRow(trade=h, judge=h, criterion=h, marks=12, mean_deviation=Decimal("1.5"),
                           share=Decimal("0.05"), mean_abs_deviation=Decimal("2"), beyond_threshold=1,
                           above=8, below=2, sign_p=0.05, rank_corr=None, findings=h if i % 2 else "")
            for i, h in enumerate(HOSTILE)]
    write_consistency_rows(ws, rows)
    out = io.BytesIO()
    wb.save(out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    cells = [c for s in book.worksheets for row in s.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {h.replace("\r", "\n") for h in HOSTILE} <= texts
    assert any(c.value == 12 for c in cells)                # numbers stay numbers
