"""Validators for identifiers residents give us: phone numbers, ID numbers, licence plates.

The checks are pure functions (``is_valid_*``) so they can be tested directly; the Django
validators wrap them with a translatable message.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landline with area code, optional extension: 021-12345678, 0755-1234567, 010-12345678-123
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
PLATE_RE = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领]"
    r"[A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$"
)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"


def normalize_phone(value: str) -> str:
    """Strip spaces and a leading +86 so equal numbers compare equal."""
    value = re.sub(r"[\s()]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def is_valid_phone(value: str) -> bool:
    return bool(MOBILE_RE.match(value) or LANDLINE_RE.match(value))


def id_number_check_code(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CODES[total % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character mainland resident ID number: digits, a real birth date, the check code."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if birth.year < 1900:
        return False
    return value[17].upper() == id_number_check_code(value[:17])


def validate_phone(value: str) -> None:
    if not is_valid_phone(normalize_phone(value)):
        raise ValidationError(
            _("Enter a valid phone number: an 11-digit mobile number (e.g. 13812345678) "
              "or a landline with area code (e.g. 021-12345678)."),
            code="invalid_phone",
        )


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(
            _("Enter a valid 18-character resident ID number; "
              "its birth date or check digit is wrong."),
            code="invalid_id_number",
        )


def validate_plate(value: str) -> None:
    if not PLATE_RE.match(value):
        raise ValidationError(
            _("Enter a valid licence plate, e.g. 沪A12345 or 粤B12345D."), code="invalid_plate"
        )
