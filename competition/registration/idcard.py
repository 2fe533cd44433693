"""Resident ID-card numbers (居民身份证号码, GB 11643-1999): check digit, birth date, gender.

An 18-character number: 6 digits of region, 8 of birth date (YYYYMMDD), 3 of sequence
(odd for men, even for women) and a check character computed from the first 17 digits
(ISO 7064 MOD 11-2; 'X' stands for 10). Region codes are deliberately not checked: the
demo data uses 99xxxx, which is no real province.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdCardError(ValueError):
    """Why an ID-card number is not valid; ``code`` names the rule that failed."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class IdCard:
    number: str
    birth_date: date
    gender: str  # "男" | "女"

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


def normalise(raw: str) -> str:
    """Full-width digits to ASCII, spaces removed, a lower-case x made upper-case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"\s+", "", text).upper()


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def parse(raw: str, today: date | None = None) -> IdCard:
    """Validate an 18-character ID number; return its birth date and gender.

    Raises IdCardError with code ``id_length`` (also for the old 15-digit numbers),
    ``id_chars``, ``id_birth_date`` (not a real date, before 1900 or in the future) or
    ``id_check_digit``.
    """
    number = normalise(raw)
    if len(number) == 15 and number.isdigit():
        raise IdCardError("id_old_15", "a 15-digit ID number: give the 18-digit number")
    if len(number) != 18:
        raise IdCardError("id_length", f"an ID number has 18 characters, not {len(number)}")
    if not _SHAPE.match(number):
        raise IdCardError("id_chars", "an ID number is 17 digits and a digit or X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdCardError("id_birth_date", f"{number[6:14]} is not a date") from None
    if born.year < 1900 or born > (today or date.today()):
        raise IdCardError("id_birth_date", f"{born.isoformat()} is not a plausible birth date")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdCardError("id_check_digit",
                          f"the check digit is {number[17]}, it should be {expected}")
    gender = "男" if int(number[16]) % 2 == 1 else "女"
    return IdCard(number=number, birth_date=born, gender=gender)


def make_number(region: str, born: date, sequence: int) -> str:
    """Build a valid number (for demo and test data: use a region starting with 99).
    ``sequence`` 0..999; odd means male."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
