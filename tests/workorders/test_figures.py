"""Monthly repair figures: exact numbers on a known data set (each rate's numerator and
denominator), the month in local time, team and technician rows, the scoped page, Excel."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from property_service.workorders.figures import figures, monthly_figures
from property_service.workorders.models import FollowUp, WorkOrder, WorkOrderCategory
from property_service.workorders.states import State

from tests.factories.workorders import WorkOrderFactory
from tests.helpers import xlsx_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "admin:property_service_workorder_figures"
NOW = "2026-11-25 10:00"
MINUTE, HOUR = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def order(place, reported_at, *, priority="normal", team=None, assignee=None, state=State.NEW,
          respond=None, respond_budget=None, complete=None, complete_budget=None,
          **fields) -> WorkOrder:
    """An order reported at ``reported_at``, responded (first dispatch) ``respond`` and
    completed ``complete`` after it (``None``: not yet), its deadlines ``*_budget`` after it
    (by default the company standard of normal orders: 2 h and 48 h)."""
    respond_budget = respond_budget or 2 * HOUR
    complete_budget = complete_budget or 48 * HOUR
    return WorkOrderFactory(
        unit=place.unit, category=WorkOrderCategory.objects.get(code="electrical"),
        reported_at=reported_at, priority=priority, team=team, assignee=assignee, state=state,
        respond_by=reported_at + respond_budget,
        responded_at=None if respond is None else reported_at + respond,
        complete_by=fields.pop("complete_by", reported_at + complete_budget),
        completed_at=None if complete is None else reported_at + complete, **fields)


def follow_up(work_order, *, done_after=None, satisfaction=None, overdue_after=48 * HOUR):
    """A follow-up call of ``work_order``, overdue ``overdue_after`` its completion (the first
    one), made ``done_after`` it (``None``: not yet)."""
    completed = work_order.first_completed_at
    return FollowUp.objects.create(
        work_order=work_order, due_at=completed + 24 * HOUR,
        overdue_at=completed + overdue_after,
        status=FollowUp.Status.PENDING if done_after is None else FollowUp.Status.DONE,
        done_at=None if done_after is None else completed + done_after,
        satisfaction=satisfaction)


@pytest.fixture
def data_set(clock, place_a, place_b, maintenance_team, cleaning_team, technician,
             other_technician):
    """Community A in November 2026: six orders (one cancelled); B: one."""
    clock.set(NOW)
    # 1. Urgent, dispatched in 5 min (standard 10), completed in time, followed up in time: 5.
    o1 = order(place_a, local(2026, 11, 2, 9), priority="urgent", team=maintenance_team,
               assignee=technician, state=State.CLOSED, respond=5 * MINUTE,
               respond_budget=30 * MINUTE, complete=100 * MINUTE, complete_budget=2 * HOUR,
               first_completed_at=local(2026, 11, 2, 10, 40))
    follow_up(o1, done_after=20 * HOUR, satisfaction=5)
    # 2. Normal, dispatched in 130 min (late for both the response and the standard of
    #    120 min), completed, followed up late (unhappy: 2), in rework since 5 Nov, whose
    #    clock (48 h) ran out before now.
    o2 = order(place_a, local(2026, 11, 3, 9), team=maintenance_team, assignee=technician,
               state=State.REWORK, respond=130 * MINUTE,
               first_completed_at=local(2026, 11, 3, 15),
               rework_started_at=local(2026, 11, 5, 9), complete_by=local(2026, 11, 7, 9))
    follow_up(o2, done_after=50 * HOUR, satisfaction=2)
    # 3. Normal, dispatched in 60 min, completed in 50 h (deadline 48 h), its follow-up call
    #    still not made, overdue since 14 Nov.
    o3 = order(place_a, local(2026, 11, 10, 9), team=maintenance_team,
               assignee=other_technician, state=State.FOLLOW_UP, respond=60 * MINUTE,
               complete=50 * HOUR, first_completed_at=local(2026, 11, 12, 11))
    follow_up(o3)
    # 4. Important (no dispatch standard), in the pool, dispatched in 31 min; its completion
    #    deadline (8 h) passed while its clock is paused: not late.
    order(place_a, local(2026, 11, 24, 12), priority="important", team=maintenance_team,
          state=State.ACCEPTED, respond=31 * MINUTE, respond_budget=HOUR,
          complete_budget=8 * HOUR, paused_at=local(2026, 11, 24, 14))
    # 5. New, not dispatched, its response due at 11:00: not late yet at 10:00.
    order(place_a, local(2026, 11, 25, 9))
    # 6. Cancelled before dispatch: received, and counted nowhere else.
    order(place_a, local(2026, 11, 5, 9), team=cleaning_team, state=State.CANCELLED)
    order(place_b, local(2026, 11, 6, 9), respond=20 * MINUTE)
    return place_a.community, place_b.community


def by_community(rows):
    return {(row["community_id"], row["month"]): row for row in rows}


FIGURES = ("on_time_response_rate", "on_time_completion_rate", "median_dispatch_minutes",
           "mean_dispatch_minutes", "dispatch_in_standard_rate", "rework_rate",
           "follow_up_in_time_rate", "mean_satisfaction")


def test_each_figure_is_exactly_what_the_data_set_gives(data_set):
    a, _ = data_set
    row = by_community(monthly_figures(WorkOrder.objects.all()))[(a.pk,
                                                                   datetime.date(2026, 11, 1))]
    assert row == {
        "community_id": a.pk, "community": "Community AAA", "month": datetime.date(2026, 11, 1),
        "team_id": None, "team": None, "technician_id": None, "technician": None,
        "received": 6,
        "on_time_response_rate": 80.0,  # 4 of the 5 not cancelled: only order 2 was late
        "on_time_completion_rate": 60.0,  # 3 of 5: orders 2 (rework clock) and 3 were late
        "median_dispatch_minutes": 45.5,  # 5, 31, 60, 130: (31 + 60) / 2
        "mean_dispatch_minutes": 56.5,  # 226 / 4
        "dispatch_in_standard_rate": 66.7,  # 2 of the 3 urgent or normal ones dispatched
        "rework_rate": 33.3,  # 1 of the 3 completed at least once
        "follow_up_in_time_rate": 33.3,  # 1 of 3 calls: one made late, one not made, overdue
        "mean_satisfaction": 70.0,  # (5 + 2) / 2 * 20
    }


def test_rows_per_team_split_the_community_and_put_orders_without_a_team_last(
        data_set, maintenance_team, cleaning_team):
    a, b = data_set
    rows = monthly_figures(WorkOrder.objects.filter(community=a), group="team")
    assert [(r["team"], r["received"]) for r in rows] == [
        (cleaning_team.name, 1), (maintenance_team.name, 4), (None, 1)]
    cleaning, maintenance, without = rows
    assert [cleaning[k] for k in FIGURES] == [None] * len(FIGURES)  # only a cancelled one
    assert (maintenance["on_time_response_rate"], maintenance["on_time_completion_rate"],
            maintenance["median_dispatch_minutes"], maintenance["rework_rate"]) == (
        75.0, 50.0, 45.5, 33.3)
    assert (without["on_time_response_rate"], without["median_dispatch_minutes"]) == (
        100.0, None)


def test_rows_per_technician_count_each_ones_orders(data_set, technician, other_technician):
    a, _ = data_set
    rows = {r["technician_id"]: r for r in monthly_figures(
        WorkOrder.objects.filter(community=a), group="technician")}
    assert set(rows) == {technician.pk, other_technician.pk, None}
    mine = rows[technician.pk]  # orders 1 and 2
    assert mine["technician"] == technician.username and mine["team"] is None
    assert [mine[k] for k in FIGURES] == [50.0, 50.0, 67.5, 67.5, 50.0, 50.0, 50.0, 70.0]
    theirs = rows[other_technician.pk]  # order 3
    assert (theirs["received"], theirs["on_time_completion_rate"],
            theirs["follow_up_in_time_rate"], theirs["mean_satisfaction"]) == (1, 0.0, 0.0,
                                                                               None)
    assert rows[None]["received"] == 3


def test_an_order_belongs_to_its_month_in_shanghai_time(clock, place_a):
    clock.set("2026-12-02 10:00")
    for moment in (local(2026, 10, 31, 23, 59), local(2026, 11, 1, 0, 1),
                   local(2026, 11, 30, 23, 59), local(2026, 12, 1, 0, 1)):
        order(place_a, moment)
    rows = monthly_figures(WorkOrder.objects.all())
    assert [(r["month"], r["received"]) for r in rows] == [
        (datetime.date(2026, 10, 1), 1), (datetime.date(2026, 11, 1), 2),
        (datetime.date(2026, 12, 1), 1)]


def test_the_page_reads_only_the_month_asked_for_with_its_bounds_in_local_time(
        client, clock, place_a, make_staff):
    clock.set("2026-12-02 10:00")
    for moment in (local(2026, 10, 31, 23, 59), local(2026, 11, 1, 0, 1),
                   local(2026, 11, 30, 23, 59), local(2026, 12, 1, 0, 1)):
        order(place_a, moment)
    client.force_login(make_staff("CS Supervisor", communities=None))
    november = client.get(reverse(URL), {"month": "2026-11"}).context["rows"]
    assert [(r["month"], r["received"]) for r in november] == [(datetime.date(2026, 11, 1), 2)]
    # By default the latest month holding orders, and the months that hold some to choose.
    response = client.get(reverse(URL))
    assert [r["month"] for r in response.context["rows"]] == [datetime.date(2026, 12, 1)]
    assert response.context["months"] == [datetime.date(2026, 12, 1),
                                          datetime.date(2026, 11, 1),
                                          datetime.date(2026, 10, 1)]


def test_a_deadline_not_yet_due_is_on_time_until_it_is(clock, place_a):
    clock.set(NOW)
    order(place_a, local(2026, 11, 25, 9))  # response due at 11:00
    before = monthly_figures(WorkOrder.objects.all(), now=local(2026, 11, 25, 10, 59))
    after = monthly_figures(WorkOrder.objects.all(), now=local(2026, 11, 25, 11, 0))
    assert before[0]["on_time_response_rate"] == 100.0
    assert after[0]["on_time_response_rate"] == 0.0


def test_dispatch_at_the_standard_is_within_it_and_a_minute_later_is_not(clock, place_a):
    clock.set(NOW)
    order(place_a, local(2026, 11, 3, 9), priority="urgent", respond=10 * MINUTE)
    order(place_a, local(2026, 11, 3, 9), priority="urgent", respond=11 * MINUTE)
    order(place_a, local(2026, 11, 3, 9), respond=120 * MINUTE)
    order(place_a, local(2026, 11, 3, 9), respond=121 * MINUTE)
    order(place_a, local(2026, 11, 3, 9), priority="scheduled", respond=600 * MINUTE)
    row = monthly_figures(WorkOrder.objects.all())[0]
    assert row["dispatch_in_standard_rate"] == 50.0  # 2 of 4; scheduled has no standard
    assert row["median_dispatch_minutes"] == 120.0


def test_the_targets_and_the_dispatch_standard_are_data():
    from property_service.core.targets import dispatch_standards, work_order_targets

    assert work_order_targets() == {"satisfaction": 85}
    assert dispatch_standards() == {"urgent": 10, "normal": 120}
    targets = {f.key: f.target for f in figures()}
    assert targets["mean_satisfaction"] == 85
    assert targets["rework_rate"] is None


def test_a_target_in_the_data_is_set_beside_its_figure(monkeypatch):
    from property_service.workorders import figures as module

    monkeypatch.setattr(module, "work_order_targets",
                        lambda: {"satisfaction": 85, "rework_rate": 5})
    shown = {f.key: f for f in module.figures()}
    # The rework rate is better lower: its target is a ceiling.
    assert shown["rework_rate"].met(5.0) is True and shown["rework_rate"].met(5.1) is False
    assert shown["mean_satisfaction"].met(85.0) is True
    assert shown["mean_satisfaction"].met(84.9) is False
    assert shown["on_time_response_rate"].met(100.0) is None


def test_the_figures_take_three_queries_whatever_the_number_of_orders(
        clock, place_a, place_b, maintenance_team, technician, django_assert_num_queries):
    clock.set(NOW)
    for n in (2, 12):
        for i in range(n):
            made = order(place_a if i % 2 else place_b, local(2026, 1 + i % 11, 3, 9),
                         team=maintenance_team, assignee=technician, respond=i * MINUTE,
                         complete=HOUR, first_completed_at=local(2026, 1 + i % 11, 3, 10))
            follow_up(made, done_after=HOUR, satisfaction=1 + i % 5)
        for group in ("community", "team", "technician"):
            with django_assert_num_queries(3):
                monthly_figures(WorkOrder.objects.all(), group=group)


def test_a_manager_of_community_a_sees_only_community_a(client, make_staff, data_set):
    a, b = data_set
    client.force_login(make_staff("Property Manager", communities=[a]))
    response = client.get(reverse(URL), {"month": "2026-11"})
    assert response.status_code == 200
    assert {row["community_id"] for row in response.context["rows"]} == {a.pk}
    page = response.content.decode()
    assert "Community AAA" in page and "Community BBB" not in page
    assert not client.get(reverse(URL), {"month": "2026-11",
                                         "community": b.pk}).context["rows"]


def test_a_technician_sees_the_figures_of_their_teams_orders_only(client, data_set,
                                                                  technician):
    client.force_login(technician)
    rows = client.get(reverse(URL), {"month": "2026-11"}).context["rows"]
    assert [row["received"] for row in rows] == [4]  # the maintenance team's: orders 1 to 4


def test_a_user_without_the_work_orders_gets_no_figures(client, make_staff, data_set):
    client.force_login(make_staff("Admin & Finance", communities=None))
    assert client.get(reverse(URL)).status_code == 403


def test_the_page_filters_by_team_and_groups_by_technician(client, make_staff, data_set,
                                                           maintenance_team, technician):
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = client.get(reverse(URL), {"month": "2026-11", "team": maintenance_team.pk,
                                         "group": "technician"})
    rows = response.context["rows"]
    assert [(r["technician"], r["received"]) for r in rows if r["community"] ==
            "Community AAA"] == [("tech_a", 2), ("tech_b", 1), (None, 1)]
    page = response.content.decode()
    assert f'data-technician="{technician.pk}"' in page


def test_each_figure_is_marked_met_or_missed_against_its_target(client, make_staff, data_set):
    a, _ = data_set
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = client.get(reverse(URL), {"community": a.pk, "month": "2026-11"})
    (row,) = response.context["rows"]
    assert [(f["key"], f["met"]) for f in row["figures"] if f["met"] is not None] == [
        ("mean_satisfaction", False)]
    page = response.content.decode()
    assert 'data-met="no"' in page and "✗" in page


@pytest.mark.parametrize("query", [{"month": "2026-13"}, {"month": "11-2026"},
                                   {"month": "2026-1"}, {"team": "x"}, {"group": "floor"},
                                   {"community": "0"}])
def test_a_bad_filter_is_a_400_with_its_message(client, make_staff, data_set, query):
    client.force_login(make_staff("CS Supervisor", communities=None))
    assert client.get(reverse(URL), query).status_code == 400


def test_the_excel_export_is_the_shown_table_under_a_header_row(client, make_staff, data_set):
    a, _ = data_set
    client.force_login(make_staff("Property Manager", communities=[a]))
    response = client.get(reverse(URL), {"month": "2026-11", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "repair-figures-2026-11.xlsx" in response["Content-Disposition"]
    rows = xlsx_rows(response.content)
    assert rows[0] == ["Community", "Month", "Received", "Responded on time (%)",
                       "Completed on time (%)", "Median dispatch time (min)",
                       "Average dispatch time (min)", "Dispatched within the standard (%)",
                       "Rework (%)", "Follow-up call in time (%)",
                       "Satisfaction (out of 100), target 85"]
    assert rows[1:] == [["Community AAA", "2026-11", 6, 80, 60, 45.5, 56.5, 66.7, 33.3, 33.3,
                         70]]


def test_the_excel_export_per_team_names_each_team(client, make_staff, data_set,
                                                   maintenance_team, cleaning_team):
    a, _ = data_set
    client.force_login(make_staff("Property Manager", communities=[a]))
    rows = xlsx_rows(client.get(reverse(URL), {"month": "2026-11", "group": "team",
                                               "format": "xlsx"}).content)
    assert rows[0][:4] == ["Community", "Month", "Team", "Received"]
    assert [row[2:4] for row in rows[1:]] == [[cleaning_team.name, 1],
                                              [maintenance_team.name, 4], ["(none)", 1]]


def test_the_two_figures_pages_link_to_each_other(client, make_staff, data_set):
    client.force_login(make_staff("CS Supervisor", communities=None))
    repairs = client.get(reverse(URL)).content.decode()
    complaints = client.get(reverse("admin:property_service_complaint_figures")).content.decode()
    assert reverse("admin:property_service_complaint_figures") in repairs
    assert reverse(URL) in complaints


def test_the_page_is_in_chinese_for_chinese_users(client, make_staff, data_set):
    client.force_login(make_staff("CS Supervisor", communities=None))
    page = client.get(reverse(URL), {"month": "2026-11"},
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "维修统计" in page and "满意度" in page
    for english in ("Repair figures", "Responded on time", "Dispatch standard", "Received"):
        assert english not in page


def test_the_default_month_is_the_latest_of_the_community_chosen(client, make_staff, data_set,
                                                                 place_a):
    a, b = data_set
    order(place_a, local(2026, 11, 25, 9, 30))
    WorkOrder.objects.filter(reported_at=local(2026, 11, 25, 9, 30)).update(
        reported_at=local(2026, 12, 1, 8))
    client.force_login(make_staff("CS Supervisor", communities=None))
    assert client.get(reverse(URL)).context["selected"].month == datetime.date(2026, 12, 1)
    assert client.get(reverse(URL), {"community": b.pk}).context["selected"].month == \
        datetime.date(2026, 11, 1)


def test_the_page_states_the_dispatch_standard_the_data_gives(client, make_staff, data_set,
                                                              monkeypatch):
    from property_service.workorders import figures as module

    client.force_login(make_staff("CS Supervisor", communities=None))
    page = client.get(reverse(URL), {"month": "2026-11"}).content.decode()
    assert "<span>Urgent: 10 min</span><span>Normal: 120 min</span>" in page
    monkeypatch.setattr(module, "dispatch_standards", lambda: {"urgent": 5})
    page = client.get(reverse(URL), {"month": "2026-11"}).content.decode()
    assert "<span>Urgent: 5 min</span>" in page and "120 min" not in page


def test_the_page_costs_the_same_queries_whatever_the_orders_and_reads_one_month(
        client, clock, make_staff, place_a, place_b, maintenance_team, technician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock.set(NOW)
    client.force_login(make_staff("Property Manager", communities=[place_a.community]))
    counts = []
    for n in (2, 12):
        for i in range(n):
            made = order(place_a if i % 2 else place_b, local(2026, 1 + i % 11, 3, 9),
                         team=maintenance_team, assignee=technician, respond=i * MINUTE,
                         complete=HOUR, first_completed_at=local(2026, 1 + i % 11, 3, 10))
            follow_up(made, done_after=HOUR, satisfaction=1 + i % 5)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(URL), {"group": "technician"}).status_code == 200
        counts.append(len(queries))
        sql = [q["sql"].upper() for q in queries.captured_queries]
        assert not any("DISTINCT" in q for q in sql)
        assert sum("GROUP BY" in q for q in sql) == 2  # the orders' and the calls' counts
    assert counts[0] == counts[1]


@pytest.mark.parametrize("group", ["community", "team", "technician"])
def test_the_kept_rows_are_the_rows_counted_now(data_set, group):
    from property_service.workorders.figures import kept_rows

    a, b = data_set
    counted = monthly_figures(WorkOrder.objects.all(), group=group)
    assert len(counted) >= 2
    assert kept_rows([a.pk, b.pk], datetime.date(2026, 11, 1), group) == counted
    assert kept_rows([a.pk, b.pk], datetime.date(2026, 11, 1), group) == counted  # read back
    assert kept_rows([b.pk], datetime.date(2026, 11, 1), group) == [
        row for row in counted if row["community_id"] == b.pk]


def test_a_follow_up_call_made_shows_on_the_page_at_once(client, make_staff, data_set):
    a, _ = data_set
    client.force_login(make_staff("Property Manager", communities=[a]))
    row = client.get(reverse(URL), {"month": "2026-11"}).context["rows"][0]
    assert (row["follow_up_in_time_rate"], row["mean_satisfaction"]) == (33.3, 70.0)
    pending = FollowUp.objects.get(work_order__community=a, status=FollowUp.Status.PENDING)
    pending.status, pending.done_at, pending.satisfaction = (
        FollowUp.Status.DONE, pending.overdue_at, 5)
    pending.save()
    row = client.get(reverse(URL), {"month": "2026-11"}).context["rows"][0]
    assert (row["follow_up_in_time_rate"], row["mean_satisfaction"]) == (66.7, 80.0)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("group", ["community", "team", "technician"])
def test_the_rows_are_drawn_as_the_template_drew_them(client, make_staff, data_set, group,
                                                     language):
    from django.utils import translation

    from tests.figure_rows import assert_drawn_alike

    client.force_login(make_staff("Property Manager", communities=None))
    rows = client.get(reverse(URL), {"month": "2026-11", "group": group}).context["rows"]
    if group != "community":
        assert any(row[group] is None for row in rows)  # "(none)"
    with translation.override(language):
        assert_drawn_alike(rows, group)
