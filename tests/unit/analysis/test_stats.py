"""Median, sign test and Spearman's rho, with worked numbers."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.analysis import median, sign_test_p, spearman


def test_the_median_of_an_odd_and_an_even_count():
    assert median([3, 1, 2]) == 2
    assert median([Decimal(4), Decimal(1), Decimal(3), Decimal(2)]) == Decimal("2.5")
    assert median([]) is None


def test_a_nine_to_one_split_is_unlikely_by_chance():
    # n = 10: P(<= 1 of one sign) = (C(10,0) + C(10,1)) / 2^10 = 11/1024; two-sided: 22/1024
    assert sign_test_p(9, 1) == pytest.approx(22 / 1024)
    assert sign_test_p(1, 9) == sign_test_p(9, 1)


def test_an_even_split_or_no_marks_says_nothing():
    # 2 x (1+10+45+120+210+252)/1024 = 1.246..., capped at 1
    assert sign_test_p(5, 5) == 1.0
    assert sign_test_p(0, 0) == 1.0


def test_six_marks_all_above_the_panel():
    assert sign_test_p(6, 0) == pytest.approx(2 / 64)   # 0.03125


def test_spearman_of_the_same_order_reversed_and_with_ties():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ranks x = 1, 2.5, 2.5, 4 and y = 1..4: sxy = 4.5, sxx = 4.5, syy = 5
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / (4.5 * 5) ** 0.5)


def test_spearman_needs_three_pairs_and_some_spread():
    assert spearman([1, 2], [1, 2]) is None
    assert spearman([5, 5, 5], [1, 2, 3]) is None
    with pytest.raises(ValueError):
        spearman([1, 2, 3], [1, 2])


@given(st.integers(0, 60), st.integers(0, 60))
def test_the_sign_test_is_a_probability_and_symmetric(a, b):
    p = sign_test_p(a, b)
    assert 0 < p <= 1
    assert p == sign_test_p(b, a)


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=3, max_size=30))
def test_spearman_lies_between_minus_one_and_one(pairs):
    rho = spearman([a for a, _ in pairs], [b for _, b in pairs])
    assert rho is None or -1 - 1e-9 <= rho <= 1 + 1e-9
