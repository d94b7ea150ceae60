"""Masking of personal data (数据保密): the one rule every page, export and API answer uses."""

from __future__ import annotations

MASK_CHAR = "*"


def mask(value: str | None, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """Hide the middle of ``value``: ``13812345678`` -> ``138****5678``.

    Short values are hidden entirely except their last character, so a masked value never
    reveals more than a third of what it hides.
    """
    if not value:
        return ""
    value = str(value)
    if len(value) <= keep_start + keep_end + 1:
        return MASK_CHAR * (len(value) - 1) + value[-1:]
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + MASK_CHAR * hidden + value[-keep_end:]
