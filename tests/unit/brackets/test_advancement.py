"""Advancement: top N, top X%, and a tie at the cut-off."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.brackets import AdvancementError, Ranked, advance, quota_for

# A preliminary of 10: ranks after the rule's tie-break chain. 4th place is shared by three
# (ranks 1, 2, 3, 4, 4, 4, 7, 8, 9) and one entrant was disqualified (no rank).
STAGE = [Ranked("a", 1), Ranked("b", 2), Ranked("c", 3), Ranked("d", 4), Ranked("e", 4),
         Ranked("f", 4), Ranked("g", 7), Ranked("h", 8), Ranked("i", 9), Ranked("dq", None)]


def test_top_n_without_a_tie_at_the_cut():
    result = advance(STAGE, top_n=3)
    assert result.advancing == ["a", "b", "c"] and not result.tie_at_cut
    assert "dq" in result.not_advancing


def test_a_tie_across_the_cut_includes_all_of_the_tied_by_default():
    # top 5: places 4-6 are tied, the cut falls between them -> all three go, 6 advance
    result = advance(STAGE, top_n=5)
    assert result.advancing == ["a", "b", "c", "d", "e", "f"]
    assert result.tied_at_cut == ["d", "e", "f"] and result.tie_rule == "include"


def test_a_tie_across_the_cut_can_exclude_all_of_the_tied():
    result = advance(STAGE, top_n=5, ties="exclude")
    assert result.advancing == ["a", "b", "c"]
    assert result.not_advancing[:3] == ["d", "e", "f"]


def test_an_extra_key_settles_the_tie_at_the_cut():
    # the chief judge's lot among d, e, f: f 1st, d 2nd, e 3rd -> f and d take places 4 and 5
    stage = [s if s.key not in "def" else Ranked(s.key, s.rank, ({"f": 1, "d": 2, "e": 3}[s.key],))
             for s in STAGE]
    result = advance(stage, top_n=5)
    assert result.advancing == ["a", "b", "c", "f", "d"]
    assert result.resolved_by_extra_key and result.tie_rule is None


def test_top_percent_counts_ranked_entrants_only_and_rounds_half_up():
    # 9 ranked x 30% = 2.7 -> 3; x 50% = 4.5 -> 5 (-> the tie at 4 brings 6)
    assert quota_for(9, top_percent=30) == 3
    assert quota_for(9, top_percent="50") == 5
    assert quota_for(9, top_percent=Decimal("50"), rounding="floor") == 4
    assert quota_for(9, top_percent=1) == 1                      # at least one
    assert advance(STAGE, top_percent=30).advancing == ["a", "b", "c"]


@pytest.mark.parametrize("kw", [{}, {"top_n": 2, "top_percent": 10}, {"top_n": -1},
                                {"top_percent": 101}, {"top_n": 1, "ties": "coin"}])
def test_unusable_rules_are_refused(kw):
    with pytest.raises(AdvancementError):
        advance(STAGE, **kw)


@given(ranks=st.lists(st.integers(min_value=1, max_value=6), max_size=30),
       n=st.integers(min_value=0, max_value=30), ties=st.sampled_from(["include", "exclude"]))
def test_everyone_better_than_someone_advancing_also_advances(ranks, n, ties):
    stage = [Ranked(i, r) for i, r in enumerate(ranks)]
    result = advance(stage, top_n=n, ties=ties)
    assert sorted(result.advancing + result.not_advancing) == list(range(len(ranks)))
    if result.advancing:
        worst = max(ranks[k] for k in result.advancing)
        assert all(ranks[k] >= worst for k in result.not_advancing)
        # the field differs from the quota only because of a tie at the cut
        if len(result.advancing) != result.quota:
            assert result.tie_at_cut
