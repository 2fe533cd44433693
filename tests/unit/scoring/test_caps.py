"""No value is clipped silently (issue 16): a part whose criteria can go above its max must
say how it is held (`cap`), and every row whose value the engine holds to its bounds says
so (Row.capped, a note, Standings.warnings, the `capped` column of `rules compute`)."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.rules import RuleError, parse_rule
from competition.rules.bounds import criterion_bounds, declared_bounds, describe
from competition.scoring import MarkIn, compute_standings

from .helpers import D, crit, marks, rule

SKI = (crit("style", "judged", "max = 10\nfactor = 1.6")
       + crit("comp", "adjustment", "min = -100\nmax = 100\nstep = 0.01"))


def comp(cap: str = "") -> str:
    return f'[[components]]\nid = "c"\nname = "C"\n{cap}\n'


def text(criteria: str, cap: str = "") -> str:
    return (f'version = 1\n[trade]\ncode = "t"\nname = "T"\n[scoring]\nmode = "sum"\n'
            f'{comp(cap)}\n{criteria}')


def test_a_sum_mode_part_that_an_adjustment_can_take_above_its_max_must_say_how():
    # The defect: judged (max 10, factor 1.6) and an adjustment of +80.10 totalled 16.00
    # (the component's computed max) with complete = yes and no word. `rules check`
    # (strict) refuses the rule until it says how the part is held.
    with pytest.raises(RuleError) as exc:
        parse_rule(text(SKI), "t.toml", strict=True)
    assert str(exc.value) == (
        "t.toml:7: components[c]: its criteria can reach 116 ('comp'), above its max 16: "
        "say how the score is held: cap = true (it stops at 16) or cap = false (it may "
        "exceed 16)")
    parse_rule(text(SKI, "cap = false"), "t.toml", strict=True)


def test_an_older_rule_text_without_cap_still_loads_held_as_before_and_marked():
    # a trade bound to such a text before `cap` existed keeps its results, never silently
    st_ = compute_standings(parse_rule(text(SKI), "t.toml"), marks(
        ("e1", "style", "8.875", "j1"), ("e1", "comp", "80.10")))
    row = st_.row("e1")
    assert (row.total, row.capped, st_.warnings) == (D("16.00"), ("c",), {"capped": 1})


def test_rules_check_refuses_it_on_the_command_line(tmp_path):
    from competition import create_app
    (tmp_path / "t.toml").write_text(text(SKI), encoding="utf-8")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                      "RULES_DIR": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["rules", "check", str(tmp_path / "t.toml")])
    assert result.exit_code == 1
    assert "components[c]: its criteria can reach 116 ('comp'), above its max 16" in \
        result.output


def test_cap_false_keeps_the_adjustment_on_top():
    # style 8.875 x 1.6 = 14.20; + 80.10 = 94.30 (not 16.00)
    st_ = compute_standings(rule(SKI, components=comp("cap = false")), marks(
        ("e1", "style", "8.875", "j1"), ("e1", "comp", "80.10")))
    row = st_.row("e1")
    assert (row.total, row.capped, st_.warnings) == (D("94.30"), (), {})


def test_cap_true_stops_at_max_and_the_row_says_so():
    st_ = compute_standings(rule(SKI, components=comp("cap = true")), marks(
        ("e1", "style", "8.875", "j1"), ("e1", "comp", "80.10"),
        ("e2", "style", "5", "j1"), ("e2", "comp", "2")))
    e1, e2 = st_.row("e1"), st_.row("e2")
    assert (e1.total, e1.capped, e2.total, e2.capped) == (D("16.00"), ("c",), D("10.00"), ())
    assert "c: 94.30 held to 16" in e1.notes
    assert st_.warnings == {"capped": 1}
    assert st_.to_dict()["warnings"] == {"capped": 1}
    assert st_.row("e1").to_dict()["capped"] == ["c"]
    assert "capped" not in e2.to_dict()


def test_weighted_mode_caps_at_max_by_default_and_marks_the_row():
    # practical max 10 (weight 100) + adjustment up to 5: 9 + 3 = 12 -> 10, flagged
    r = rule(crit("task", "judged", "max = 10") + crit("adj", "adjustment", "min = -5\nmax = 5"),
             mode="weighted", components='[[components]]\nid = "c"\nname = "C"\nweight = 100\n'
                                         'max = 10\n')
    row = compute_standings(r, marks(("e1", "task", "9", "j1"), ("e1", "adj", "3"))).row("e1")
    assert (row.components["c"], row.capped) == (D("10.00"), ("c",))


def test_a_part_floored_at_0_is_marked_too():
    r = rule(crit("task", "judged", "max = 10")
             + crit("safety", "deductions", 'max = 0\nviolations = [ { code = "x", name = "X", '
                                            'points = 4 } ]'))
    row = compute_standings(r, marks(("e1", "task", "3", "j1"), ("e1", "safety.x", "2"))).row("e1")
    assert (row.total, row.capped) == (D("0.00"), ("c",))
    assert "c: -5.00 held to 0" in row.notes


def test_adjustments_added_beyond_their_range_are_held_and_marked():
    r = rule(crit("task", "judged", "max = 10")
             + crit("adj", "adjustment", "min = -2\nmax = 2"), components=comp("cap = false"))
    row = compute_standings(r, marks(("e1", "task", "5", "j1"), ("e1", "adj", "1.5", "chief"),
                                     ("e1", "adj", "1.5", "arbiter"))).row("e1")
    assert (row.criteria["adj"], row.capped) == (D("2.00"), ("adj",))


def test_rules_check_bounds_states_how_each_part_is_held(tmp_path):
    from competition import create_app
    text = ('version = 1\n[trade]\ncode = "t"\nname = "T"\n[scoring]\nmode = "weighted"\n'
            '[[components]]\nid = "p"\nname = "P"\nweight = 100\nmax = 10\n'
            + crit("task", "judged", "max = 10", "p")
            + crit("adj", "adjustment", "min = -5\nmax = 5", "p"))
    (tmp_path / "t.toml").write_text(text, encoding="utf-8")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                      "RULES_DIR": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["rules", "check", "--bounds",
                                                str(tmp_path / "t.toml")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "  p: 0..10 (parts reach -5..15: floored at 0; capped at 10 (weighted mode; "
        "cap = true says so))",
        "    task: 0..10",
        "    adj: -5..5",
        "1 rules valid",
    ]


# --- the property: nothing outside its declared bounds unless the row says so ----------

KINDS = {
    "judged": ("max = {m}\nfactor = {f}", lambda c, k: [str(Decimal(k % 41) / 4 * c.max / 10)]),
    "adjustment": ("min = -{m}\nmax = {m}", lambda c, k: [str(Decimal(k % 21 - 10) / 10 * c.max),
                                                          str(Decimal(k % 7) / 2)]),
    "count": ("max = {m}\nper_unit = 0.5\nfactor = {f}", lambda c, k: [str(k % 60)]),
    "deductions": ('max = 0\nviolations = [ {{ code = "x", name = "X", points = {m} }} ]',
                   lambda c, k: [str(k % 3)]),
    "given": ("min = 0\nmax = {m}", lambda c, k: [str(Decimal(k % 101) / 100 * c.max)]),
    "given_free": ("", lambda c, k: [str(Decimal(k % 301) - 50)]),
}


@st.composite
def random_rule(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=5))
    body = ""
    for i, kind in enumerate(kinds):
        text = KINDS[kind][0].format(m=draw(st.sampled_from([2, 5, 10])),
                                     f=draw(st.sampled_from(["1", "1.6", "0.5"])))
        body += crit(f"k{i}", "given" if kind == "given_free" else kind, text)
    cap = draw(st.sampled_from(["", "cap = true", "cap = false"]))
    return body, cap, kinds


@settings(max_examples=150, deadline=None)
@given(random_rule(), st.lists(st.integers(0, 10_000), min_size=12, max_size=12))
def test_no_part_lies_outside_its_declared_bounds_unless_the_row_says_so(spec, seeds):
    body, cap, kinds = spec
    try:
        parse_rule(text(body, cap), "t.toml", strict=True)
    except RuleError as exc:   # only for a part that can exceed its max, with no `cap`
        assert "say how the score is held" in str(exc) and not cap
    r = rule(body, components=comp(cap))   # loads either way (held at max, rows marked)
    ms = []
    for i, (kind, k) in enumerate(zip(kinds, seeds)):
        c = r.criterion(f"k{i}")
        address = f"k{i}.x" if kind == "deductions" else f"k{i}"
        for j, value in enumerate(KINDS[kind][1](c, k)[:1 + seeds[-1] % 2]):
            ms.append(MarkIn("e1", address, value, f"j{j}"))
    row = compute_standings(r, ms).row("e1")
    bounds = declared_bounds(r)
    for c in r.criteria:
        lo, hi = criterion_bounds(c)
        value = row.criteria[c.id]
        assert (lo is None or value >= lo) and (hi is None or value <= hi), (c.id, value)
    b = bounds["c"]
    parts = sum(row.criteria.values(), Decimal(0))
    score = row.components["c"]
    lo, hi = b.kept
    assert score >= lo and (hi is None or score <= hi)
    if "c" in row.capped:
        assert score != parts and score in (lo, hi)
    else:
        assert score == parts
    assert describe(r)   # every rule can state its bounds


def test_every_trade_rule_states_its_bounds_and_none_is_held_undeclared():
    from pathlib import Path

    from competition.rules import load_rule
    files = sorted((Path(__file__).parents[3] / "scoring_rules").glob("*.toml"))
    lines = [line for f in files for line in describe(load_rule(f, strict=True))]
    assert len(files) == 41 and not [line for line in lines if "undeclared" in line]
    # the four trades with a chief judge's adjustment are capped at their max, and say so
    assert sum("capped at 100 (weighted mode" in line for line in lines) == 4
