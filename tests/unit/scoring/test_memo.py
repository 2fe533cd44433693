"""The memo of scored entries never changes a result: warm == cold, for any marks."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import MarkIn, compute_standings
from competition.scoring.compiled import compile_rule

from .helpers import crit, marks, rule

RUN = 'attempts = 2\nattempt_group = "run"'
R = rule(crit("art", "judged", "judges = 2\nmax = 10\nstep = 0.5")
         + crit("slalom", "timed", f'mode = "relative"\nmax = 25\n{RUN}')
         + crit("poles", "count", f"max = 15\nbase = 15\nper_unit = -3\n{RUN}")
         + crit("sprint", "timed", 'mode = "relative"\nmax = 10')
         + crit("safety", "deductions", 'max = 5\nviolations = [ { code = "v", name = "V", '
                                        'points = 2 }, { code = "x", name = "X", '
                                        'veto = "disqualify" } ]'),
         scoring='tie_break = ["slalom.raw asc"]')

MARK = st.one_of(
    st.tuples(st.just("art"), st.sampled_from([Decimal(n) / 2 for n in range(21)]),
              st.sampled_from(["j1", "j2"]), st.just(1)),
    st.tuples(st.just("slalom"), st.integers(60, 120).map(str), st.none(), st.integers(1, 2)),
    st.tuples(st.just("poles"), st.integers(0, 6).map(str), st.none(), st.integers(1, 2)),
    st.tuples(st.just("sprint"), st.integers(10, 20).map(str), st.none(), st.just(1)),
    st.tuples(st.just("safety"), st.sampled_from(["v", "x"]), st.just("j1"), st.just(1)),
)
FIELD = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), MARK), max_size=30)


def as_marks(field):
    return [MarkIn(e, address, value, judge, attempt)
            for e, (address, value, judge, attempt) in field]


@settings(max_examples=200, deadline=None)
@given(FIELD)
def test_a_warm_computation_equals_a_cold_one(field):
    ms = as_marks(field)
    warm = compute_standings(R, ms, entries=["a", "b"]).to_dict()
    compile_rule(R).memos.clear()
    cold = compute_standings(R, ms, entries=["a", "b"]).to_dict()
    assert warm == cold


def test_a_changed_mark_changes_the_result_and_the_old_one_comes_back():
    before = [("a", "art", "5", "j1"), ("a", "art", "6", "j2")]
    after = [("a", "art", "5", "j1"), ("a", "art", "9", "j2")]
    r = rule(crit("art", "judged", "judges = 2\nmax = 10"))
    assert compute_standings(r, marks(*before)).row("a").total == Decimal("5.50")
    assert compute_standings(r, marks(*after)).row("a").total == Decimal("7.00")
    assert compute_standings(r, marks(*before)).row("a").total == Decimal("5.50")


def test_rows_returned_are_not_shared_with_the_memo():
    r = rule(crit("art", "judged", "max = 10"))
    first = compute_standings(r, marks(("a", "art", "5")))
    first.rows[0].criteria["art"] = Decimal("99")
    first.rows[0].components.clear()
    again = compute_standings(r, marks(("a", "art", "5")))
    assert again.row("a").criteria == {"art": Decimal("5.00")}
    assert again.row("a").components == {"c": Decimal("5.00")}


def test_the_memo_stays_bounded():
    r = rule(crit("art", "judged", "max = 100\nstep = 0.01"))
    for n in range(300):
        compute_standings(r, marks(("a", "art", str(n)), ("b", "art", "1")))
    assert len(compile_rule(r).memos["entries"]) <= 4 * 2 + 64
