"""Properties that hold for any marks (hypothesis)."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import AGGREGATES, MarkIn, compute_standings

from .helpers import crit, rule

MIXED = rule(
    crit("mean", "judged", 'judges = 3\nmax = 10\nstep = 0.5', component="p")
    + crit("trim", "judged", 'judges = 5\nmax = 20\nscale_max = 10\nstep = 0.5\n'
                             'aggregate = "trimmed_mean"\ntrim = 1', component="p")
    + crit("med", "judged", 'judges = 3\nmax = 10\naggregate = "median"', component="p")
    + crit("tsum", "judged", 'judges = 4\nmax = 5\naggregate = "trimmed_sum"\ntrim = 1',
           component="p")
    + crit("list", "checklist", 'max = 6\njudges = 2\nitems = [ { id = "a", name = "A", '
                                'points = 2 }, { id = "b", name = "B", points = 4 } ]',
           component="p")
    + crit("pieces", "count", "max = 20\nper_unit = 0.5", component="p")
    + crit("adj", "adjustment", "min = -5\nmax = 5", component="p")
    + crit("exam", "judged", "max = 100\nstep = 0.01", component="t"),
    mode="weighted",
    components=('[[components]]\nid = "t"\nname = "T"\nweight = 30\nmax = 100\n'
                '[[components]]\nid = "p"\nname = "P"\nweight = 70\nmax = 76\n'),
    scoring='tie_break = ["p desc", "exam desc"]',
    awards='[awards]\nlevels = [ { name = "A", count = 2, min_total = 50 }, '
           '{ name = "B", count = 3, min_total = 30 }, { name = "C", count = 4 } ]',
)

# (address, judges, the values a mark may take)
HALF = [Decimal(n) / 2 for n in range(0, 21)]
SLOTS = [
    ("mean", 3, HALF), ("trim", 5, HALF), ("med", 3, [Decimal(n) for n in range(11)]),
    ("tsum", 4, [Decimal(n) for n in range(6)]), ("list.a", 2, [Decimal(0), Decimal(1)]),
    ("list.b", 2, [Decimal(0), Decimal(1)]), ("pieces", 1, [Decimal(n) for n in range(50)]),
    ("adj", 1, [Decimal(n) / 2 for n in range(-10, 11)]),
    ("exam", 1, [Decimal(n) / 4 for n in range(401)]),
]


@st.composite
def entry_marks(draw, entry="e1"):
    """Some (not necessarily all) marks of one entry, one per judge per slot."""
    out = []
    for address, judges, values in SLOTS:
        for j in range(judges):
            if draw(st.booleans()) or draw(st.booleans()):
                out.append(MarkIn(entry, address, draw(st.sampled_from(values)), f"j{j}"))
    return out


@settings(max_examples=150, deadline=None)
@given(entry_marks(), st.data())
def test_a_higher_mark_never_lowers_the_total(marks, data):
    if not marks:
        return
    i = data.draw(st.integers(0, len(marks) - 1))
    mark = marks[i]
    values = next(v for a, _, v in SLOTS if a == mark.criterion)
    higher = data.draw(st.sampled_from([v for v in values if v >= mark.value]))
    raised = marks[:i] + [MarkIn(mark.entry, mark.criterion, higher, mark.judge)] + marks[i + 1:]
    before = compute_standings(MIXED, marks).row("e1").total
    after = compute_standings(MIXED, raised).row("e1").total
    assert after >= before


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=9),
       st.integers(0, 3))
def test_trimmed_mean_lies_between_min_and_max(values, trim):
    for name in ("trimmed_mean", "mean", "median"):
        assert min(values) <= AGGREGATES[name](values, trim) <= max(values)


@st.composite
def field(draw):
    n = draw(st.integers(1, 12))
    marks = []
    for k in range(n):
        marks += draw(entry_marks(entry=f"e{k:02d}"))
    dq = draw(st.lists(st.sampled_from([f"e{k:02d}" for k in range(n)]), max_size=2))
    return [f"e{k:02d}" for k in range(n)], marks, dq


def full_key(row):
    return (-row.total, -row.components["p"], -row.criteria["exam"])


@settings(max_examples=150, deadline=None)
@given(field())
def test_ranking_is_a_permutation_consistent_with_totals_and_tie_breaks(case):
    entries, marks, dq = case
    rows = compute_standings(MIXED, marks, entries=entries, disqualified=dq).rows
    assert sorted(r.entry for r in rows) == sorted(entries)
    ranked = [r for r in rows if r.rank is not None]
    assert all(r.status == "ok" for r in ranked)
    assert all(r.rank is None for r in rows[len(ranked):])
    for row in ranked:
        # standard competition ranking: 1 + the number of entries strictly better
        assert row.rank == 1 + sum(1 for o in ranked if full_key(o) < full_key(row))
    for a, b in zip(ranked, ranked[1:]):
        assert full_key(a) <= full_key(b) and a.rank <= b.rank
        assert (a.rank == b.rank) == (full_key(a) == full_key(b))


LEVEL = {"A": 0, "B": 1, "C": 2, None: 3}


@settings(max_examples=100, deadline=None)
@given(field())
def test_a_better_place_never_gets_a_lower_award(case):
    entries, marks, dq = case
    ranked = [r for r in compute_standings(MIXED, marks, entries, dq).rows if r.rank]
    for a, b in zip(ranked, ranked[1:]):
        assert LEVEL[a.award] <= LEVEL[b.award]
    assert all(r.award is None for r in ranked if r.rank > 9)
