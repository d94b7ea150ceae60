"""The checks every transition makes before it changes anything, in their order."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from property_service.core.errors import ActionError, ConcurrentChange, NotAllowed
from property_service.core.workflow import Action, action_in, check_fire, index

CLOSE = Action("close", "Close", sources=("open",), target="closed", permission="x.close")
CANCEL = Action("cancel", "Cancel", sources=("open",), target="cancelled",
                permission="x.cancel", needs_comment=True)
ACTIONS = index([CLOSE, CANCEL])


@dataclass
class Record:
    state: str

    def get_state_display(self) -> str:
        return self.state.title()

    def __str__(self) -> str:
        return "R-1"


def test_an_unknown_action_is_refused_on_its_field():
    with pytest.raises(ActionError, match="Unknown action “reopen”") as error:
        action_in(ACTIONS, "reopen")
    assert error.value.field == "action"
    assert action_in(ACTIONS, "close") is CLOSE


def test_a_record_that_moved_on_since_it_was_seen_is_a_concurrent_change_first():
    with pytest.raises(ConcurrentChange):
        check_fire(Record("closed"), CLOSE, allowed=False, expected_state="open")


def test_an_action_from_another_state_is_refused_before_the_permission_is_considered():
    with pytest.raises(NotAllowed, match="“Close” is not possible while R-1 is Closed"):
        check_fire(Record("closed"), CLOSE, allowed=False)


def test_a_user_without_the_right_is_refused():
    with pytest.raises(NotAllowed, match="You may not “Close” R-1"):
        check_fire(Record("open"), CLOSE, allowed=False, expected_state="open")


def test_a_reason_is_required_where_the_action_needs_one():
    with pytest.raises(ActionError, match="comment is required") as error:
        check_fire(Record("open"), CANCEL, allowed=True, comment="   ")
    assert error.value.field == "comment"
    assert check_fire(Record("open"), CANCEL, allowed=True, comment=" duplicate ") == "duplicate"
    assert check_fire(Record("open"), CLOSE, allowed=True) == ""
