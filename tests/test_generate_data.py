"""The generated data set (`manage.py generate_data`) is data the app could have made itself:
states agree with their timestamps and timelines, deadlines are the SLA rules', every row lies
in its community, and numbering goes on where the generated orders stopped."""

import datetime
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.utils import timezone
from property_service.access.scoping import may_access_community, scope
from property_service.complaints.jobs import CHASED_STATES as CHASED_COMPLAINT_STATES
from property_service.complaints.jobs import chase_complaints
from property_service.complaints.models import Complaint
from property_service.core.models import CalendarDay, CalendarYear
from property_service.demo import COMMUNITIES as DEMO_COMMUNITIES
from property_service.demo import _create_demo_users
from property_service.registry.models import Community
from property_service.workorders import services, sla
from property_service.workorders.jobs import CHASED_STATES as CHASED_ORDER_STATES
from property_service.workorders.jobs import chase_work_orders
from property_service.workorders.models import FollowUp, WorkOrder, WorkOrderCategory

from tests.test_demo import delete_demo

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
ORDERS = 200


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    # Generated once for the module; each test still runs in its own rolled-back transaction.
    with django_db_blocker.unblock():
        days, years = set(CalendarDay.objects.values_list("pk", flat=True)), set(
            CalendarYear.objects.values_list("pk", flat=True))
        # The demo's communities and logins, without the rest of the demo (the generator
        # reuses what it finds): a quicker start than load_demo.
        first = None
        for spec in DEMO_COMMUNITIES:
            community = Community.objects.create(code=spec.code, name=spec.name)
            first = first or community
        _create_demo_users(first_community=first)
        first_generated = (WorkOrder.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        call_command("generate_data", "--scale", "small", "--work-orders", str(ORDERS),
                     "--now", NOW.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield first_generated
    with django_db_blocker.unblock():
        delete_demo()
        get_user_model().objects.filter(username__contains="-gen").delete()
        CalendarDay.objects.exclude(pk__in=days).delete()
        CalendarYear.objects.exclude(pk__in=years).delete()


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_the_small_scale_shrunk_to_200_orders_spreads_them_over_three_communities(generated):
    assert WorkOrder.objects.count() == ORDERS
    assert Community.objects.count() == 3
    assert set(WorkOrder.objects.values_list("community__code", flat=True)) == {
        "JXHY", "CHTD", "GEN001"}
    assert Complaint.objects.count() >= 20


def test_each_order_state_agrees_with_its_timestamps_and_timeline(generated):
    orders = WorkOrder.objects.prefetch_related("events")
    for order in orders:
        events = list(order.events.all())
        assert events[0].action == "created" and events[-1].to_state == order.state, order
        assert [e.at for e in events] == sorted(e.at for e in events), order
        assert all(e.at >= order.reported_at for e in events), order
        dispatched = order.state not in ("new", "cancelled")
        if dispatched:
            assert order.reported_at <= order.responded_at <= order.dispatched_at, order
            assert order.team_id and order.assignee_id, order
        if order.state == "new":
            assert order.dispatched_at is None and order.responded_at is None, order
        if order.state in ("completed", "follow_up", "closed"):
            assert order.dispatched_at <= order.completed_at, order
            assert order.first_completed_at <= order.completed_at, order
        else:
            assert order.completed_at is None, order
        if order.state == "closed":
            assert order.completed_at <= order.closed_at, order
        else:
            assert order.closed_at is None, order
        if order.state == "rework":
            assert order.rework_started_at and order.first_completed_at, order
        if order.state == "cancelled":
            assert order.cancel_reason, order
        if order.pk >= generated:
            assert all(e.at <= NOW for e in events), order


def test_an_order_followed_up_or_closed_has_its_follow_up_call(generated):
    follow = WorkOrder.objects.filter(state__in=("follow_up", "closed"),
                                      pk__gte=generated)
    assert follow.exists()
    for order in follow:
        call = FollowUp.objects.get(work_order=order)
        assert call.status == ("done" if order.state == "closed" else "pending")


def test_deadlines_are_those_of_the_sla_rules(generated):
    for order in WorkOrder.objects.filter(rework_started_at__isnull=True,
                                          pk__gte=generated)[:50]:
        due = sla.deadlines(sla.policy_for(community_id=order.community_id,
                                           priority=order.priority), order.reported_at)
        assert (order.respond_by, order.complete_by) == (due.respond_by, due.complete_by)
    for order in WorkOrder.objects.filter(rework_started_at__isnull=False,
                                          pk__gte=generated)[:20]:
        policy = sla.policy_for(community_id=order.community_id, priority=order.priority)
        assert order.complete_by == sla.completion_deadline(policy, order.rework_started_at)


def test_every_open_record_is_due_for_its_chaser_which_then_sets_when_to_look_again(generated):
    for model, chased_states, chase in (
            (WorkOrder, CHASED_ORDER_STATES, chase_work_orders),
            (Complaint, CHASED_COMPLAINT_STATES, chase_complaints)):
        chased = model.objects.filter(state__in=chased_states)
        assert chased.exists(), model
        assert set(chased.values_list("chase_at", flat=True)) == {NOW}, model
        assert not model.objects.exclude(state__in=chased_states).filter(
            chase_at__isnull=False).exists(), model
        # The first run looks at each once; afterwards none is due before its next step.
        assert chase(now=NOW)["checked"] == chased.count(), model
        assert not model.objects.filter(chase_at__lte=NOW).exists(), model
        assert chase(now=NOW) == {"checked": 0, "notified": 0}, model


def test_every_order_lies_in_its_community_and_a_community_bound_agent_sees_only_hers(
        generated):
    for order in WorkOrder.objects.select_related("unit__building", "resident", "team",
                                                  "assignee"):
        if order.unit_id:
            assert order.unit.building.community_id == order.community_id, order
        if order.resident_id:
            assert order.resident.community_id == order.community_id, order
        if order.team_id:
            assert order.team.community_id in (None, order.community_id), order
        if order.assignee_id:
            assert may_access_community(order.assignee, order.community_id), order
    agent = get_user_model().objects.get(username="cs_agent")
    mine = scope(WorkOrder.objects.all(), agent)
    assert mine.count() == WorkOrder.objects.filter(community__code="JXHY").count() > 0
    assert not mine.exclude(community__code="JXHY").exists()


def test_numbers_are_unique_and_gapless_each_month_and_a_new_order_gets_the_next(generated):
    by_month = defaultdict(list)
    for number in WorkOrder.objects.values_list("number", flat=True):
        prefix, month, serial = number.split("-")
        by_month[month].append(int(serial))
    for month, serials in by_month.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), month
    month = max(by_month, key=lambda m: len(by_month[m]))
    reported = timezone.make_aware(datetime.datetime(int(month[:4]), int(month[4:]), 10, 9))
    order = services.create_work_order(
        by=get_user_model().objects.get(username="cs_agent"),
        community=Community.objects.get(code="JXHY"), location="大堂", channel="phone",
        category=WorkOrderCategory.objects.get(code="lighting"), description="灯不亮",
        reported_at=reported)
    assert order.number == f"WO-{month}-{len(by_month[month]) + 1:05d}"


def test_generating_again_into_the_same_database_is_refused(generated):
    with pytest.raises(CommandError, match="generated already"):
        call_command("generate_data", "--scale", "small", "--work-orders", "10")


def test_a_database_with_other_data_is_refused(db):
    Community.objects.create(code="REAL", name="真实小区")
    orders = WorkOrder.objects.count()
    with pytest.raises(CommandError, match="neither the demo's nor generated"):
        call_command("generate_data", "--scale", "small", "--work-orders", "10")
    assert WorkOrder.objects.count() == orders
    assert not Community.objects.filter(code__startswith="GEN002").exists()
