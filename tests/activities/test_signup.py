"""Sign-up: within the capacity and the household's limit, one per household, a waiting list
when full that moves up on a cancellation, open only in its window, and capacity holding under
concurrent sign-ups."""

import pytest
from django.db import IntegrityError
from property_service.activities import services
from property_service.activities.models import ActivitySignup
from property_service.core.errors import ActionError, NotAllowed

from tests.activities.conftest import act, household, sign_up
from tests.helpers import run_together
from tests.workorders.conftest import at

CONFIRMED, WAITLISTED = ActivitySignup.Status.CONFIRMED, ActivitySignup.Status.WAITLISTED


def test_a_household_signs_up_within_the_places(published, desk, place_a):
    activity = published()
    signup = sign_up(activity, desk, place_a.unit, people=3)
    assert signup.status == CONFIRMED and signup.channel == "desk"
    assert activity.events.filter(action="signed_up").count() == 1


def test_more_than_the_household_limit_is_refused(published, desk, place_a):
    activity = published()
    with pytest.raises(ActionError) as error:
        sign_up(activity, desk, place_a.unit, people=4)
    assert error.value.field == "people" and "at most 3" in str(error.value)
    with pytest.raises(ActionError):
        sign_up(activity, desk, place_a.unit, people=0)
    assert not ActivitySignup.objects.exists()


def test_one_sign_up_per_household(published, desk, place_a):
    activity = published()
    sign_up(activity, desk, place_a.unit)
    with pytest.raises(ActionError, match="already"):
        sign_up(activity, desk, place_a.unit)
    assert ActivitySignup.objects.count() == 1


def test_the_database_holds_one_row_per_household(published, place_a):
    activity = published()
    ActivitySignup.objects.create(activity=activity, unit=place_a.unit, people=1)
    with pytest.raises(IntegrityError):
        ActivitySignup.objects.create(activity=activity, unit=place_a.unit, people=1)


def test_when_full_a_household_waits_and_moves_up_when_places_free_up(published, desk,
                                                                     place_a):
    activity = published(capacity=4)
    first = sign_up(activity, desk, place_a.unit, people=3)
    second = sign_up(activity, desk, household(place_a, "302"), people=2)
    third = sign_up(activity, desk, household(place_a, "303"), people=1)
    assert (first.status, second.status, third.status) == (CONFIRMED, WAITLISTED, CONFIRMED)
    services.signup_cancel(signup_id=first.pk, user=desk)
    second.refresh_from_db()
    assert second.status == CONFIRMED
    assert sum(s.people for s in ActivitySignup.objects.filter(status=CONFIRMED)) == 3


def test_a_cancelled_household_may_sign_up_again(published, desk, place_a):
    activity = published()
    signup = sign_up(activity, desk, place_a.unit, people=2)
    services.signup_cancel(signup_id=signup.pk, user=desk)
    again = sign_up(activity, desk, place_a.unit, people=1)
    assert again.pk == signup.pk and again.status == CONFIRMED and again.people == 1


def test_sign_up_closes_at_its_time(published, desk, place_a, clock):
    activity = published()
    signup = sign_up(activity, desk, place_a.unit)
    clock.set("2027-01-18 18:00")
    with pytest.raises(ActionError, match="not open"):
        sign_up(activity, desk, household(place_a, "302"))
    with pytest.raises(ActionError, match="closed"):
        services.signup_cancel(signup_id=signup.pk, user=desk)
    assert ActivitySignup.objects.get(pk=signup.pk).status == CONFIRMED


def test_sign_up_closes_when_staff_close_it(published, desk, agent, place_a):
    activity = published()
    act(activity, agent, "close_signup")
    with pytest.raises(ActionError, match="not open"):
        sign_up(activity, desk, place_a.unit)


def test_sign_up_opens_at_its_time(published, desk, place_a, clock):
    activity = published(signup_opens_at=at("2026-12-01 09:00"))
    with pytest.raises(ActionError, match="not open"):
        sign_up(activity, desk, place_a.unit)
    clock.set("2026-12-01 09:00")
    assert sign_up(activity, desk, place_a.unit).status == CONFIRMED


def test_a_planned_activity_takes_no_sign_ups(plan, desk, place_a, clock):
    with pytest.raises(ActionError, match="not open"):
        sign_up(plan(), desk, place_a.unit)


def test_a_unit_of_another_community_cannot_sign_up(published, make_staff, place_a, place_b):
    activity = published()
    everywhere = make_staff("Front Desk")
    with pytest.raises(ActionError) as error:
        sign_up(activity, everywhere, place_b.unit)
    assert error.value.field == "unit"


def test_staff_of_another_community_reach_nothing(published, make_staff, place_a, place_b):
    activity = published()
    other = make_staff("Front Desk", communities=[place_b.community])
    with pytest.raises(NotAllowed):
        sign_up(activity, other, place_a.unit)


def test_a_resident_signs_up_their_own_household_only(published, resident_a, place_a):
    activity = published()
    signup = sign_up(activity, resident_a, place_a.unit, people=2)
    assert signup.channel == "portal" and signup.resident == place_a.resident
    with pytest.raises(NotAllowed):
        sign_up(activity, resident_a, household(place_a, "302"))


def test_a_resident_may_not_publish_or_take_attendance(published, resident_a, place_a):
    activity = published()
    signup = sign_up(activity, resident_a, place_a.unit)
    with pytest.raises(NotAllowed):
        act(activity, resident_a, "close_signup")
    with pytest.raises(NotAllowed):
        services.attendance_record(signup_id=signup.pk, user=resident_a, attended=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_holds_when_households_sign_up_at_the_same_moment(make_staff, place_a, clock):
    agent = make_staff("CS Agent", communities=[place_a.community])
    manager = make_staff("Property Manager", communities=[place_a.community])
    activity = services.activity_create(
        by=agent, community=place_a.community, title="亲子日", place="会所",
        starts_at=at("2027-01-20 09:00"), ends_at=at("2027-01-20 11:00"),
        signup_closes_at=at("2027-01-18 18:00"), capacity=4, household_limit=2)
    act(activity, manager, "publish")
    units = [household(place_a, str(400 + n)) for n in range(6)]
    results = run_together(*[lambda unit=unit: sign_up(activity, agent, unit, people=1)
                             for unit in units])
    assert all(isinstance(r, ActivitySignup) for r in results), results
    statuses = sorted(ActivitySignup.objects.values_list("status", flat=True))
    assert statuses.count(CONFIRMED) == 4 and statuses.count(WAITLISTED) == 2
