"""Attendance is taken once the activity has started (walk-ins too); feedback is given once per
household that came, only once the activity has been held."""

import pytest
from property_service.activities import services
from property_service.activities.models import ActivityFeedback, ActivitySignup
from property_service.core.errors import ActionError

from tests.activities.conftest import act, household, sign_up


@pytest.fixture
def signed(published, desk, place_a):
    activity = published()
    return activity, sign_up(activity, desk, place_a.unit, people=3)


def attend(signup, user, attended=True, people=None):
    return services.attendance_record(signup_id=signup.pk, user=user, attended=attended,
                                      people=people)


def feedback(signup, user, rating=9, satisfied=True, comment=""):
    return services.feedback_give(signup_id=signup.pk, user=user, rating=rating,
                                  satisfied=satisfied, comment=comment)


def test_attendance_is_taken_only_once_the_activity_started(signed, agent, clock):
    activity, signup = signed
    clock.set("2027-01-20 18:59")
    with pytest.raises(ActionError, match="started"):
        attend(signup, agent)
    assert ActivitySignup.objects.get(pk=signup.pk).attendance == ""
    clock.set("2027-01-20 19:00")
    signup = attend(signup, agent, people=2)
    assert (signup.attendance, signup.attended_people) == ("attended", 2)
    signup = attend(signup, agent, attended=False)
    assert (signup.attendance, signup.attended_people) == ("no_show", None)


def test_the_front_desk_records_sign_ups_but_takes_no_attendance(signed, desk, clock):
    _activity, signup = signed
    clock.set("2027-01-20 19:30")
    with pytest.raises(ActionError):
        attend(signup, desk)


def test_no_attendance_at_a_cancelled_activity(signed, agent, manager, clock):
    activity, signup = signed
    act(activity, manager, "cancel", comment="暴雨")
    clock.set("2027-01-20 19:30")
    with pytest.raises(ActionError, match="Cancelled"):
        attend(signup, agent)


def test_a_walk_in_is_recorded_as_come(signed, agent, place_a, clock):
    activity, _signup = signed
    unit = household(place_a, "302")
    with pytest.raises(ActionError, match="started"):
        services.walk_in_record(activity_id=activity.pk, user=agent, unit=unit, people=2)
    clock.set("2027-01-20 19:10")
    walk_in = services.walk_in_record(activity_id=activity.pk, user=agent, unit=unit, people=2)
    assert walk_in.walk_in and walk_in.attendance == "attended" and walk_in.attended_people == 2


def test_feedback_only_after_the_activity_was_held_and_once(signed, agent, clock):
    activity, signup = signed
    clock.set("2027-01-20 19:30")
    attend(signup, agent)
    with pytest.raises(ActionError, match="held"):
        feedback(signup, agent)
    act(activity, agent, "mark_held")
    given = feedback(signup, agent, rating=8, satisfied=True, comment="很开心")
    assert (given.rating, given.satisfied, given.channel) == (8, True, "desk")
    with pytest.raises(ActionError, match="already"):
        feedback(signup, agent, rating=3, satisfied=False)
    assert ActivityFeedback.objects.get().rating == 8


def test_feedback_after_closing_is_refused(signed, agent, clock):
    activity, signup = signed
    clock.set("2027-01-20 19:30")
    attend(signup, agent)
    act(activity, agent, "mark_held")
    act(activity, agent, "close")
    with pytest.raises(ActionError, match="held"):
        feedback(signup, agent)


def test_only_a_household_that_came_gives_feedback(signed, agent, clock):
    activity, signup = signed
    clock.set("2027-01-20 19:30")
    attend(signup, agent, attended=False)
    act(activity, agent, "mark_held")
    with pytest.raises(ActionError, match="came"):
        feedback(signup, agent)


@pytest.mark.parametrize("rating", [-1, 11, "ten", None])
def test_a_rating_outside_0_to_10_is_refused(signed, agent, clock, rating):
    activity, signup = signed
    clock.set("2027-01-20 19:30")
    attend(signup, agent)
    act(activity, agent, "mark_held")
    with pytest.raises(ActionError) as error:
        feedback(signup, agent, rating=rating)
    assert error.value.field == "rating"
    assert not ActivityFeedback.objects.exists()


def test_a_resident_gives_their_own_feedback_in_the_portal_way(published, resident_a, agent,
                                                               place_a, clock):
    activity = published()
    signup = sign_up(activity, resident_a, place_a.unit, people=2)
    clock.set("2027-01-20 19:30")
    attend(signup, agent)
    act(activity, agent, "mark_held")
    given = feedback(signup, resident_a, rating=10, satisfied=True)
    assert given.channel == "portal"
