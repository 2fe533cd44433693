"""The overall ranking of a two-stage trade: the final first, then the preliminary's
eliminated contestants by their preliminary results (worked by hand in each test)."""
from hypothesis import given
from hypothesis import strategies as st

from competition.stages_overall import OverallPlace, StagePlace, overall_ranking


def ranks(places):
    return [(p.key, p.rank) for p in places]


def test_the_final_ranking_comes_first_then_the_eliminated_by_preliminary_rank():
    # preliminary: a 1, b 2, c 3, d 4, e 5; a, b, c advance; final: c 1, a 2, b 3
    prelim = [StagePlace(k, r) for r, k in enumerate("abcde", start=1)]
    final = [StagePlace("c", 1), StagePlace("a", 2), StagePlace("b", 3)]
    out = overall_ranking([prelim, final])
    assert ranks(out) == [("c", 1), ("a", 2), ("b", 3), ("d", 4), ("e", 5)]
    assert [p.eliminated for p in out] == [False, False, False, True, True]
    assert [p.stage for p in out] == [1, 1, 1, 0, 0]


def test_ties_stay_ties_in_both_parts():
    # final: x 1, y 1, z 3; eliminated in the preliminary with ranks 4, 5, 5, 7 -> 4, 5, 5, 7
    prelim = [StagePlace("x", 1), StagePlace("y", 2), StagePlace("z", 2),
              StagePlace("p", 4), StagePlace("q", 5), StagePlace("r", 5), StagePlace("s", 7)]
    final = [StagePlace("x", 1), StagePlace("y", 1), StagePlace("z", 3)]
    assert ranks(overall_ranking([prelim, final])) == [
        ("x", 1), ("y", 1), ("z", 3), ("p", 4), ("q", 5), ("r", 5), ("s", 7)]


def test_a_finalist_without_a_final_result_is_unranked_but_keeps_a_finalists_place():
    # b qualified but was absent in the final: no rank, listed after a, and the best
    # eliminated contestant c is 3rd (two finalists ahead); d was disqualified earlier
    prelim = [StagePlace("a", 1), StagePlace("b", 2), StagePlace("c", 3),
              StagePlace("d", None, "disqualified")]
    final = [StagePlace("a", 1), StagePlace("b", None, "absent")]
    out = overall_ranking([prelim, final])
    assert ranks(out) == [("a", 1), ("b", None), ("c", 3), ("d", None)]
    assert out[1] == OverallPlace("b", None, 1, False, "absent")
    assert out[3] == OverallPlace("d", None, 0, True, "disqualified")


def test_before_the_final_is_scored_the_finalists_still_come_first():
    prelim = [StagePlace(k, r) for r, k in enumerate("abcd", start=1)]
    final = [StagePlace("a", None, "absent"), StagePlace("b", None, "absent")]
    assert ranks(overall_ranking([prelim, final])) == [
        ("a", None), ("b", None), ("c", 3), ("d", 4)]


def test_one_stage_is_its_own_ranking():
    places = [StagePlace("a", 2), StagePlace("b", 1), StagePlace("c", None, "absent")]
    assert ranks(overall_ranking([places])) == [("b", 1), ("a", 2), ("c", None)]
    assert overall_ranking([]) == []


def test_three_stages_eliminate_latest_first():
    s1 = [StagePlace(k, r) for r, k in enumerate("abcdef", start=1)]
    s2 = [StagePlace(k, r) for r, k in enumerate("dcba", start=1)]
    s3 = [StagePlace("b", 1), StagePlace("d", 2)]
    # final b, d; then s2's eliminated c (2), a (4); then s1's e (5), f (6)
    assert ranks(overall_ranking([s1, s2, s3])) == [
        ("b", 1), ("d", 2), ("c", 3), ("a", 4), ("e", 5), ("f", 6)]


@given(st.lists(st.one_of(st.none(), st.integers(1, 8)), min_size=1, max_size=20),
       st.integers(0, 20))
def test_everyone_is_listed_once_and_finalists_never_rank_below_the_eliminated(prelim_ranks,
                                                                              cut):
    prelim = [StagePlace(i, r) for i, r in enumerate(prelim_ranks)]
    finalists = [p.key for p in sorted(prelim, key=lambda p: (p.rank is None, p.rank or 0))
                 if p.rank is not None][:cut]
    final = [StagePlace(k, n + 1) for n, k in enumerate(reversed(finalists))]
    out = overall_ranking([prelim, final])
    assert sorted(p.key for p in out) == list(range(len(prelim)))
    got = [p.rank for p in out if p.rank is not None]
    assert got == sorted(got)
    # every finalist is listed before every eliminated contestant, whose ranks come after
    # all the finalists' places
    assert [p.eliminated for p in out] == sorted(p.eliminated for p in out)
    assert all(p.rank > len(final) for p in out if p.eliminated and p.rank)
