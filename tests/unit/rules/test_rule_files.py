"""The 41 trades' rule files: each validates, the set uses every feature of the format, and
each rule turns a few fictional contestants' marks into sensible standings. Lathe, welder
and forklift are worked out by hand in the comments."""
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pytest

from competition.rules import load_rule
from competition.scoring import MarkIn, compute_standings

RULES_DIR = Path(__file__).parents[3] / "scoring_rules"
TRADES = {
    "lathe": ("车工", "Lathe operator"), "cnc_lathe": ("数控车工", "CNC lathe operator"),
    "fitter": ("钳工", "Fitter"), "assembly_fitter": ("装配钳工", "Assembly fitter"),
    "welder": ("焊工", "Welder"), "electrician": ("电工", "Electrician"),
    "lineman": ("配电线路工", "Distribution lineman"),
    "car_mechanic": ("汽车维修工", "Car mechanic"),
    "farm_mechanic": ("农机修理工", "Farm machinery mechanic"),
    "forklift": ("叉车司机", "Forklift driver"), "bus_driver": ("公交驾驶员", "Bus driver"),
    "chinese_cook": ("中式烹调师", "Chinese cook"), "pastry_cook": ("中式面点师", "Pastry cook"),
    "local_cuisine": ("乡土名菜烹饪", "Local-cuisine cooking"),
    "infant_care": ("育婴员", "Infant-care worker"),
    "elderly_care": ("养老护理员", "Elderly-care worker"),
    "domestic": ("家政服务员", "Domestic worker"), "hairdresser": ("美发师", "Hairdresser"),
    "tea_master": ("茶艺师", "Tea master"), "mine_rescue": ("矿山救护工", "Mine rescuer"),
    "spinning": ("细纱挡车工", "Spinning operator"), "winding": ("络筒工", "Winding operator"),
    "dairy_inspector": ("乳品检验员", "Dairy inspector"),
    "food_inspector": ("食品检验员", "Food inspector"),
    "chemical_operator": ("化工总控工", "Chemical process operator"),
    "coating": ("涂装工", "Coating worker"), "lift_technician": ("电梯安装维修工", "Lift technician"),
    "bricklayer": ("砌筑工", "Bricklayer"), "rebar": ("钢筋工", "Rebar worker"),
    "carpenter": ("木工", "Carpenter"), "tree_pruner": ("果树修剪工", "Fruit-tree pruner"),
    "drone_pilot": ("植保无人机驾驶员", "Crop-spraying drone pilot"),
    "ecommerce": ("电子商务师", "E-commerce specialist"),
    "livestream": ("互联网营销师", "Livestream marketer"), "courier": ("快递员", "Courier"),
    "cashier": ("收银员", "Cashier"), "security_guard": ("保安员", "Security guard"),
    "fire_safety": ("消防设施操作员", "Fire-safety equipment operator"),
    "sanitation": ("环卫工", "Sanitation worker"),
    "water_tester": ("水质检验工", "Water-quality tester"),
    "telecom_operator": ("信息通信网络运行管理员", "Telecom network operator"),
}
D = Decimal


def rule_of(code):
    return load_rule(RULES_DIR / f"{code}.toml")


def test_there_is_one_rule_file_per_trade_and_no_other():
    assert sorted(p.stem for p in RULES_DIR.glob("*.toml")) == sorted(TRADES)


@pytest.mark.parametrize("code", sorted(TRADES))
def test_each_rule_file_validates_and_names_its_trade(code):
    rule = rule_of(code)
    assert (rule.trade.code, rule.trade.name, rule.trade.name_en) == (code, *TRADES[code])
    if rule.scoring.mode == "weighted":
        assert sum(c.weight for c in rule.components) == 100
    theory = [c for c in rule.criteria if c.component == "theory"]
    if theory:   # a theory exam is one judged mark out of 100 from the exam office
        assert [(c.kind, c.judges, c.scale) for c in theory] == [("judged", 1, 100)]
        assert rule.component("theory").weight in (20, 30)


def test_the_set_uses_every_feature_of_the_format():
    rules = [rule_of(code) for code in TRADES]
    crits = [c for r in rules for c in r.criteria]
    features = {c.kind for c in crits}
    features |= {f"aggregate:{c.aggregate}" for c in crits if c.kind == "judged"}
    features |= {f"outside:{c.outside}" for c in crits if c.kind == "measured"}
    features |= {f"timed:{c.mode}" for c in crits if c.kind == "timed"}
    features |= {f"veto:{v.veto}" for c in crits if c.kind == "deductions"
                 for v in c.violations if v.veto}
    features |= {f"mode:{r.scoring.mode}" for r in rules}
    features |= {f"awards:{r.awards.basis}" for r in rules}
    features |= {"difficulty" for c in crits if getattr(c, "difficulty", None)}
    features |= {"judgement_0_3" for c in crits if c.kind == "judged" and c.scale == 3}
    features |= {"attempts" for c in crits if c.attempts > 1}
    features |= {"attempt_group" for c in crits if c.attempt_group}
    features |= {"deductions_from_component" for c in crits
                 if c.kind == "deductions" and c.max == 0}
    assert features >= {
        "judged", "measured", "checklist", "timed", "count", "adjustment", "deductions",
        "aggregate:mean", "aggregate:trimmed_mean", "aggregate:median",
        "aggregate:trimmed_sum", "outside:zero", "outside:per_unit", "outside:linear",
        "outside:bands", "timed:limit", "timed:relative", "veto:component_zero",
        "veto:total_zero", "veto:disqualify", "mode:weighted", "mode:sum", "awards:count",
        "awards:percent", "difficulty", "judgement_0_3", "attempts", "attempt_group",
        "deductions_from_component"}


# ---------------------------------------------------------------- hand-worked trades

def marks(entry, **values):
    """Marks of one entry: judged criteria as lists (one per judge), attempts as tuples,
    deductions as {code: count}, checklists as {item: 0/1}; everything else a value."""
    out = []
    for crit, value in values.items():
        if isinstance(value, list):
            out += [MarkIn(entry, crit, str(v), judge=f"j{i}") for i, v in enumerate(value, 1)]
        elif isinstance(value, tuple):
            out += [MarkIn(entry, crit, str(v), attempt=i) for i, v in enumerate(value, 1)]
        elif isinstance(value, dict):
            out += [MarkIn(entry, f"{crit}.{k}", str(v)) for k, v in value.items()]
        else:
            out.append(MarkIn(entry, crit, str(value)))
    return out


FULL_LATHE = dict(od_38="38.000", od_30="30.000", bore_24="24.010", len_100="100.00",
                  len_40="40.00", thread={"go": 1, "nogo": 1}, roughness={}, chamfer={},
                  tool={}, tidy={}, safety={})


def test_lathe_standings_worked_by_hand():
    rule = rule_of("lathe")
    ms = []
    # L01 theory 86. Time 10500 s <= 10800: 10. OD38 37.990 in tolerance: 10. OD30 29.970 is
    # 0.009 below 29.979: one started 0.01 -> 9. Bore 24.050 is 0.017 over 24.033: two
    # started 0.01 -> 8. Taper 80 % (band 75~100): 8. Thread 8. Length 100.05: 5. Length
    # 40.12 is 0.07 over 40.05: one started 0.1 -> 4. Roughness one surface: 10-2 = 8.
    # Chamfer 5, tool 5, tidy 4-1 = 3, safety one button 10-1 = 9.
    # Practical 10+10+9+8+8+8+5+4+8+5+5+3+9 = 92; total 86*0.3 + 92*0.7 = 25.8+64.4 = 90.20.
    ms += marks("L01", theory_exam=[86], turning_time=10500, taper=80,
                **{**FULL_LATHE, "od_38": "37.990", "od_30": "29.970", "bore_24": "24.050",
                   "len_100": "100.05", "len_40": "40.12"},
                ) + marks("L01", roughness={"ra_fail": 1}, tidy={"misplaced": 1},
                          safety={"button": 1})
    # L02 theory 92. Time 11000 s: 200 s over = 4 started minutes -> 6. Taper 70 %: 5.
    # Thread no-go fails: 4. Chamfer two bad: 3. Safety gloves 3 + unsafe 2: 5. Others full.
    # Practical 6+10+10+10+5+4+5+5+10+3+5+4+5 = 82, chief judge -2 -> 80;
    # total 92*0.3 + 80*0.7 = 27.6+56 = 83.60.
    ms += marks("L02", theory_exam=[92], turning_time=11000, taper=70, chief_adjust=-2,
                **{**FULL_LATHE, "thread": {"go": 1, "nogo": 0}}) + marks(
        "L02", chamfer={"size": 2}, safety={"gloves": 1, "unsafe_op": 1})
    # L03 theory 70; damaged the lathe (veto: practical 0); total 70*0.3 = 21.00.
    ms += marks("L03", theory_exam=[70], turning_time=11500, taper=50,
                **FULL_LATHE) + marks("L03", safety={"machine_damage": 1})
    # L04 theory 78. Time 10700: 10. Taper 65: 5 (-3). Thread go fails: 4 (-4). Roughness
    # two: 6 (-4). Tool one: 3 (-2). Tidy one: 3 (-1). Practical 100-14 = 86;
    # total 78*0.3 + 86*0.7 = 23.4+60.2 = 83.60: ties L02, ahead on the practical score.
    ms += marks("L04", theory_exam=[78], turning_time=10700, taper=65,
                **{**FULL_LATHE, "thread": {"go": 0, "nogo": 1}}) + marks(
        "L04", roughness={"ra_fail": 2}, tool={"geometry": 1}, tidy={"misplaced": 1})
    s = compute_standings(rule, ms)
    got = {r.entry: (r.rank, r.total, r.components["practical"], r.award, r.titles)
           for r in s.rows}
    assert got == {
        "L01": (1, D("90.20"), D("92"), "一等奖", ("县技术能手",)),
        "L04": (2, D("83.60"), D("86"), "二等奖", ()),
        "L02": (3, D("83.60"), D("80"), "二等奖", ()),
        "L03": (4, D("21.00"), D("0"), None, ()),   # 21 < 60: no third prize
    }


VISUAL_I = dict(cap_height="0.5", cap_diff="0.5", width_diff="1",
                undercut={"depth": 0, "length": 0},
                root_concave="0", root_convex="1", misalign="0", distortion="2")


def test_welder_standings_worked_by_hand():
    rule = rule_of("welder")
    # W01 theory 80. Visual: height 1.5 -> 12, diff 0.8 -> 14, width 1.8 -> 6, undercut
    # 0.3 deep and 10 long -> 14, concave 0 -> 10, convex 0.5 -> 10, misalign 0.5 -> 6, distortion 1 -> 10: 82,
    # spatter -2 -> 80. RT grade I: 100. Prep median(8, 9, 7) = 8; safety untidy 10-2 = 8:
    # op 16 of 20. Total 80*0.2 + 80*0.3 + 100*0.4 + 16/20*10 = 16+24+40+8 = 88.00.
    ms = marks("W01", theory_exam=[80], cap_height="1.5", cap_diff="0.8", width_diff="1.8",
               undercut={"depth": "0.3", "length": 10}, root_concave="0", root_convex="0.5", misalign="0.5",
               distortion="1", surface_defects={"spatter": 1}, rt_grade=1, prep=[8, 9, 7],
               safety={"untidy": 1})
    # W02 theory 90, every visual item in band I (100) but a pore on the cap: veto, visual 0.
    # RT grade II: 80. Prep median 9, safety 10: op 19. Total 18 + 0 + 32 + 9.5 = 59.50.
    ms += marks("W02", theory_exam=[90], **VISUAL_I, surface_defects={"defect": 1},
                rt_grade=2, prep=[9, 9, 10], safety={})
    # W03 theory 60. Visual 8+2+2+0 (undercut only 10 long but 0.8 deep)+2+2+2+2 = 20. RT III: 50.
    # Prep 6, safety PPE -2: op 14. Total 12 + 6 + 20 + 7 = 45.00.
    ms += marks("W03", theory_exam=[60], cap_height="2.5", cap_diff="2.5", width_diff="2.5",
                undercut={"depth": "0.8", "length": 10}, root_concave="1.5", root_convex="2.5", misalign="1",
                distortion="4", surface_defects={}, rt_grade=3, prep=[6, 5, 7],
                safety={"ppe": 1})
    s = compute_standings(rule, ms)
    got = {r.entry: (r.rank, r.total, r.components["visual"], r.award) for r in s.rows}
    # Percent awards of 3 finishers: 10 % = 0.3 -> 0 first prizes, 20 % = 0.6 -> 1 second,
    # 30 % = 0.9 -> 1 third. W02 (59.50) misses the third prize's 60.
    assert got == {"W01": (1, D("88.00"), D("80"), "二等奖"),
                   "W02": (2, D("59.50"), D("0"), None),
                   "W03": (3, D("45.00"), D("20"), None)}
    assert s.row("W01").titles == ("县技术能手",)


def test_forklift_standings_worked_by_hand():
    rule = rule_of("forklift")
    check = {"tyres": 1, "forks": 1, "brakes": 1, "lights": 1, "fluids": 1}
    # F01 theory 90. Check 10. Runs (95 s, 1 pole) and (88 s, 0 poles); fastest of all is
    # F02's 80 s: run 2 = 25*80/88 = 22.73 + 15 beats run 1 = 21.05 + 12, so 22.73 and 15. Stacking 15 mm <= 20: 15.
    # Bottles 8*2 = 16. Safety one line -1: 14. Practical 92.73;
    # total 90*0.3 + 92.73*0.7 = 27 + 64.911 = 91.91.
    ms = marks("F01", theory_exam=[90], precheck=check, slalom_time=(95, 88), poles=(1, 0),
               stacking=15, bottles=8, safety={"line": 1})
    # F02 theory 80. Check without tyres: 8. The better run counts as a whole (time and
    # poles together): run 1 = 80 s (25) + 2 poles (9) = 34, run 2 = 120 s (25*80/120 =
    # 16.67) + 1 pole (12) = 28.67: run 1. Stacking 50 mm: 30 beyond, linear to 0 at 60
    # beyond: 15*(1-30/60) = 7.5. Bottles 10: 20. No seat belt -5: 10.
    # Practical 8+25+9+7.5+20+10 = 79.5; total 24 + 55.65 = 79.65.
    ms += marks("F02", theory_exam=[80], precheck={**check, "tyres": 0},
                slalom_time=("1:20", 120), poles=(2, 1), stacking=50, bottles=10,
                safety={"belt": 1})
    # F03 overturned the truck: disqualified, no rank.
    ms += marks("F03", theory_exam=[75], precheck=check, slalom_time=(100, 110), poles=(3, 6),
                stacking=90, bottles=5, safety={"rollover": 1})
    s = compute_standings(rule, ms)
    got = {r.entry: (r.rank, r.status, r.total, r.award) for r in s.rows}
    assert got["F01"] == (1, "ok", D("91.91"), "一等奖")
    assert got["F02"] == (2, "ok", D("79.65"), "二等奖")
    assert s.row("F02").criteria["poles"] == D("9")        # from the same run as its time
    assert got["F03"][:2] == (None, "disqualified")
    assert s.row("F01").criteria["slalom_time"] == D("22.73")
    assert s.row("F02").criteria["stacking"] == D("7.5")


def test_tea_master_declared_difficulty_multiplies_the_creative_routine():
    rule = rule_of("tea_master")
    # Etiquette: drop 10 and 8 of (9, 8.5, 9, 9.5, 8, 9, 10): 45/5 = 9. Set routine: drop 25
    # and 20: 112/5 = 22.4. Creative, out of 100: drop 95 and 80: 442/5 = 88.4, x 30/100 =
    # 26.52, x declared class B 0.9 = 23.868 -> 23.87. Liquor median(16, 18, 17) = 17.
    # Time 800 s <= 900: 5. Two spills: 8. Practical 9+22.4+23.87+17+5+8 = 85.27;
    # total 90*0.2 + 85.27*0.8 = 18 + 68.216 = 86.22.
    ms = marks("T01", theory_exam=[90], etiquette=[9, 8.5, 9, 9.5, 8, 9, 10],
               set_routine=[22, 23, 21, 24, 22, 20, 25], creative=[90, 85, 88, 92, 80, 95, 87],
               liquor=[16, 18, 17], time=800, faults={"spill": 2})
    ms.append(MarkIn("T01", "creative@difficulty", "0.9"))
    row = compute_standings(rule, ms).row("T01")
    assert (row.criteria["creative"], row.components["practical"], row.total) == (
        D("23.87"), D("85.27"), D("86.22"))


def test_local_cuisine_sums_the_middle_five_of_seven_judges():
    rule = rule_of("local_cuisine")
    # Taste: drop 8 and 6 of (7, 7.5, 6.5, 8, 7, 6, 7.5): 7+7.5+6.5+7+7.5 = 35.5.
    # Looks: drop 4 and 2.5: 3.5+3+3.5+3+3.5 = 16.5. Local: drop a 4 and the 3: 19.
    # Story mean(8, 9, 8.5) = 8.5; hygiene one dress fault: 8. Sum mode: 71 + 16.5 = 87.50.
    ms = marks("C01", taste=[7, 7.5, 6.5, 8, 7, 6, 7.5], looks=[3.5, 3, 4, 3.5, 3, 2.5, 3.5],
               local=[4, 4, 3.5, 3.5, 4, 3, 4], story=[8, 9, 8.5], hygiene={"dress": 1})
    row = compute_standings(rule, ms).row("C01")
    assert (row.components["dish"], row.components["presentation"], row.total) == (
        D("71"), D("16.5"), D("87.50"))


# ---------------------------------------------------------------- every trade

def _judged(crit, q):
    step = crit.step or D(1)
    mark = (crit.scale * q / step).to_integral_value() * step
    out = [MarkIn("", crit.id, str(mark), judge=f"j{i}") for i in range(1, crit.judges + 1)]
    if crit.difficulty:
        d = crit.difficulty.max if q == 1 else crit.difficulty.min
        out.append(MarkIn("", f"{crit.id}@difficulty", str(d)))
    return out


def _measured(crit, q):
    if crit.measures:   # several measures: values inside the best band's ranges
        best = next(b for b in crit.bands if b.points == crit.max)
        return [MarkIn("", f"{crit.id}.{m.id}", str(_inside(best.when.get(m.id))))
                for m in crit.measures]
    if q == 1 or crit.outside == "bands":
        return [MarkIn("", crit.id, str(crit.nominal))]
    far = (crit.unit_size or crit.falloff or D(1)) * (1 if q > 0.5 else 1000)
    return [MarkIn("", crit.id, str(crit.nominal + crit.upper + far))]


def _inside(r):
    if r is None:
        return D(0)
    return r.from_ if r.from_ is not None else r.to if r.to is not None else D(0)


def _count(crit, q):
    cap = crit.max if crit.cap is None else crit.cap
    if crit.per_unit > 0:
        best = crit.reference + ((cap - crit.base) / crit.per_unit).to_integral_value(
            ROUND_CEILING)
        worst = max(D(0), crit.reference - (crit.base / crit.per_unit).to_integral_value(
            ROUND_CEILING))
    else:
        best = crit.reference
        worst = crit.reference + (crit.base / -crit.per_unit).to_integral_value(ROUND_CEILING)
    value = best if q == 1 else worst if q < 0.5 else ((best + worst) / 2).to_integral_value()
    return [MarkIn("", crit.id, str(value))]


def _timed(crit, q):
    if crit.mode == "relative":
        return [MarkIn("", crit.id, {D(1): "100", D("0.6"): "150"}.get(q, "200"))]
    over = {D(1): -60, D("0.6"): 61}.get(q, (crit.hard_limit or crit.limit + 600) - crit.limit + 1)
    return [MarkIn("", crit.id, str(crit.limit + over))]


def _checklist(crit, q):
    n = len(crit.items)
    done = n if q == 1 else n // 2 if q > 0.5 else 0
    return [MarkIn("", f"{crit.id}.{t.id}", "1" if i < done else "0")
            for i, t in enumerate(crit.items)]


def _deductions(crit, q):
    plain = [v for v in crit.violations if not v.veto]
    return [MarkIn("", f"{crit.id}.{plain[0].code}", "1")] if q < 0.5 and plain else []


MAKERS = {"judged": _judged, "measured": _measured, "count": _count, "timed": _timed,
          "checklist": _checklist, "deductions": _deductions, "adjustment": lambda c, q: []}


def contestant(rule, entry, q):
    out = []
    for crit in rule.criteria:
        for m in MAKERS[crit.kind](crit, q):
            attempts = range(1, crit.attempts + 1)
            out += [MarkIn(entry, m.criterion, m.value, m.judge, a) for a in attempts]
    return out


@pytest.mark.parametrize("code", sorted(TRADES))
def test_each_rule_ranks_a_strong_an_average_and_a_weak_contestant(code):
    rule = rule_of(code)
    ms = contestant(rule, "strong", D(1)) + contestant(rule, "avg", D("0.6")) + \
        contestant(rule, "weak", D("0.3"))
    s = compute_standings(rule, ms)
    full = D(100) if rule.scoring.mode == "weighted" else sum(c.max for c in rule.components)
    strong, avg, weak = (s.row(e) for e in ("strong", "avg", "weak"))
    assert strong.complete and strong.total == full and strong.rank == 1
    assert full > avg.total > weak.total >= 0
    assert (avg.rank, weak.rank) == (2, 3)
    if rule.awards.basis == "count":
        assert strong.award == rule.awards.levels[0].name
    assert strong.titles[:1] == (rule.awards.titles[0].name,)
