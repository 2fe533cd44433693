"""A promotion policy (晋级办法) as typed objects, validated with pydantic.

The TOML layout is documented in competition/promotion_policies/README.md. Grade names in a
policy may be written as codes ("L3") or as people write them ("高级工", "三级/高级工"); they
are normalised to codes on the policy's ladder. Per-trade sections ([trades.<code>]) replace
the fields they name; ``rules`` given there replaces the whole rule list.
Pure: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .ladder import GradeError, Ladder, get_ladder

EXCLUSIONS = ("disqualified", "withdrawn", "vetoed")
Exclusion = Literal["disqualified", "withdrawn", "vetoed"]


def N_(msgid: str) -> str:
    """Marks an English msgid for translation; the web layer translates (the core has no
    Flask). Problems keep their English ``message`` for the CLI and the logs."""
    return msgid


class PolicyValueError(ValueError):
    """Raised by the policy's validators: English text, plus the msgid and params."""

    def __init__(self, english: str, msgid: str, **params):
        super().__init__(english)
        self.msgid, self.params = msgid, params


def _allowed_grades(ladder: Ladder) -> str:
    return "、".join(g.label for g in ladder.grades)


def _grade(value: object, info: ValidationInfo) -> str | None:
    """Normalise a grade spelling to a code on the ladder given in the validation context."""
    if value is None:
        return None
    ladder: Ladder = (info.context or {}).get("ladder") or get_ladder(None)
    if not isinstance(value, str):
        raise PolicyValueError(
            "must be a grade name such as \"高级工\" or a code such as \"L3\"",
            N_('must be a grade in double quotes, such as "三级/高级工", "高级工" or "L3" '
               "(typed: %(value)s); the grades: %(allowed)s"),
            value=str(value), allowed=_allowed_grades(ladder))
    try:
        code = ladder.parse(value)
    except GradeError as exc:
        try:
            get_ladder("eight").parse(value)
            msgid = N_('"%(value)s" is not on the %(ladder)s ladder of this policy; its '
                       "grades: %(allowed)s")
        except GradeError:
            msgid = N_('"%(value)s" is not a skill grade; the grades: %(allowed)s')
        raise PolicyValueError(str(exc), msgid, value=value,
                               ladder="五级" if ladder.code == "five" else "八级",
                               allowed=_allowed_grades(ladder)) from None
    if code is None:
        raise PolicyValueError(f"'{value}' names no grade",
                               N_('"%(value)s" names no grade; the grades: %(allowed)s'),
                               value=value, allowed=_allowed_grades(ladder))
    return code


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _RuleBase(_Strict):
    """Conditions every rule may carry, and what it grants: ``steps`` up or a ``grant``."""
    label: str = ""                                   # optional words for the reason
    steps: int | None = Field(default=None, ge=1, le=8)
    grant: str | None = None
    current_at_least: str | None = None               # e.g. "高级工": only holders of it
    current_at_most: str | None = None
    min_total: Decimal | None = Field(default=None, ge=0)

    normalise_grades = field_validator("grant", "current_at_least", "current_at_most",
                              mode="before")(_grade)

    @model_validator(mode="after")
    def _steps_or_grant(self):
        if (self.steps is None) == (self.grant is None):
            raise PolicyValueError(
                "give exactly one of 'steps' (grades up) or 'grant' (a grade)",
                N_("give exactly one of steps (how many grades up) or grant (the grade to "
                   'certify, such as "三级/高级工")'))
        return self


class AwardRule(_RuleBase):
    """Holders of one of ``awards`` (award names of the standings) are promoted."""
    kind: Literal["award"]
    awards: list[str] = Field(min_length=1)


class RankRule(_RuleBase):
    """The top N (or top X% of ranked finishers) are promoted; ties at the boundary all are."""
    kind: Literal["rank"]
    top: int | None = Field(default=None, ge=1)
    top_percent: Decimal | None = Field(default=None, gt=0, le=100)
    percent_rounding: Literal["half_up", "floor", "ceil"] = "half_up"

    @model_validator(mode="after")
    def _top_or_percent(self):
        if (self.top is None) == (self.top_percent is None):
            raise PolicyValueError(
                "give exactly one of 'top' or 'top_percent'",
                N_("give exactly one of top (the first N places) or top_percent (the first "
                   "X per cent of the ranked finishers)"))
        return self


class PassRule(_RuleBase):
    """以赛代评: every component at or above its pass mark certifies ``grant``."""
    kind: Literal["pass"]
    pass_marks: dict[str, Decimal] = Field(min_length=1)  # component id -> pass mark

    @model_validator(mode="after")
    def _needs_grant(self):
        if self.grant is None or self.steps is not None:
            raise PolicyValueError(
                "a pass rule certifies a target level: give 'grant', not 'steps'",
                N_('a pass rule certifies a level: give grant (such as grant = "三级/高级工"), '
                   "not steps"))
        return self


Rule = Annotated[Union[AwardRule, RankRule, PassRule], Field(discriminator="kind")]


class TradeOverride(_Strict):
    """Fields of a [trades.<code>] section; each one given replaces the policy's."""
    max_grade: str | None = None
    max_steps: int | None = Field(default=None, ge=1)
    exclude: list[Exclusion] | None = None
    team_members: bool | None = None
    rules: list[Rule] | None = None

    normalise_grades = field_validator("max_grade", mode="before")(_grade)


class Policy(_Strict):
    version: Literal[1]
    name: str = Field(min_length=1)
    ladder: Literal["five", "eight"] = "five"
    max_grade: str | None = None        # the highest grade this event may grant (cap)
    max_steps: int | None = Field(default=None, ge=1)  # at most this many grades at once
    one_per_person: bool = True         # at most one promotion per person per event
    one_per_year: bool = True           # ... and per calendar year across competitions
    team_members: bool = True           # a team entry's result counts for each member
    exclude: list[Exclusion] = Field(default_factory=lambda: list(EXCLUSIONS))
    rules: list[Rule] = Field(min_length=1)
    trades: dict[str, TradeOverride] = Field(default_factory=dict)

    normalise_grades = field_validator("max_grade", mode="before")(_grade)

    def for_trade(self, trade_code: str | None) -> "TradePolicy":
        """The effective policy of one trade: the policy with that trade's overrides."""
        o = self.trades.get(trade_code or "")
        def pick(name):
            return getattr(o, name) if o is not None and name in o.model_fields_set \
                else getattr(self, name)
        return TradePolicy(
            name=self.name, ladder=get_ladder(self.ladder), trade=trade_code,
            max_grade=pick("max_grade"), max_steps=pick("max_steps"),
            one_per_person=self.one_per_person, exclude=tuple(pick("exclude")),
            rules=tuple(pick("rules")), one_per_year=self.one_per_year,
            team_members=pick("team_members"))


@dataclass(frozen=True)
class TradePolicy:
    """What decide() needs: the rules and limits that apply to one trade."""
    name: str
    ladder: Ladder
    trade: str | None
    max_grade: str | None
    max_steps: int | None
    one_per_person: bool
    exclude: tuple[str, ...]
    rules: tuple[AwardRule | RankRule | PassRule, ...]
    one_per_year: bool = True
    team_members: bool = True


def describe(policy: TradePolicy, component_names: dict[str, str] | None = None) -> list[str]:
    """The policy in Chinese words, one line per rule or limit, for the organiser's page
    and the printed list: "一等奖：晋升1级", "前3名（现有等级不低于三级/高级工）：晋升1级"..."""
    lad = policy.ladder
    names = {"theory": "理论", "practical": "实操", **(component_names or {})}
    lines = []
    for rule in policy.rules:
        if rule.kind == "award":
            what = "、".join(rule.awards)
        elif rule.kind == "rank":
            what = f"前{rule.top}名" if rule.top is not None else f"前{rule.top_percent}%"
        else:
            marks = "、".join(f"{names.get(cid, cid)}≥{mark}分"
                             for cid, mark in rule.pass_marks.items())
            what = f"以赛代评（{marks}）"
        cond = []
        if rule.current_at_least:
            cond.append(f"现有等级不低于{lad.label(rule.current_at_least)}")
        if rule.current_at_most:
            cond.append(f"现有等级不高于{lad.label(rule.current_at_most)}")
        if rule.min_total is not None:
            cond.append(f"总分不低于{rule.min_total}分")
        grant = (f"晋升{rule.steps}级" if rule.steps is not None
                 else f"认定为{lad.label(rule.grant)}")
        lines.append(f"{what}{'（' + '，'.join(cond) + '）' if cond else ''}：{grant}")
    if policy.max_grade:
        lines.append(f"本次大赛最高可授予{lad.label(policy.max_grade)}")
    if policy.max_steps:
        lines.append(f"每次最多晋升{policy.max_steps}级")
    if policy.one_per_person:
        lines.append("每人每届限晋级一次")
    if policy.one_per_year:
        lines.append("每人每年限晋级一次（含本年度其他赛事）")
    if not policy.team_members:
        lines.append("团体成绩不计入成员个人晋级")
    return lines


@dataclass(frozen=True)
class Mismatch:
    """A part of a trade's policy that cannot match the trade's scoring rule: ``str()``
    is the English `field: message`; ``msgid`` and ``params`` for the web layer."""
    field: str
    message: str
    msgid: str
    params: dict

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def mismatch_notes(policy: TradePolicy, award_names: list[str],
                   component_ids: list[str]) -> list[Mismatch]:
    """What in a trade's policy cannot match that trade's scoring rule: award names it does
    not award, pass marks for components it does not have. Such a rule would silently
    promote no one, so the organiser is told."""
    out = []
    awards, comps = "、".join(award_names) or "无", "、".join(component_ids)
    for i, rule in enumerate(policy.rules, start=1):
        if rule.kind == "award":
            for name in rule.awards:
                if name not in award_names:
                    out.append(Mismatch(
                        f"rules[#{i}]", f"'{name}' is not an award of this trade "
                        f"(its awards: {', '.join(award_names) or 'none'})",
                        N_('"%(award)s" is not an award of this trade, so this rule '
                           "promotes no one; its awards: %(awards)s"),
                        {"award": name, "awards": awards}))
        elif rule.kind == "pass":
            for cid in rule.pass_marks:
                if cid not in component_ids:
                    out.append(Mismatch(
                        f"rules[#{i}].pass_marks.{cid}", f"this trade has no component "
                        f"'{cid}' (its components: {', '.join(component_ids)})",
                        N_('this trade has no component "%(component)s", so this rule '
                           "promotes no one; its components: %(components)s"),
                        {"component": cid, "components": comps}))
    return out


def mismatches(policy: TradePolicy, award_names: list[str],
               component_ids: list[str]) -> list[str]:
    """mismatch_notes() as English lines."""
    return [str(m) for m in mismatch_notes(policy, award_names, component_ids)]
