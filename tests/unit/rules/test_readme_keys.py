"""scoring_rules/README.md documents every key of the rule format (each field of every
model appears in backticks), so a new key cannot ship undocumented."""
from pathlib import Path

import pytest

from competition.rules import criteria, model

README = (Path(__file__).resolve().parents[3] / "scoring_rules" / "README.md").read_text(
    encoding="utf-8")
MODELS = [model.Trade, model.Scoring, model.Group, model.Component, model.AwardLevel,
          model.Title, model.Awards, criteria.Judged, criteria.Difficulty, criteria.Declared,
          criteria.Measured, criteria.Band, criteria.Measure, criteria.Item,
          criteria.Checklist, criteria.Timed, criteria.Count, criteria.Adjustment,
          criteria.Violation, criteria.Deductions, criteria.Given]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_key_is_documented(cls):
    keys = [f.alias or name for name, f in cls.model_fields.items()]
    assert [k for k in keys if f"`{k}`" not in README and f"{k} =" not in README] == []
