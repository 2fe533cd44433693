"""Masking (脱敏) of personal numbers for any view or copy but the organiser's own:
the one place that decides how an ID number or a phone number is shown masked. Pure."""
from __future__ import annotations


def mask_id(id_number: str | None) -> str:
    """3201**********1234: the first four and last four characters; a short number
    (8 characters or fewer) is masked whole."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str | None) -> str:
    """13912345678 -> 139****5678; short numbers keep only their last two digits."""
    phone = (phone or "").strip()
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(0, len(phone) - 2) + phone[-2:] if phone else ""
