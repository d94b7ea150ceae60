"""A new occupancy → a visit due within the month → chased when late → done; major works →
quality visits; the daily job plans what is missing, once."""

import dataclasses
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.models import Notification
from property_service.visits import services
from property_service.visits.jobs import chase_visits, plan_missing_visits
from property_service.visits.models import Kind, State, Visit, VisitEvent
from property_service.workorders import services as order_services

from tests.factories.registry import OccupancyFactory, UnitFactory
from tests.workorders.conftest import at


def visit_notes(visit):
    return list(Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(Visit), target_id=visit.pk)
        .order_by("id").values_list("user__username", "kind"))


def complete(order, agent, technician):
    order_services.transition_work_order(order_id=order.pk, user=agent, action="dispatch",
                                         assignee=technician)
    for action in ("accept", "start", "complete"):
        order_services.transition_work_order(order_id=order.pk, user=technician,
                                             action=action)
    order_services.transition_work_order(order_id=order.pk, user=agent,
                                         action="pass_acceptance")


@pytest.fixture
def move_in(place_a):
    numbers = iter(range(1001, 2000))

    def make(day, relation="owner"):
        return OccupancyFactory(unit=UnitFactory(building=place_a.building,
                                                 number=str(next(numbers))),
                                resident__community=place_a.community, relation=relation,
                                start_date=day)
    return make


def test_a_new_household_gets_a_visit_due_within_its_first_month(clock, move_in):
    clock.set("2026-12-01 09:00")
    occupancy = move_in(datetime.date(2026, 12, 1))
    visit = services.visit_plan_first_month(occupancy=occupancy)
    assert visit.kind == Kind.FIRST_MONTH and visit.state == State.PLANNED
    assert visit.unit_id == occupancy.unit_id and visit.resident_id == occupancy.resident_id
    assert visit.due_at.date() == datetime.date(2026, 12, 31)
    assert VisitEvent.objects.filter(visit=visit, action="planned").count() == 1
    # Exactly once per move-in.
    assert services.visit_plan_first_month(occupancy=occupancy) is None
    assert Visit.objects.filter(occupancy=occupancy).count() == 1


def test_a_family_member_moving_in_is_not_a_new_household(clock, move_in):
    clock.set("2026-12-01 09:00")
    assert services.visit_plan_first_month(
        occupancy=move_in(datetime.date(2026, 12, 1), relation="family")) is None


def test_a_late_visit_is_chased_up_the_ladder_exactly_once_then_done(
        clock, move_in, agent, supervisor, manager, make_staff, place_b):
    other_agent = make_staff("CS Agent", communities=[place_b.community], username="agent_b")
    clock.set("2026-12-01 09:00")
    visit = services.visit_plan_first_month(occupancy=move_in(datetime.date(2026, 12, 1)))
    # Not yet three days before its deadline: nothing.
    assert chase_visits(now=at("2026-12-28 12:00"))["notified"] == 0
    # Warned: nobody assigned, so the community's CS agents (not community B's).
    chase_visits(now=at("2026-12-29 00:00"))
    assert visit_notes(visit) == [("agent_a", Notification.Kind.FOLLOWUP_DUE)]
    # At the deadline the supervisors, a day later the managers; a second run adds nothing.
    chase_visits(now=at("2027-01-01 00:00"))
    chase_visits(now=at("2027-01-01 00:05"))
    assert visit_notes(visit)[1:] == [("sup_a", Notification.Kind.SLA_BREACH)]
    chase_visits(now=at("2027-01-02 00:00"))
    chase_visits(now=at("2027-01-03 00:00"))
    assert visit_notes(visit)[2:] == [("mgr_a", Notification.Kind.SLA_ESCALATED)]
    assert other_agent.notifications.count() == 0
    clock.set("2027-01-03 10:00")
    done = services.visit_record(visit_id=visit.pk, user=agent, reached=True,
                                 outcome="已上门，住户满意", satisfaction=5)
    assert (done.state, done.satisfaction, done.done_by) == (State.DONE, 5, agent)
    assert not done.on_time
    assert Visit.objects.get(pk=visit.pk).chase_at is None


def test_an_assigned_visit_warns_its_assignee_only(clock, move_in, agent, supervisor):
    clock.set("2026-12-01 09:00")
    visit = services.visit_plan_first_month(occupancy=move_in(datetime.date(2026, 12, 1)))
    services.visit_assign(visit_id=visit.pk, user=supervisor, assignee=agent)
    other = Visit.objects.get(pk=visit.pk)
    assert other.assignee == agent
    chase_visits(now=at("2026-12-29 00:00"))
    assert visit_notes(visit)[-1] == ("agent_a", Notification.Kind.FOLLOWUP_DUE)


def test_a_visit_done_before_its_deadline_is_never_chased(clock, move_in, agent):
    clock.set("2026-12-01 09:00")
    visit = services.visit_plan_first_month(occupancy=move_in(datetime.date(2026, 12, 1)))
    clock.set("2026-12-10 15:00")
    done = services.visit_record(visit_id=visit.pk, user=agent, reached=True, outcome="好",
                                 satisfaction=4)
    assert done.on_time
    assert chase_visits(now=at("2027-02-01 00:00"))["notified"] == 0


def test_recording_refuses_bad_input_and_changes_nothing(clock, move_in, agent, technician,
                                                         make_staff, place_b):
    clock.set("2026-12-01 09:00")
    visit = services.visit_plan_first_month(occupancy=move_in(datetime.date(2026, 12, 1)))
    with pytest.raises(ActionError, match="satisfaction"):
        services.visit_record(visit_id=visit.pk, user=agent, reached=True, outcome="好",
                              satisfaction=9)
    with pytest.raises(ActionError, match="came of the visit"):
        services.visit_record(visit_id=visit.pk, user=agent, reached=True, outcome=" ",
                              satisfaction=4)
    with pytest.raises(NotAllowed):
        services.visit_record(visit_id=visit.pk, user=technician, reached=True, outcome="好",
                              satisfaction=4)
    agent_b = make_staff("CS Agent", communities=[place_b.community], username="agent_b")
    with pytest.raises(NotAllowed):
        services.visit_record(visit_id=visit.pk, user=agent_b, reached=True, outcome="好",
                              satisfaction=4)
    assert Visit.objects.get(pk=visit.pk).state == State.PLANNED
    services.visit_record(visit_id=visit.pk, user=agent, reached=False, outcome="三次无人接听")
    with pytest.raises(ActionError, match="no longer be changed"):
        services.visit_record(visit_id=visit.pk, user=agent, reached=True, outcome="好",
                              satisfaction=4)
    assert Visit.objects.get(pk=visit.pk).state == State.UNREACHABLE


def test_major_works_accepted_get_their_quality_visits(clock, place_a, agent, technician,
                                                       new_order):
    clock.set("2026-12-01 09:00")
    order = new_order("major_repair")
    assert order.category.major_works
    order_services.transition_work_order(order_id=order.pk, user=agent, action="dispatch",
                                         assignee=technician)
    for action in ("accept", "start", "complete"):
        order_services.transition_work_order(order_id=order.pk, user=technician,
                                             action=action)
    assert not Visit.objects.filter(work_order=order).exists()
    clock.set("2026-12-02 10:00")
    order_services.transition_work_order(order_id=order.pk, user=agent,
                                         action="pass_acceptance")
    visits = list(Visit.objects.filter(work_order=order).order_by("step"))
    assert [(v.kind, v.planned_on, v.due_at.date()) for v in visits] == [
        (Kind.MAJOR_WORKS, datetime.date(2026, 12, 8), datetime.date(2026, 12, 11)),
        (Kind.MAJOR_WORKS, datetime.date(2026, 12, 31), datetime.date(2027, 1, 3))]


def test_ordinary_repairs_get_no_quality_visit(clock, agent, technician, new_order):
    clock.set("2026-12-01 09:00")
    order = new_order("electrical")
    complete(order, agent, technician)
    assert not Visit.objects.filter(work_order=order).exists()


def test_the_daily_job_plans_what_is_missing_once(clock, move_in, place_a, agent, technician,
                                                  new_order):
    clock.set("2026-11-20 09:00")
    recent = move_in(datetime.date(2026, 11, 20))
    order = new_order("major_repair")
    complete(order, agent, technician)
    # Entered by hand, so no service planned them.
    Visit.objects.all().delete()
    old = move_in(datetime.date(2026, 9, 1))
    clock.set("2026-12-01 00:30")
    assert plan_missing_visits() == {"first_month": 1, "major_works": 1}
    assert Visit.objects.filter(occupancy=recent).count() == 1
    assert not Visit.objects.filter(occupancy=old).exists()
    # The works' first visit (due 2026-11-30) was late before it existed: left out.
    assert list(Visit.objects.filter(work_order=order).values_list("step", flat=True)) == [2]
    # A run with nothing to plan reads the major-works categories, what was written since the
    # last run (occupancies, visits by move-in, move-in days reached, orders, visits by order),
    # the move-ins' keys and the works, and the run's mark read and kept: ten queries,
    # whatever their number.
    with CaptureQueriesContext(connection) as queries:
        assert plan_missing_visits() == {"first_month": 0, "major_works": 0}
    assert len(queries) == 10
    assert Visit.objects.count() == 2


def test_a_later_run_looks_at_what_was_written_since_the_last_and_the_move_ins_day_reached(
        clock, move_in, place_a, agent, technician, new_order, monkeypatch):
    from property_service.core import since
    from property_service.core.models import JobRun
    from property_service.registry.models import Occupancy
    from property_service.visits import jobs

    clock.set("2026-12-01 00:00")
    today = move_in(datetime.date(2026, 12, 1))
    later = move_in(datetime.date(2026, 12, 3))
    reworked = new_order("major_repair")
    complete(reworked, agent, technician)  # its visits planned as it is accepted
    clock.set("2026-12-01 00:30")
    assert plan_missing_visits() == {"first_month": 1, "major_works": 0}

    clock.set("2026-12-01 10:00")
    entered = move_in(datetime.date(2026, 12, 1))
    Visit.objects.filter(occupancy=today).delete()
    works = new_order("major_repair")
    with monkeypatch.context() as patched:  # completed without its visits planned
        patched.setattr(order_services, "visit_plan_major_works", lambda **kwargs: [])
        complete(works, agent, technician)
    Visit.objects.filter(work_order=reworked).delete()
    # Written behind the register's back (no history): nothing says to look at it again.
    unseen = Occupancy.objects.bulk_create([Occupancy(
        unit=UnitFactory(building=place_a.building, number="9001"), resident=entered.resident,
        relation="owner", start_date=datetime.date(2026, 12, 1))])[0]

    clock.set("2026-12-03 00:30")
    assert plan_missing_visits() == {"first_month": 3, "major_works": 4}
    assert set(Visit.objects.filter(kind=Kind.FIRST_MONTH).values_list("occupancy", flat=True)
               ) == {today.pk, later.pk, entered.pk}
    assert set(Visit.objects.filter(kind=Kind.MAJOR_WORKS).values_list("work_order", flat=True)
               ) == {works.pk, reworked.pk}

    # Without its mark, or with other rules, a run looks at every move-in again.
    JobRun.objects.filter(job=jobs.PLAN_RUN).delete()
    assert plan_missing_visits() == {"first_month": 1, "major_works": 0}
    assert Visit.objects.filter(occupancy=unseen).exists()
    again = Occupancy.objects.bulk_create([Occupancy(
        unit=UnitFactory(building=place_a.building, number="9002"), resident=entered.resident,
        relation="owner", start_date=datetime.date(2026, 12, 2))])[0]
    assert plan_missing_visits() == {"first_month": 0, "major_works": 0}
    rules = jobs.visit_rules_module.visit_rules()
    monkeypatch.setattr(jobs.visit_rules_module, "visit_rules",
                        lambda: dataclasses.replace(rules, warn_days_before=2))
    assert plan_missing_visits() == {"first_month": 1, "major_works": 0}
    assert Visit.objects.filter(occupancy=again).exists()
    # Past the most records a run looks at again, it looks at every one.
    clock.set("2026-12-03 09:00")
    assert plan_missing_visits() == {"first_month": 0, "major_works": 0}
    # Deleted with no history left.
    VisitEvent.objects.filter(visit__occupancy=again)._raw_delete(Visit.objects.db)
    Visit.objects.filter(occupancy=again)._raw_delete(Visit.objects.db)
    clock.set("2026-12-03 10:00")
    assert plan_missing_visits() == {"first_month": 0, "major_works": 0}
    monkeypatch.setattr(since, "AT_MOST", -1)
    assert plan_missing_visits() == {"first_month": 1, "major_works": 0}


def test_a_portal_registration_plans_the_first_month_visit(clock, place_a, agent):
    from property_service.portal.services import create_invitation, register_with_code

    clock.set("2026-12-01 09:00")
    invitation = create_invitation(by=agent, unit=place_a.unit, relation="tenant")
    account = register_with_code(code=invitation.code, name="新租户", phone="13800000001",
                                 username="tenant1", password="a-Long-pass-2026")
    visit = Visit.objects.get(resident=account.resident)
    assert visit.kind == Kind.FIRST_MONTH
