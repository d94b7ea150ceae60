"""The activity's life: planned, published (a month ahead, or later with a manager's reason),
sign-up closed, held (only once started), closed; cancelled with a reason; who may do what."""

import pytest
from property_service.activities import rules
from property_service.activities.models import Activity
from property_service.activities.states import State
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.models import Notification

from tests.activities.conftest import act
from tests.workorders.conftest import at


def test_the_lead_time_is_data_read_from_the_rules_file():
    assert rules.activity_rules().lead_days == 30


def test_lead_time_met_exactly_at_the_lead_time_and_not_a_minute_less():
    now = at("2026-11-25 10:00")
    assert rules.lead_time_met(at("2026-12-25 10:00"), now, 30)
    assert not rules.lead_time_met(at("2026-12-25 09:59"), now, 30)


def test_an_agent_plans_and_the_manager_is_told(plan, manager, clock,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        activity = plan()
    assert activity.state == State.PLANNED
    assert activity.events.get().action == "created"
    assert Notification.objects.filter(user=manager, target_id=activity.pk).exists()


def test_a_manager_publishes_a_month_ahead(plan, manager, clock):
    activity = act(plan(), manager, "publish")
    assert activity.state == State.PUBLISHED and activity.lead_time_override == ""
    assert activity.published_by == manager


def test_an_agent_may_not_publish(plan, agent, clock):
    activity = plan()
    with pytest.raises(NotAllowed):
        act(activity, agent, "publish")
    assert Activity.objects.get(pk=activity.pk).state == State.PLANNED


def test_publishing_less_than_the_lead_time_ahead_needs_a_reason(plan, manager, clock):
    clock.set("2026-12-22 10:00")  # the activity starts 2027-01-20 19:00: 29 days ahead
    activity = plan()
    with pytest.raises(ActionError, match="30 days ahead"):
        act(activity, manager, "publish")
    assert Activity.objects.get(pk=activity.pk).state == State.PLANNED
    activity = act(activity, manager, "publish", comment="居委会临时定的日子")
    assert activity.state == State.PUBLISHED
    assert activity.lead_time_override == "居委会临时定的日子"
    assert activity.events.get(action="publish").comment == "居委会临时定的日子"


def test_the_lead_time_follows_the_rules_file(plan, manager, clock, settings, tmp_path):
    (tmp_path / "activity_rules.toml").write_text(
        "[planning]\nlead_days = 60\ndefault_duration_hours = 2\n"
        "[signup]\ndefault_household_limit = 2\ndefault_close_hours_before = 24\n")
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE, "FIXTURES_DIR": str(tmp_path)}
    activity = plan()  # 56 days ahead
    with pytest.raises(ActionError, match="60 days ahead"):
        act(activity, manager, "publish")


def test_the_default_household_limit_comes_from_the_rules(plan, clock):
    activity = plan(household_limit=None, capacity=100)
    assert activity.household_limit == 4


def test_marking_held_needs_the_activity_started(published, agent, clock):
    activity = published()
    act(activity, agent, "close_signup")
    clock.set("2027-01-20 18:59")
    with pytest.raises(ActionError, match="not started"):
        act(activity, agent, "mark_held")
    clock.set("2027-01-20 19:00")
    assert act(activity, agent, "mark_held").state == State.HELD
    assert act(activity, agent, "close").state == State.CLOSED


def test_cancelling_needs_a_reason_and_a_manager(published, agent, manager, clock):
    activity = published()
    with pytest.raises(NotAllowed):
        act(activity, agent, "cancel", comment="下雨")
    with pytest.raises(ActionError):
        act(activity, manager, "cancel")
    activity = act(activity, manager, "cancel", comment="台风预警")
    assert activity.state == State.CANCELLED and activity.cancel_reason == "台风预警"


def test_dates_that_do_not_fit_are_refused(plan, clock):
    with pytest.raises(ActionError) as error:
        plan(signup_closes_at=at("2027-01-21 10:00"))
    assert error.value.field == "signup_closes_at"
    with pytest.raises(ActionError) as error:
        plan(ends_at=at("2027-01-20 18:00"))
    assert error.value.field == "ends_at"
    with pytest.raises(ActionError) as error:
        plan(capacity=2, household_limit=3)
    assert error.value.field == "household_limit"
    assert not Activity.objects.exists()


def test_staff_of_another_community_cannot_plan_there(plan, make_staff, place_b, clock):
    other = make_staff("CS Agent", communities=[place_b.community])
    with pytest.raises(NotAllowed):
        plan(by=other)


def test_a_published_activity_can_no_longer_be_corrected(published, agent, clock):
    from property_service.activities import services

    activity = published()
    with pytest.raises(ActionError):
        services.activity_update(activity_id=activity.pk, user=agent,
                                 changes={"capacity": 50})
    assert Activity.objects.get(pk=activity.pk).capacity == 10


def test_the_job_closes_the_sign_up_at_its_time_once(published, clock):
    from property_service.activities.jobs import close_due_signups

    activity = published()
    clock.set("2027-01-18 17:59")
    assert close_due_signups() == 0
    clock.set("2027-01-18 18:00")
    assert close_due_signups() == 1
    assert close_due_signups() == 0
    activity.refresh_from_db()
    assert activity.state == State.SIGNUP_CLOSED
    assert activity.events.get(action="close_signup").by is None


def test_the_job_is_scheduled():
    from property_service.schedules import SCHEDULES

    assert "property_service.activities.jobs.close_due_signups" in {j.func for j in SCHEDULES}
