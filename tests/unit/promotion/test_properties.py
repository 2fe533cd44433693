"""Properties of decide() over random standings, grades and policies."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from competition.promotion import FIVE_LEVEL, Finisher, decide, parse_policy

GRADES = [None, "L5", "L4", "L3", "L2", "L1"]
AWARDS = [None, "一等奖", "二等奖", "三等奖", "优秀奖"]
STATUSES = ["ok", "ok", "ok", "disqualified", "withdrawn", "vetoed"]


def policy_text(cap, steps, top, at_least):
    cap_line = f'max_grade = "{cap}"\n' if cap else ""
    cond = f'current_at_least = "{at_least}"\n' if at_least else ""
    return (f'version = 1\nname = "p"\n{cap_line}'
            f'[[rules]]\nkind = "award"\nawards = ["一等奖", "二等奖"]\nsteps = {steps}\n'
            f'[[rules]]\nkind = "rank"\ntop = {top}\nsteps = 1\n{cond}'
            f'[[rules]]\nkind = "pass"\ngrant = "L3"\n'
            f'pass_marks = {{ theory = 60, practical = 60 }}\n')


rows_strategy = st.lists(
    st.tuples(st.integers(1, 30), st.sampled_from(AWARDS), st.sampled_from(STATUSES),
              st.integers(0, 100), st.integers(0, 100), st.sampled_from(GRADES)),
    min_size=1, max_size=25)


@settings(max_examples=150, deadline=None)
@given(rows=rows_strategy, cap=st.sampled_from([None, "L4", "L3", "L2"]),
       steps=st.integers(1, 3), top=st.integers(1, 10),
       at_least=st.sampled_from([None, "L4", "L3"]))
def test_promotions_go_up_stay_under_the_cap_and_skip_the_excluded(rows, cap, steps, top,
                                                                   at_least):
    policy = parse_policy(policy_text(cap, steps, top, at_least))
    finishers = [Finisher(key=str(i), rank=None if status != "ok" else rank,
                          total=None if status != "ok" else Decimal(theory + practical) / 2,
                          components={"theory": Decimal(theory), "practical": Decimal(practical)},
                          award=award if status == "ok" else None, status=status)
                 for i, (rank, award, status, theory, practical, _) in enumerate(rows)]
    grades = {str(i): r[5] for i, r in enumerate(rows)}
    decisions = decide(FIVE_LEVEL, policy, finishers, grades)
    assert [d.key for d in decisions] == [f.key for f in finishers]
    for f, d in zip(finishers, decisions):
        assert d.reason
        if f.status != "ok":
            assert not d.promoted and d.code == f.status
        if d.promoted:
            assert FIVE_LEVEL.rank(d.to_grade) > FIVE_LEVEL.rank(d.from_grade)
            if cap:
                assert FIVE_LEVEL.rank(d.to_grade) <= FIVE_LEVEL.rank(cap)
            assert d.basis in ("by_award", "by_rank", "by_pass")
        else:
            assert d.to_grade is None
