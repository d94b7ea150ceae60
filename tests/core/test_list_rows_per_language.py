"""The list cells drawn once and reused (core.unfold_lists) are drawn once per language."""

from django.utils import translation
from property_service.core.unfold_lists import row_checkbox


def test_the_row_checkbox_is_labelled_in_the_language_of_the_page_that_shows_it():
    with translation.override("en"):
        english = row_checkbox(7)
    with translation.override("zh-hans"):
        chinese = row_checkbox(8)
    assert 'aria-label="Select record"' in english and 'value="7"' in english
    assert 'aria-label="选择记录"' in chinese and 'value="8"' in chinese
