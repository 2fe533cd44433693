"""The signed marking scheme (评分细则) words the issue-16 keys in Chinese and its workbook
reads back into the same rule (given values, transforms, declared values, the spread
limit, adjustments per attempt, caps, ties by lot, units)."""
import io
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from competition.rules import parse_rule
from competition.rules import scheme_wording as w
from competition.rules.scheme_xlsx import import_scheme, scheme_bytes

EXAMPLES = Path(__file__).resolve().parents[3] / "scoring_rules" / "examples"
NEW = ["ski_jumping", "diving", "goe", "published_values", "lot_ties", "judgement_spread"]


def data(name: str) -> dict:
    return tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"),
                         parse_float=Decimal)


@pytest.mark.parametrize("name", NEW)
def test_the_scheme_workbook_reads_back_into_the_same_rule(name):
    text = (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")
    assert parse_rule(import_scheme(io.BytesIO(scheme_bytes(text)))) == parse_rule(text)


def test_the_new_keys_are_worded_in_chinese():
    dive = data("diving")["criteria"][0]
    text = w.standard(dive, {})
    assert "每次赛前申报“重新起跳”（0~1，未申报按0计）" in text
    assert "每名裁判的分数先按公式“max(0, mark - 2 * restart)”换算后再汇总" in text
    spread = w.standard(data("judgement_spread")["criteria"][0], {})
    assert "裁判间分差不得超过1分，超过时评分组须重新评分" in spread
    goe = w.standard(data("goe")["criteria"][0], {})
    assert "评分范围-5~5分" in goe
    tech = data("published_values")["criteria"][1]
    assert (w.method(tech), w.standard(tech, {})) == ("成绩录入", "按公布（录入）的成绩直接计分")
    assert w.standard(data("published_values")["criteria"][0], {}) == \
        "按公布（录入）的成绩直接计分（0~100）"
    assert "仍相同者抽签决定名次" in w.tie_break_line(data("lot_ties"))
    ski = data("ski_jumping")
    assert "加分可超过满分" in w.component_heading(0, ski["components"][0], False)
    assert "以90m为基准得60分，每多1m加2分" in w.standard(ski["criteria"][0], {})
    assert "共2次机会，各次得分相加" in w.standard(ski["criteria"][2], {})
