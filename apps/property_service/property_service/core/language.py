"""Reference data kept in both languages (a category's or a team's name, a playbook step):
which of the two a page shows."""

from __future__ import annotations

from django.utils import translation


def in_language(text_zh: str, text_en: str) -> str:
    """The text in the active language (Chinese unless English is asked for and written)."""
    language = translation.get_language() or ""
    return text_en if language.startswith("en") and text_en else text_zh

