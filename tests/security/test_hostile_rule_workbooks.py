"""Hostile workbooks into the rules' two readers (issue 14's zip check, now everywhere a
workbook is opened): a marking-scheme workbook (rules import-scheme) and a marks sheet
(rules compute --marks) are checked as zips before openpyxl opens them: a zip bomb, a
declared million rows and a renamed CSV are refused with the reason, never read."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from competition.rules import parse_rule
from competition.rules.marks_file import read_marks
from competition.rules.scheme_xlsx import SchemeError, import_scheme, scheme_bytes

from .test_files_workbooks import with_dimension, zip_bomb

RULE_TEXT = (Path(__file__).parents[1] / "data" / "mini_rule.toml").read_text(encoding="utf-8")
HOSTILE = [
    (lambda: zip_bomb(), "expands"),
    (lambda: with_dimension("A1:C2000000"), "rows"),
    (lambda: "contestant,criterion,value\n1,exam,90\n".encode(), "not a zip"),
]


@pytest.mark.parametrize("make, says", HOSTILE)
def test_a_hostile_scheme_workbook_is_refused_before_openpyxl(make, says, tmp_path):
    for source in (io.BytesIO(make()), tmp_path / "评分细则.xlsx"):
        if isinstance(source, Path):
            source.write_bytes(make())
        with pytest.raises(SchemeError) as err:
            import_scheme(source)
        text = err.value.problems[0].message
        assert ("workbook refused" in text or "not an xlsx workbook" in text) and says in text


@pytest.mark.parametrize("make, says", HOSTILE)
def test_a_hostile_marks_workbook_is_refused_before_openpyxl(make, says, tmp_path):
    path = tmp_path / "marks.xlsx"
    path.write_bytes(make())
    marks, errors = read_marks(parse_rule(RULE_TEXT), path)
    assert marks == [] and len(errors) == 1
    assert str(path) in errors[0] and "workbook refused" in errors[0] and says in errors[0]


def test_honest_workbooks_still_read(tmp_path):
    assert "exam" in import_scheme(io.BytesIO(scheme_bytes(RULE_TEXT)))
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["contestant", "criterion", "value", "judge"])
    wb.active.append(["A001", "exam", 90, "j1"])
    wb.save(tmp_path / "marks.xlsx")
    marks, errors = read_marks(parse_rule(RULE_TEXT), tmp_path / "marks.xlsx")
    assert errors == [] and len(marks) == 1
