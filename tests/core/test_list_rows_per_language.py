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


def test_the_yes_no_icon_is_titled_in_the_language_of_the_page_and_keeps_its_three_kinds():
    from unfold.utils import _boolean_icon  # the installed, drawn-once version

    with translation.override("en"):
        english = [_boolean_icon(value) for value in (True, False, None)]
    with translation.override("zh-hans"):
        chinese = [_boolean_icon(value) for value in (1, 0, "")]
    assert ['title="True"' in english[0], 'title="False"' in english[1],
            'title="Unknown"' in english[2]] == [True, True, True]
    assert "check_small" in chinese[0] and "close_small" in chinese[1]
    assert "question_mark" in chinese[2]
    assert not any("True" in drawn or "False" in drawn for drawn in chinese)


def test_a_state_label_follows_the_language_of_the_moment():
    from property_service.core.display import state_and_label
    from property_service.workorders.models import WorkOrder

    order = WorkOrder(state="dispatched")
    with translation.override("en"):
        assert state_and_label(order) == ("dispatched", order.get_state_display())
    with translation.override("zh-hans"):
        assert state_and_label(order) == ("dispatched", order.get_state_display())
        assert state_and_label(order)[1] != "Dispatched"
