"""Malformed rule files: each gets one precise `file:line: field: message`."""
from pathlib import Path

import pytest

from competition.rules import RuleError, parse_rule

SAMPLE = (Path(__file__).parent / "sample_lathe.toml").read_text(encoding="utf-8")


def problems_after(old: str, new: str) -> list[str]:
    assert old in SAMPLE, old
    with pytest.raises(RuleError) as info:
        parse_rule(SAMPLE.replace(old, new, 1), "lathe.toml")
    return [str(p) for p in info.value.problems]


# (what to replace, with what, the expected problem). Line numbers are those of
# sample_lathe.toml (the replacement keeps the line count). A key that is missing is
# reported at its table's header line.
CASES = [
    ('kind = "checklist"', 'kind = "checklst"',
     "lathe.toml:63: criteria[roughness].kind: unknown criterion kind 'checklst' (expected "
     "one of: judged, measured, checklist, timed, count, adjustment, deductions, given)"),
    ('kind = "checklist"', '# no kind',
     "lathe.toml:59: criteria[roughness].kind: kind is required (one of: judged, measured, "
     "checklist, timed, count, adjustment, deductions, given)"),
    ("weight = 70", "weight = 60",
     "lathe.toml:17: components[theory].weight: weights sum to 90, not 100 (weighted mode)"),
    ("weight = 70", "# weight = 70",
     "lathe.toml:20: components[practical]: weight is required in weighted mode"),
    ("max = 55", "max = 50",
     "lathe.toml:24: components[practical].max: max 100 != 95, the sum of its criteria's max"),
    ('{ id = "s2", name = "表面2", points = 5 },', '{ id = "s2", name = "表面2", points = 4 },',
     "lathe.toml:64: criteria[roughness].max: max 10 != 9, the sum of its items' points"),
    ('"practical desc"', '"practica desc"',
     "lathe.toml:12: scoring.tie_break[#1]: 'practica desc': unknown ref 'practica' (a "
     "component, a criterion, criterion.raw, total or deductions)"),
    ('"deductions asc"', '"deductions up"',
     "lathe.toml:12: scoring.tie_break[#3]: 'deductions up': expected '<ref> asc' or "
     "'<ref> desc'"),
    ('id = "s2"', 'id = "s1"',
     "lathe.toml:67: criteria[roughness].items[s1].id: duplicate item id 's1'"),
    ('id = "workmanship"', 'id = "od_18"',
     "lathe.toml:71: criteria[od_18].id: duplicate criterion id 'od_18'"),
    ('code = "button"', 'code = "no_overalls"',
     "lathe.toml:90: criteria[safety].violations[no_overalls].code: duplicate violation code "
     "'no_overalls'"),
    ("lower = -0.03", "lower = 0.03",
     "lathe.toml:53: criteria[od_18].lower: tolerance below nominal must be <= 0, got 0.03"),
    ("upper = 0.03", "upper = -0.03",
     "lathe.toml:54: criteria[od_18].upper: tolerance above nominal must be >= 0, got -0.03"),
    ("unit_size = 0.01", "# unit_size",
     "lathe.toml:45: criteria[od_18].unit_size: required when outside = 'per_unit'"),
    ("hard_limit = 1800", "hard_limit = 1000",
     "lathe.toml:43: criteria[turning_time].hard_limit: hard limit 1000 is below the "
     "limit 1200"),
    ('aggregate = "mean"', 'aggregate = "avg"',
     "lathe.toml:79: criteria[workmanship].aggregate: input should be 'mean', "
     "'trimmed_mean', 'median' or 'trimmed_sum'"),
    ("max = 55", "max = -55",
     "lathe.toml:76: criteria[workmanship].max: input should be greater than or equal to 0"),
    ("judges = 3", "judgs = 3",
     "lathe.toml:75: criteria[workmanship].judgs: unknown field"),
    ('code = "lathe"', 'code = "Lathe-1"',
     "lathe.toml:4: trade.code: 'Lathe-1' must be lowercase ASCII letters, digits and _"),
    ('name = "车工"\n', '\n',
     "lathe.toml:3: trade.name: required"),
    ('{ name = "一等奖", name_en = "First prize", count = 1, min_total = 80 },',
     '{ name = "一等奖", name_en = "First prize" },',
     "lathe.toml:97: awards.levels[#1]: level '一等奖' has neither count nor percent: it "
     "takes every remaining place, so it needs a min_total (or min_scores) or must be the "
     "last level"),
    ('mode = "weighted"', 'mode = weighted',
     "lathe.toml:10: toml: Invalid value (at line 10, column 8)"),
    ("step = 0.5\naggregate", "step = 0.75\naggregate",
     "lathe.toml:78: criteria[workmanship].step: scale max 10 is not a multiple of step 0.75"),
]


@pytest.mark.parametrize("old, new, expected", CASES, ids=[c[2].split(": ")[1] + " " + str(i)
                                                           for i, c in enumerate(CASES)])
def test_malformed_rule_reports_file_line_field_message(old, new, expected):
    assert problems_after(old, new) == [expected]


JUDGED = '''version = 1
[trade]
code = "t"
name = "T"
[scoring]
mode = "sum"
[[components]]
id = "c"
name = "C"
[[criteria]]
id = "art"
component = "c"
name = "Art"
kind = "judged"
max = 10
{body}
'''


@pytest.mark.parametrize("body, expected", [
    ('judges = 2\naggregate = "trimmed_mean"\ntrim = 1',
     "t.toml:18: criteria[art].trim: trimming 1 highest and 1 lowest of 2 judges leaves "
     "no mark"),
    ('judges = 4\naggregate = "trimmed_sum"\ntrim = 2',
     "t.toml:18: criteria[art].trim: trimming 2 highest and 2 lowest of 4 judges leaves "
     "no mark"),
    ('judges = 3\ntrim = 1',
     "t.toml:17: criteria[art].trim: trim applies to trimmed_mean/trimmed_sum, not to mean"),
    ('difficulty = { min = 3.0, max = 1.0 }',
     "t.toml:16: criteria[art].difficulty.min: min 3 > max 1"),
    ('difficulty = { min = 1.0, max = 3.0, stp = 0.1 }',
     "t.toml:16: criteria[art].difficulty.stp: unknown field"),
])
def test_malformed_judged_criteria(body, expected):
    with pytest.raises(RuleError) as info:
        parse_rule(JUDGED.format(body=body), "t.toml")
    assert [str(p) for p in info.value.problems] == [expected]


BANDS = JUDGED.replace('kind = "judged"', 'kind = "measured"').replace(
    "max = 10", 'max = 16\noutside = "bands"')


@pytest.mark.parametrize("bands, expected", [
    # a gap between 1 and 1.5
    ('{ from = 0, to = 1, points = 16 },\n  { from = 1.5, to = 2, points = 12 },',
     "t.toml:17: criteria[art].bands: bands do not cover the values between 1 and 1.5"),
    # both ends exclusive at 1: the value 1 itself is in no band
    ('{ from = 0, to = 1, to_inclusive = false, points = 16 },\n'
     '  { from = 1, from_inclusive = false, to = 2, points = 12 },',
     "t.toml:17: criteria[art].bands: bands do not cover the values between 1 and 1"),
    ('{ from = 0, to = 1, points = 20 },',
     "t.toml:18: criteria[art].bands[#1].points: 20 points exceed the criterion max 16"),
    ('{ from = 2, to = 1, points = 16 },',
     "t.toml:18: criteria[art].bands[#1].to: to 1 < from 2"),
])
def test_malformed_bands(bands, expected):
    with pytest.raises(RuleError) as info:
        parse_rule(BANDS.format(body=f"bands = [\n  {bands}\n]"), "t.toml")
    assert [str(p) for p in info.value.problems] == [expected]


def test_several_problems_are_all_reported_in_line_order():
    text = SAMPLE.replace("weight = 70", "weight = 60").replace("max = 55", "max = 50")
    with pytest.raises(RuleError) as info:
        parse_rule(text, "lathe.toml")
    assert [p.line for p in info.value.problems] == [17, 24]


def test_a_duplicate_component_and_what_follows_from_it():
    found = problems_after('id = "practical"\nname = "实际操作"', 'id = "theory"\nname = "实际操作"')
    assert found[:3] == [
        "lathe.toml:12: scoring.tie_break[#1]: 'practical desc': unknown ref 'practical' (a "
        "component, a criterion, criterion.raw, total or deductions)",
        "lathe.toml:21: components[theory].id: duplicate component id 'theory'",
        "lathe.toml:37: criteria[turning_time].component: unknown component 'practical'",
    ]


def test_an_unknown_component_is_reported_at_the_criterion():
    assert problems_after('component = "practical"\nname = "工艺"',
                          'component = "practise"\nname = "工艺"') == [
        "lathe.toml:24: components[practical].max: max 100 != 45, the sum of its criteria's max",
        "lathe.toml:72: criteria[workmanship].component: unknown component 'practise'",
    ]


def test_percent_basis_needs_a_percent_on_every_level():
    assert problems_after('basis = "count"', 'basis = "percent"') == [
        f"lathe.toml:{97 + i}: awards.levels[#{i + 1}].percent: level '{name}' needs a "
        f"percent (basis = 'percent')" for i, name in enumerate(("一等奖", "二等奖", "三等奖"))]


MEASURES = BANDS.replace('outside = "bands"', 'outside = "bands"\n'
                         'measures = [ {{ id = "depth", name = "D" }}, '
                         '{{ id = "len", name = "L" }} ]')


@pytest.mark.parametrize("bands, expected", [
    ('{ when = { depht = { to = 1 } }, points = 16 },',
     "t.toml:19: criteria[art].bands[#1].when.depht: unknown measure 'depht' (measures: "
     "depth, len)"),
    ('{ from = 0, to = 1, points = 16 },',
     "t.toml:19: criteria[art].bands[#1]: with several measures a band gives its ranges in "
     "`when`"),
])
def test_malformed_bands_with_several_measures(bands, expected):
    with pytest.raises(RuleError) as info:
        parse_rule(MEASURES.format(body=f"bands = [\n  {bands}\n]"), "t.toml")
    assert [str(p) for p in info.value.problems] == [expected]


def test_several_measures_need_bands():
    text = MEASURES.replace('outside = "bands"', 'outside = "zero"').format(body="nominal = 1")
    with pytest.raises(RuleError) as info:
        parse_rule(text, "t.toml")
    assert [str(p) for p in info.value.problems] == [
        "t.toml:17: criteria[art].measures: several measures need outside = 'bands', "
        "not 'zero'"]


@pytest.mark.parametrize("text, expected", [
    ("version = 1\n", [
        "t.toml:1: trade: required", "t.toml:1: components: required",
        "t.toml:1: criteria: required"]),
    ("version = 2\n" + SAMPLE.split("\n", 1)[1],
     ["t.toml:1: version: input should be 1"]),
    (SAMPLE.replace("[[components]]\nid = \"theory\"", "[[components]]\nid = 5", 1),
     ["t.toml:15: components[#1].id: input should be a valid string"]),
])
def test_structural_problems(text, expected):
    with pytest.raises(RuleError) as info:
        parse_rule(text, "t.toml")
    assert [str(p) for p in info.value.problems][:len(expected)] == expected


def test_award_level_names_are_unique():
    assert problems_after('{ name = "二等奖", name_en = "Second prize"',
                          '{ name = "一等奖", name_en = "Second prize"') == [
        "lathe.toml:98: awards.levels[#2].name: duplicate award level name '一等奖'"]
