"""The criterion kinds of a rule file (one pydantic model per kind) and the shared base.

Split from model.py; model.py re-exports everything here.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", min_length=1, max_length=40)]
Veto = Literal["component_zero", "total_zero", "disqualify"]
# Rounding of a value to its decimals: half_up (四舍五入, the default) or down (去尾: the
# digits beyond are dropped, towards zero).
Rounding = Literal["half_up", "down"]
KINDS = ("judged", "measured", "checklist", "timed", "count", "adjustment", "deductions",
         "given")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Criterion(_Model):
    id: Id
    component: str
    name: str = Field(min_length=1)
    name_en: str = ""
    note: str = ""
    max: Decimal = Field(ge=0)
    factor: Decimal = Field(Decimal(1), gt=0)
    decimals: int | None = Field(None, ge=0, le=6)
    attempts: int = Field(1, ge=1, le=20)
    attempt_aggregate: Literal["best", "sum", "mean", "last"] = "best"
    attempt_group: Id | None = None   # criteria of one group count the same attempt (a run)
    blind: bool | None = None
    rounding: Rounding | None = None  # overrides scoring.criterion_rounding

    def effective_max(self) -> Decimal:
        """The most this criterion can add to its component (attempts and factor applied)."""
        times = self.attempts if self.attempt_aggregate == "sum" else 1
        return self.max * self.factor * times


class Difficulty(_Model):
    min: Decimal = Field(gt=0)
    max: Decimal = Field(gt=0)
    step: Decimal | None = Field(None, gt=0)
    cap: bool = False   # true: points never exceed the criterion's max (max counts once)


class Declared(_Model):
    """A value declared per entry and attempt (not per judge), e.g. a restart (0/1) or an
    element's base value, addressed `crit@<id>`, usable by name in `transform`."""
    id: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    min: Decimal
    max: Decimal
    step: Decimal | None = Field(None, gt=0)
    default: Decimal | None = None   # a value not declared counts as this (else min, incomplete)


class Judged(_Criterion):
    kind: Literal["judged"]
    judges: int = Field(1, ge=1, le=15)
    scale_max: Decimal | None = Field(None, gt=0)
    scale_min: Decimal = Decimal(0)   # marks are entered on [scale_min, scale_max]
    step: Decimal | None = Field(None, gt=0)
    aggregate: Literal["mean", "trimmed_mean", "median", "trimmed_sum"] = "mean"
    trim: int = Field(0, ge=0)
    discrepancy: Decimal | None = Field(None, gt=0)
    difficulty: Difficulty | None = None
    aggregate_decimals: int | None = Field(None, ge=0, le=6)   # round the judges' mean first
    declared: list[Declared] = []
    # each judge's mark -> this formula (rules/expr.py) before aggregation
    transform: str | None = Field(None, min_length=1)
    # WorldSkills judgement marks: the marks must lie within this of each other (else re-mark)
    max_spread: Decimal | None = Field(None, gt=0)

    @property
    def scale(self) -> Decimal:
        return self.scale_max if self.scale_max is not None else self.max

    def formula_names(self) -> dict[str, tuple[Decimal, Decimal]]:
        """The names a transform may use, with their ranges."""
        names = {"mark": (self.scale_min, self.scale)}
        if self.difficulty is not None:
            names["difficulty"] = (self.difficulty.min, self.difficulty.max)
        names.update({d.id: (d.min, d.max) for d in self.declared})
        return names

    def mark_range(self) -> tuple[Decimal, Decimal] | None:
        """(lowest, highest) a judge's mark can count after the transform; None when the
        transform cannot be bounded or does not compile (the checks report it)."""
        if self.transform is None:
            return self.scale_min, self.scale
        from .expr import FormulaError, compile_formula
        names = self.formula_names()
        try:
            return compile_formula(self.transform, set(names)).bounds(names)
        except FormulaError:
            return None

    def effective_max(self) -> Decimal:
        base = super().effective_max()
        if self.transform is not None:
            got = self.mark_range()
            base = base * (got[1] if got else self.scale) / self.scale
        if self.aggregate == "trimmed_sum":
            base *= self.judges - 2 * self.trim
        if self.difficulty is None or self.difficulty.cap:
            return base
        return base * self.difficulty.max


class Range(_Model):
    from_: Decimal | None = Field(None, alias="from")
    to: Decimal | None = None
    from_inclusive: bool = True
    to_inclusive: bool = True

    def contains(self, value: Decimal) -> bool:
        if self.from_ is not None:
            if value < self.from_ or (value == self.from_ and not self.from_inclusive):
                return False
        if self.to is not None:
            if value > self.to or (value == self.to and not self.to_inclusive):
                return False
        return True


class Band(Range):
    """A value range -> points; with several measures, `when` gives a range per measure."""
    points: Decimal = Field(ge=0)
    when: dict[str, Range] = {}


class Measure(_Model):
    id: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    unit: str = ""


class Measured(_Criterion):
    kind: Literal["measured"]
    unit: str = ""
    nominal: Decimal | None = None
    lower: Decimal = Decimal(0)
    upper: Decimal = Decimal(0)
    outside: Literal["zero", "per_unit", "linear", "bands"] = "zero"
    unit_size: Decimal | None = Field(None, gt=0)
    deduction: Decimal | None = Field(None, gt=0)
    falloff: Decimal | None = Field(None, gt=0)
    bands: list[Band] = []
    step: Decimal | None = Field(None, gt=0)
    measures: list[Measure] = []   # several values per entry ("crit.depth", "crit.length")

    def measure_ids(self) -> list[str]:
        return [m.id for m in self.measures]


class Item(_Model):
    id: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    points: Decimal = Field(gt=0)
    step: Decimal | None = Field(None, gt=0)   # partial credit: 0..points on this step

    @property
    def partial(self) -> bool:
        return self.step is not None


class Checklist(_Criterion):
    kind: Literal["checklist"]
    judges: int = Field(1, ge=1, le=15)
    items: list[Item] = Field(min_length=1)


class Timed(_Criterion):
    kind: Literal["timed"]
    # limit: full points up to `limit`, then deductions; relative: max x fastest / own;
    # linear: full points up to `limit`, falling linearly to 0 at `zero_at`;
    # rank: by time among the entries: the fastest max, each place below `per_place` less
    mode: Literal["limit", "relative", "linear", "rank"] = "limit"
    limit: Decimal | None = Field(None, gt=0)
    deduction_per_minute: Decimal = Field(Decimal(0), ge=0)
    hard_limit: Decimal | None = Field(None, gt=0)
    over_hard_limit: Literal["zero", "component_zero", "disqualify"] = "zero"
    deduction_unit: Decimal = Field(Decimal(60), gt=0)   # seconds per deduction step
    zero_at: Decimal | None = Field(None, gt=0)   # linear: 0 points at this time
    per_place: Decimal | None = Field(None, gt=0)  # rank: points lost per place
    cap: Decimal | None = Field(None, gt=0)       # max = 0 (a penalty only): at most this

    @property
    def penalty_only(self) -> bool:
        """max = 0 in limit mode: overtime subtracts from the component (超时扣分)."""
        return self.max == 0 and self.mode == "limit"


class Count(_Criterion):
    kind: Literal["count"]
    base: Decimal = Decimal(0)
    reference: Decimal = Decimal(0)
    per_unit: Decimal | None = None   # required unless relative
    per_unit_below: Decimal | None = None   # below the reference (default: per_unit)
    floor: Decimal = Decimal(0)
    cap: Decimal | None = None
    step: Decimal | None = Field(None, gt=0)
    # points = max x own / the best count among the entries (产量分 = 本人产量 ÷ 最高产量 ×
    # 满分); base, reference, per_unit, floor and cap do not apply
    relative: bool = False
    unit: str = ""   # pieces, words per minute, metres: shown with the input


class Adjustment(_Criterion):
    kind: Literal["adjustment"]
    min: Decimal = Field(le=0)
    step: Decimal | None = Field(None, gt=0)

    def effective_max(self) -> Decimal:
        return Decimal(0)   # not part of a component's max


class Given(_Criterion):
    """A value as published elsewhere (a theory exam system's score, a published technical
    score): points = the value x factor; optional bounds, no invented maximum."""
    kind: Literal["given"]
    max: Decimal | None = None      # optional upper bound of the value
    min: Decimal | None = None      # optional lower bound of the value
    step: Decimal | None = Field(None, gt=0)
    unit: str = ""

    def effective_max(self) -> Decimal | None:
        """None: no maximum (the component then has none unless it gives one)."""
        if self.max is None:
            return None
        times = self.attempts if self.attempt_aggregate == "sum" else 1
        return self.max * self.factor * times


class Violation(_Model):
    code: Id
    name: str = Field(min_length=1)
    name_en: str = ""
    points: Decimal = Field(Decimal(0), ge=0)
    veto: Veto | None = None
    zeroes: list[str] = []   # criterion, component or group ids whose score becomes 0
    veto_from: int = Field(1, ge=1)   # the veto/zeroes apply from this many occurrences


class Deductions(_Criterion):
    kind: Literal["deductions"]
    cap: Decimal | None = Field(None, ge=0)
    violations: list[Violation] = Field(min_length=1)

    def violation(self, code: str) -> Violation | None:
        return next((v for v in self.violations if v.code == code), None)


Criterion = Annotated[Union[Judged, Measured, Checklist, Timed, Count, Adjustment,
                            Deductions, Given], Field(discriminator="kind")]


