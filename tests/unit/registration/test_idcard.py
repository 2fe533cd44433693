"""ID-card numbers (GB 11643): check digit, birth date, gender."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.registration import idcard
from competition.registration.idcard import IdCardError, check_char, make_number, parse


def test_the_published_sample_number_is_valid():
    # The standard's worked example: 11010519491231002X, a woman born 1949-12-31.
    card = parse("11010519491231002X")
    assert card.birth_date == date(1949, 12, 31) and card.gender == "女"


def test_fictional_region_99_is_accepted():
    number = make_number("990102", date(1988, 6, 15), 37)
    assert parse(number).gender == "男"


def test_lower_case_x_spaces_and_full_width_digits_are_normalised():
    assert parse(" 11010519491231002x ").number == "11010519491231002X"
    assert parse("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


@pytest.mark.parametrize("number, code", [
    ("110105194912310021", "id_check_digit"),   # check digit should be X
    ("99010219880230123X", "id_birth_date"),    # 30 February
    ("990102218806151234", "id_birth_date"),    # born in 2188
    ("99010218880615123", "id_length"),         # 17 characters
    ("990102880615123", "id_old_15"),           # an old 15-digit number
    ("9901021988061512X4", "id_chars"),          # X in the middle
])
def test_bad_numbers_are_refused_with_the_rule_that_failed(number, code):
    with pytest.raises(IdCardError) as exc:
        parse(number, today=date(2026, 11, 25))
    assert exc.value.code == code


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2008, 12, 31)),
       st.integers(min_value=0, max_value=999))
def test_a_made_number_parses_back_and_any_other_check_char_fails(born, seq):
    number = make_number("990000", born, seq)
    card = parse(number, today=date(2026, 1, 1))
    assert card.birth_date == born
    assert card.gender == ("男" if seq % 2 else "女")
    for wrong in "0123456789X":
        if wrong != number[-1]:
            with pytest.raises(IdCardError):
                parse(number[:17] + wrong, today=date(2026, 1, 1))


def test_check_char_table():
    assert check_char("11010519491231002") == "X"
    assert idcard.CHECK_CHARS[0] == "1"
