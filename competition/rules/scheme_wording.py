"""The Chinese wording of a marking scheme (评分细则): what a chief judge reads and signs.

Every function takes the raw rule data (dicts as read from TOML, numbers as int or Decimal)
and returns text; nothing here decides a score. Used by scheme_xlsx.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

CN_ORDINALS = "一二三四五六七八九十"
VETO_TEXT = {"component_zero": "{component}成绩记0分", "total_zero": "总成绩记0分",
             "disqualify": "取消比赛资格"}
AGGREGATE_TEXT = {"mean": "取平均分", "median": "取中位数",
                  "trimmed_mean": "去掉{k}个最高分和{k}个最低分后取平均分",
                  "trimmed_sum": "去掉{k}个最高分和{k}个最低分后其余{n}名裁判分数相加"}
ATTEMPT_TEXT = {"best": "取最好一次成绩", "sum": "各次得分相加", "mean": "取各次平均分",
                "last": "取最后一次成绩"}
METHOD_TEXT = {"measured": "测量", "checklist": "逐项判定", "count": "计数",
               "adjustment": "裁判长调整", "deductions": "扣分", "given": "成绩录入"}


def n(value: Any) -> str:
    """A number as people write it: 10, 0.01, 12.5 (no trailing zeros, no exponent)."""
    d = Decimal(str(value))
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def duration(seconds: Any) -> str:
    """180分钟, 90秒, 2分30秒."""
    s = Decimal(str(seconds))
    minutes, rest = divmod(s, 60)
    if rest == 0:
        return f"{n(minutes)}分钟"
    if minutes == 0:
        return f"{n(rest)}秒"
    return f"{n(minutes)}分{n(rest)}秒"


def component_heading(index: int, comp: dict, weighted: bool) -> str:
    """一、理论知识（权重30%，满分100分）"""
    ordinal = CN_ORDINALS[index] if index < len(CN_ORDINALS) else str(index + 1)
    parts = [f"权重{n(comp['weight'])}%"] if weighted and "weight" in comp else []
    if comp.get("max") is not None:
        parts.append(f"满分{n(comp['max'])}分")
    if comp.get("scale_to") is not None:
        parts.append(f"得分折算为{n(comp['scale_to'])}分制")
    if comp.get("cap") is True:
        parts.append("加分后最高不超过满分")
    elif comp.get("cap") is False:
        parts.append("加分可超过满分")
    if comp.get("judge_totals"):
        how = {"mean": "取平均分", "median": "取中位数",
               "trimmed_mean": "去掉{k}个最高分和{k}个最低分后取平均分"}[comp["judge_totals"]]
        parts.append("各裁判评分先分别合计，" + how.format(k=comp.get("trim", 0)))
    return f"{ordinal}、{comp['name']}" + (f"（{'，'.join(parts)}）" if parts else "")


def method(crit: dict) -> str:
    """The 评分方式 column."""
    kind = crit["kind"]
    if kind == "judged":
        if crit.get("judges", 1) == 1:
            return "成绩录入"
        return "评价分" if n(crit.get("scale_max", crit["max"])) == "3" else "裁判评分"
    if kind == "timed":
        return {"limit": "计时", "linear": "计时", "relative": "计时（相对）",
                "rank": "计时（排名）"}[crit.get("mode", "limit")]
    return METHOD_TEXT[kind]


def standard(crit: dict, components: dict[str, dict], peers: tuple[str, ...] = ()) -> str:
    """The 评分标准 of a criterion row, written out from its parameters; `peers` are the
    names of the other criteria of its attempt_group (scored from the same attempt)."""
    text = _STANDARD[crit["kind"]](crit, components)
    if crit.get("factor") is not None and Decimal(str(crit["factor"])) != 1:
        text += f"；得分再乘以系数{n(crit['factor'])}"
    attempts = crit.get("attempts", 1)
    if attempts > 1:
        agg = ATTEMPT_TEXT[crit.get("attempt_aggregate", "best")]
        if peers:
            together = "、".join(f"“{p}”" for p in peers)
            agg = f"与{together}按同一次整体计分，{agg}"
        text = f"共{attempts}次机会，{agg}。" + text
    if crit.get("note"):
        text += f"。注：{crit['note']}"
    return text


def _judged(crit: dict, components: dict) -> str:
    scale = crit.get("scale_max", crit["max"])
    judges = crit.get("judges", 1)
    if judges == 1:
        text = f"按{n(scale)}分制成绩计分"
        if n(scale) != n(crit["max"]):
            text = f"按{n(scale)}分制成绩折算为{n(crit['max'])}分"
        return text
    step = f"，最小单位{n(crit['step'])}分" if crit.get("step") is not None else ""
    agg = crit.get("aggregate", "mean")
    k = crit.get("trim", 0)
    text = f"{judges}名裁判独立评分（0~{n(scale)}分{step}），"
    text += AGGREGATE_TEXT[agg].format(k=k, n=judges - 2 * k)
    if n(scale) != n(crit["max"]):
        per = "每名裁判分数" if agg == "trimmed_sum" else ""
        text += f"，{per}按{n(scale)}分制折算为{n(crit['max'])}分"
    if n(scale) == "3":
        text += "（0分低于行业标准，1分达到标准，2分高于标准，3分优秀）"
    if crit.get("difficulty"):
        d = crit["difficulty"]
        places = max(_places(Decimal(str(d[k]))) for k in ("min", "max", "step") if k in d)
        low, high = (_fixed(Decimal(str(d[k])), places) for k in ("min", "max"))
        step = f"，级差{n(d['step'])}" if d.get("step") is not None else ""
        text += f"；得分乘以赛前申报的难度系数（{low}~{high}{step}）"
        if d.get("cap"):
            text += f"，最高不超过{n(crit['max'])}分"
    if crit.get("discrepancy") is not None:
        text += f"；裁判间分差超过{n(crit['discrepancy'])}分时由裁判长复核"
    return text + _judged_extras(crit)


def _judged_extras(crit: dict) -> str:
    """Declared values, the per-judge transform, the spread limit (issue 16)."""
    text = ""
    for d in crit.get("declared", []):
        default = f"，未申报按{n(d['default'])}计" if d.get("default") is not None else ""
        text += f"；每次赛前申报“{d['name']}”（{n(d['min'])}~{n(d['max'])}{default}）"
    if crit.get("transform"):
        text += f"；每名裁判的分数先按公式“{crit['transform']}”换算后再汇总（mark为该裁判分数）"
    if crit.get("max_spread") is not None:
        text += (f"；裁判间分差不得超过{n(crit['max_spread'])}分，超过时评分组须重新评分")
    if Decimal(str(crit.get("scale_min", 0))) != 0:
        text += f"；评分范围{n(crit['scale_min'])}~{n(crit.get('scale_max', crit['max']))}分"
    return text


def _tolerance(crit: dict) -> str:
    unit = crit.get("unit", "")
    nominal = Decimal(str(crit.get("nominal", 0)))
    lower, upper = Decimal(str(crit.get("lower", 0))), Decimal(str(crit.get("upper", 0)))
    places = max(_places(nominal), _places(lower), _places(upper))
    low, high = (_fixed(nominal + lower, places), _fixed(nominal + upper, places))
    if low == high:
        return f"实测值为{low}{unit}得满分"
    return f"实测值在{low}~{high}{unit}范围内得满分"


def _places(d: Decimal) -> int:
    return max(0, -d.normalize().as_tuple().exponent)


def _fixed(d: Decimal, places: int) -> str:
    """38 with 3 places -> 38.000 (as a drawing shows a toleranced size)."""
    return format(d.quantize(Decimal(1).scaleb(-places)), "f")


def _measured(crit: dict, components: dict) -> str:
    unit = crit.get("unit", "")
    outside = crit.get("outside", "zero")
    if outside == "bands":
        measures = crit.get("measures", [])
        bands = "；".join(f"{_band_condition(b, unit, measures)}得{n(b['points'])}分"
                         for b in crit["bands"])
        return f"按实测值分档评分（自上而下取第一个符合的档）：{bands}"
    text = _tolerance(crit) + "；"
    if outside == "zero":
        return text + "超差不得分"
    if outside == "per_unit":
        return text + (f"每超差{n(crit['unit_size'])}{unit}扣{n(crit['deduction'])}分"
                       f"（不足{n(crit['unit_size'])}{unit}按{n(crit['unit_size'])}{unit}计），"
                       "扣完为止")
    return text + f"超差部分按比例扣分，超差达{n(crit['falloff'])}{unit}及以上不得分"


def _band_condition(band: dict, unit: str, measures: list[dict]) -> str:
    """One band's condition; with several measures, one range per measure joined by 且."""
    when = band.get("when") or {}
    if not measures or not when:
        return band_range(band, unit)
    parts = [f"{m['name']}{band_range(when[m['id']], m.get('unit', unit))}"
             for m in measures if m["id"] in when]
    return "且".join(parts)


def band_range(band: dict, unit: str = "") -> str:
    """0~1mm, >1且≤2mm, ≥18个, <12个, =0mm, 其他."""
    lo, hi = band.get("from"), band.get("to")
    lo_in, hi_in = band.get("from_inclusive", True), band.get("to_inclusive", True)
    if lo is None and hi is None:
        return "其他情况"
    if lo is not None and hi is not None:
        if n(lo) == n(hi):
            return f"等于{n(lo)}{unit}"
        if lo_in and hi_in:
            return f"{n(lo)}~{n(hi)}{unit}"
        return f"{'≥' if lo_in else '>'}{n(lo)}且{'≤' if hi_in else '<'}{n(hi)}{unit}"
    if lo is not None:
        return f"{'≥' if lo_in else '>'}{n(lo)}{unit}"
    return f"{'≤' if hi_in else '<'}{n(hi)}{unit}"


def _checklist(crit: dict, components: dict) -> str:
    text = "按评分要点逐项判定，完成得该项分，未完成不得分"
    if crit.get("judges", 1) > 1:
        text += f"；{crit['judges']}名裁判中半数及以上认定完成即得分"
    return text


def _timed(crit: dict, components: dict) -> str:
    mode = crit.get("mode", "limit")
    if mode == "relative":
        return f"得分＝{n(crit['max'])}×最短用时÷本人用时（按有效用时计算）"
    if mode == "rank":
        return (f"按用时排名，用时最短者得{n(crit['max'])}分，名次每后一名减"
                f"{n(crit['per_place'])}分（用时相同名次并列），减完为止")
    if mode == "linear":
        return (f"用时不超过{duration(crit['limit'])}得满分，用时达到"
                f"{duration(crit['zero_at'])}得0分，其间按用时线性计分")
    per_minute = Decimal(str(crit.get("deduction_per_minute", 0)))
    unit = duration(crit.get("deduction_unit", 60))
    if Decimal(str(crit["max"])) == 0:
        text = (f"限时{duration(crit['limit'])}；超时每{unit}从{_component_name(crit, components)}"
                f"成绩中扣{n(per_minute)}分（不足{unit}按{unit}计）")
        if crit.get("cap") is not None:
            text += f"，最多扣{n(crit['cap'])}分"
        return text
    text = f"限时{duration(crit['limit'])}，在规定时间内完成得满分"
    if per_minute:
        text += f"；超时每{unit}扣{n(per_minute)}分（不足{unit}按{unit}计），扣完为止"
    if crit.get("hard_limit") is not None:
        over = Decimal(str(crit["hard_limit"])) - Decimal(str(crit["limit"]))
        result = {"zero": "本项不得分",
                  "component_zero": f"{_component_name(crit, components)}成绩记0分",
                  "disqualify": "取消比赛资格"}[crit.get("over_hard_limit", "zero")]
        text += f"；超时{duration(over)}停止操作，{result}"
    return text


def _count(crit: dict, components: dict) -> str:
    if crit.get("relative"):
        return f"得分＝{n(crit['max'])}×本人数量÷最高数量"
    base = Decimal(str(crit.get("base", 0)))
    ref = Decimal(str(crit.get("reference", 0)))
    per = Decimal(str(crit["per_unit"]))
    cap = crit.get("cap", crit["max"])
    floor = crit.get("floor", 0)
    below = Decimal(str(crit.get("per_unit_below", per)))
    each = crit.get("unit") or "个"
    if ref:
        return (f"以{n(ref)}{each}为基准得{n(base)}分，每多1{each}加{n(abs(per))}分，"
                f"每少1{each}扣{n(abs(below))}分；最高{n(cap)}分，最低{n(floor)}分")
    if per < 0:
        return f"基础分{n(base)}分，每出现1次（个）扣{n(-per)}分，扣完为止"
    start = f"基础分{n(base)}分，" if base else ""
    unit = crit.get("unit") or "个（件、处）"
    return f"{start}每1{unit}得{n(per)}分，最高{n(cap)}分"


def _given(crit: dict, components: dict) -> str:
    low, high = crit.get("min"), crit.get("max")
    bounds = ""
    if low is not None or high is not None:
        bounds = f"（{n(low) if low is not None else '不限'}~{n(high) if high is not None else '不限'}）"
    return f"按公布（录入）的成绩直接计分{bounds}{crit.get('unit', '')}"


def _adjustment(crit: dict, components: dict) -> str:
    return (f"由裁判长根据赛场情况调整，范围{n(crit['min'])}~+{n(crit['max'])}分，"
            "须书面说明理由，不计入配分")


def _deductions(crit: dict, components: dict) -> str:
    if Decimal(str(crit["max"])) > 0:
        return f"本项配分{n(crit['max'])}分，按下列情形扣分，扣完为止，不得负分"
    cap = f"，最多扣{n(crit['cap'])}分" if crit.get("cap") is not None else ""
    return f"按下列情形从{_component_name(crit, components)}成绩中扣分{cap}"


def violation_standard(v: dict, crit: dict, components: dict) -> str:
    """每次扣3分 / 一票否决：实际操作成绩记0分."""
    if v.get("veto"):
        return "一票否决：" + VETO_TEXT[v["veto"]].format(
            component=_component_name(crit, components))
    zeroes = v.get("zeroes")
    if zeroes:
        names = "、".join(components[r]["name"] if r in components else r for r in zeroes)
        points = f"扣{n(v['points'])}分，且" if v.get("points") else ""
        return f"{points}{names}成绩记0分"
    return f"每次扣{n(v['points'])}分"


def item_standard(item: dict) -> str:
    if item.get("step") is not None:
        return f"按完成情况评0~{n(item['points'])}分（以{n(item['step'])}分为单位）"
    return f"完成得{n(item['points'])}分，未完成不得分"


def _component_name(crit: dict, components: dict) -> str:
    comp = components.get(crit["component"])
    return comp["name"] if comp else crit["component"]


_STANDARD = {"judged": _judged, "measured": _measured, "checklist": _checklist,
             "timed": _timed, "count": _count, "adjustment": _adjustment,
             "deductions": _deductions, "given": _given}


def formula(data: dict) -> str:
    """总成绩＝理论知识×30%＋实际操作×70% (weighted) or 总成绩＝菜品质量＋… (sum)."""
    comps = data["components"]
    if data.get("scoring", {}).get("mode", "weighted") == "weighted":
        return "总成绩＝" + "＋".join(f"{c['name']}×{n(c['weight'])}%" for c in comps)
    return "总成绩＝" + "＋".join(
        f"{c['name']}×{n(Decimal(str(c['factor'])) * 100)}%" if c.get("factor") is not None
        else c["name"] for c in comps)


def scoring_line(data: dict) -> str:
    """计分办法：总成绩＝理论知识×30%＋实际操作×70%（满分100分），保留2位小数."""
    scoring = data.get("scoring", {})
    decimals = scoring.get("decimals", 2)
    if scoring.get("mode", "weighted") == "weighted":
        text = f"计分办法：{formula(data)}（各部分先折算为百分制，满分100分）"
    else:
        text = f"计分办法：{formula(data)}（各项得分直接相加）"
    if scoring.get("contribution_decimals") is not None:
        part = scoring.get("contribution_rounding") or scoring.get("rounding", "half_up")
        text += (f"，各部分折算分{'去尾' if part == 'down' else '四舍五入'}保留"
                 f"{scoring['contribution_decimals']}位小数后相加")
    total_rounding = scoring.get("total_rounding") or scoring.get("rounding", "half_up")
    text += f"，{'去尾' if total_rounding == 'down' else '四舍五入'}保留{decimals}位小数"
    if data["trade"].get("blind"):
        text += "；实行盲评，裁判只见抽签号（工位号）"
    return text


def tie_break_line(data: dict) -> str:
    """排名办法：总成绩高者名次在前；总成绩相同时，依次比较……"""
    comps = {c["id"]: c for c in data["components"]}
    comps.update({g["id"]: g for g in data.get("groups", [])})
    crits = {c["id"]: c for c in data["criteria"]}
    chain = data.get("scoring", {}).get("tie_break", [])
    by_lot = bool(chain) and chain[-1].strip() == "lot"
    parts = [_tie_text(t, comps, crits) for t in (chain[:-1] if by_lot else chain)]
    text = "排名办法：总成绩高者名次在前"
    if parts:
        text += "；总成绩相同时，依次比较：" + "、".join(parts)
    if by_lot:
        return text + "；仍相同者抽签决定名次（抽签种子记录备查）"
    if data.get("scoring", {}).get("rank_method") == "dense":
        return text + "；仍相同者名次并列，其后名次顺延一位"
    return text + "；仍相同者名次并列"


def _tie_text(spec: str, comps: dict, crits: dict) -> str:
    ref, _, direction = spec.partition(" ")
    high = direction.strip() == "desc"
    if ref == "deductions":
        return "扣分少者优先" if not high else "扣分多者优先"
    if ref == "total":
        return f"总成绩{'高' if high else '低'}者优先"
    if ref in comps:
        return f"{comps[ref]['name']}成绩{'高' if high else '低'}者优先"
    ref, _, attempt = ref.partition("@")
    crit_id, _, raw = ref.partition(".")
    crit = crits.get(crit_id, {"name": crit_id, "kind": ""})
    if attempt:
        which = "次好一次" if attempt == "second" else f"第{attempt}次"
        crit = {**crit, "name": f"{which}{crit['name']}"}
    if raw and crit["kind"] == "timed":
        return f"{crit['name']}用时{'长' if high else '短'}者优先"
    if raw:
        return f"{crit['name']}实测值{'大' if high else '小'}者优先"
    return f"{crit['name']}得分{'高' if high else '低'}者优先"


def _minima(minima: dict, data: dict) -> str:
    """理论不低于60分、实操不低于60分."""
    names = {c["id"]: c["name"] for c in data["components"]}
    names.update({g["id"]: g["name"] for g in data.get("groups", [])})
    return "、".join(f"{names.get(k, k)}不低于{n(v)}分" for k, v in minima.items())


def awards_line(data: dict) -> str:
    """奖项设置：一等奖1名（总成绩不低于80分）……；“县技术能手”：前3名且不低于85分."""
    awards = data.get("awards") or {}
    basis = awards.get("basis", "count")
    rounding = {"half_up": "四舍五入", "floor": "向下取整", "ceil": "向上取整"}[
        awards.get("percent_rounding", "half_up")]
    levels = []
    for lv in awards.get("levels", []):
        whom = "参赛人数" if awards.get("percent_of") == "entries" else "有效成绩人数"
        if lv.get("count") is None and lv.get("percent") is None:
            size = "（名额不限）" if lv.get("min_total") is not None else "（其余选手）"
        elif lv.get("count") is not None and (basis == "count" or lv.get("percent") is None):
            size = f"{lv['count']}名"
        elif awards.get("percent_cumulative"):
            size = f"至{whom}的前{n(lv['percent'])}%"
        else:
            size = f"取{whom}的{n(lv['percent'])}%"
        if lv.get("min_count") is not None:
            size += f"，至少{lv['min_count']}名"
        if lv.get("max_count") is not None:
            size += f"，至多{lv['max_count']}名"
        if lv.get("complete_only"):
            size += "，限成绩完整者"
        if lv.get("min_scores"):
            size += "，" + _minima(lv["min_scores"], data)
        floor = f"，总成绩不低于{n(lv['min_total'])}分" if lv.get("min_total") is not None else ""
        levels.append(f"{lv['name']}{size}（{floor.lstrip('，')}）" if floor else
                      f"{lv['name']}{size}")
    text = "奖项设置：" + ("、".join(levels) if levels else "无")
    if basis == "percent" and levels:
        text += f"（人数{rounding}）"
    text += "；达不到某奖项最低分者依次评定较低奖项"
    for t in awards.get("titles", []):
        floor = f"且总成绩不低于{n(t['min_total'])}分" if t.get("min_total") is not None else ""
        if t.get("min_scores"):
            floor += "且" + _minima(t["min_scores"], data)
        text += f"；前{t['top']}名{floor}者授予“{t['name']}”称号"
    return text
