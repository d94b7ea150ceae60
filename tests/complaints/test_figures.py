"""Monthly complaint figures: exact numbers on a known data set, one query, scoped page, Excel."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from property_service.complaints.deadlines import BY_NAME
from property_service.complaints.figures import combined, monthly_figures, top_categories
from property_service.complaints.models import Complaint
from property_service.complaints.states import State

from tests.helpers import xlsx_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "admin:property_service_complaint_figures"
_numbers = itertools.count(1)
# How long after receipt each deadline of a general complaint falls due.
_BUDGETS = {name: datetime.timedelta(minutes=m) for name, m in (
    ("handover", 10), ("contact", 30), ("plan", 120), ("answer", 240), ("resolve", 2 * 24 * 60),
    ("follow_up", 3 * 24 * 60))}


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def complaint(place, received_at, state, *, category="repairs", missed=(), due=None,
              **fields) -> Complaint:
    """A complaint whose deadlines (those named in ``due``; all by default) were met one minute
    early, except those named in ``missed``, met one minute late."""
    due = set(_BUDGETS) if due is None else set(due)
    for name, budget in _BUDGETS.items():
        d = BY_NAME[name]
        if d.name in due:
            fields[d.due_field] = received_at + budget
            late = datetime.timedelta(minutes=1 if d.name in missed else -1)
            fields.setdefault(d.done_field, received_at + budget + late)
    return Complaint.objects.create(
        number=f"TS-{next(_numbers):06d}", community=place.community, channel="phone",
        category=category, content="测试", state=state, received_at=received_at, **fields)


UNTIL_PLAN = ("handover", "contact", "plan")
DEADLINES_BUT_FOLLOW_UP = ("handover", "contact", "plan", "answer", "resolve")


@pytest.fixture
def data_set(place_a, place_b):
    """A: 5 in Nov 2026 (one withdrawn), 1 in Oct; B: 1 open in Nov, 1 withdrawn in Dec."""
    complaint(place_a, local(2026, 11, 1, 0, 30), State.CLOSED, satisfaction=5)
    complaint(place_a, local(2026, 11, 5, 9), State.CLOSED, satisfaction=4, reopen_count=1)
    complaint(place_a, local(2026, 11, 6, 9), State.PLAN_AGREED, due=UNTIL_PLAN)
    complaint(place_a, local(2026, 11, 7, 9), State.CLOSED, category="cleaning",
              missed=["contact"], satisfaction=2)
    complaint(place_a, local(2026, 11, 8, 9), State.WITHDRAWN, category="noise",
              due=["handover"], missed=["handover"])
    complaint(place_a, local(2026, 10, 31, 23, 30), State.RESOLVED, category="parking",
              due=DEADLINES_BUT_FOLLOW_UP, satisfaction=5)
    complaint(place_b, local(2026, 11, 10, 9), State.RECEIVED, category="security",
              due=["handover"], assigned_at=None)
    complaint(place_b, local(2026, 12, 2, 9), State.WITHDRAWN, category="fees", due=[])
    return place_a.community, place_b.community


def by_key(rows):
    return {(row["community_id"], row["month"]): row for row in rows}


def test_each_figure_is_exactly_what_the_data_set_gives(data_set):
    a, _ = data_set
    row = by_key(monthly_figures(Complaint.objects.all()))[(a.pk, datetime.date(2026, 11, 1))]
    assert row == {
        "community_id": a.pk, "community": "Community AAA", "month": datetime.date(2026, 11, 1),
        "received": 5,
        "on_time_rate": 75.0,  # 3 of the 4 not withdrawn met every deadline that has a due date
        "resolution_rate": 75.0,  # 3 closed of the 4 not withdrawn
        "reopen_rate": 33.3,  # 1 of those 3 was reopened
        "mean_satisfaction": 73.3,  # (5 + 4 + 2) / 3 * 20
        "counts": {"counted": 4, "on_time": 3, "resolved": 3, "ever_resolved": 3,
                   "reopened": 1, "score_sum": 11, "scores": 3},
    }


def test_rows_taken_together_give_the_rates_of_one_row_over_all_of_them(data_set):
    rows = monthly_figures(Complaint.objects.all())
    together = combined([row["counts"] for row in rows])
    assert together == {
        "on_time_rate": 66.7,  # 4 of the 6 not withdrawn: A's 3 of Nov, A's 1 of Oct
        "resolution_rate": 66.7,  # A's 3 closed of Nov, A's resolved one of Oct
        "reopen_rate": 25.0,  # 1 of the 4 resolved
        "mean_satisfaction": 80.0,  # (5 + 4 + 2 + 5) / 4 * 20
    }


def test_rows_are_per_community_and_local_month_in_order(data_set):
    a, b = data_set
    rows = monthly_figures(Complaint.objects.all())
    assert [(r["community"], r["month"], r["received"]) for r in rows] == [
        ("Community AAA", datetime.date(2026, 10, 1), 1),  # 23:30 local on 31 Oct
        ("Community AAA", datetime.date(2026, 11, 1), 5),  # 00:30 local on 1 Nov is November
        ("Community BBB", datetime.date(2026, 11, 1), 1),
        ("Community BBB", datetime.date(2026, 12, 1), 1),
    ]
    october = rows[0]
    assert (october["on_time_rate"], october["resolution_rate"], october["reopen_rate"],
            october["mean_satisfaction"]) == (100.0, 100.0, 0.0, 100.0)


def test_a_deadline_due_but_not_done_counts_as_missed_and_open_ones_as_unresolved(data_set):
    _, b = data_set
    row = by_key(monthly_figures(Complaint.objects.all()))[(b.pk, datetime.date(2026, 11, 1))]
    assert (row["on_time_rate"], row["resolution_rate"]) == (0.0, 0.0)
    assert row["reopen_rate"] is None and row["mean_satisfaction"] is None


def test_withdrawn_complaints_are_received_but_leave_every_rate_without_a_denominator(data_set):
    _, b = data_set
    row = by_key(monthly_figures(Complaint.objects.all()))[(b.pk, datetime.date(2026, 12, 1))]
    assert row["received"] == 1
    assert [row[k] for k in ("on_time_rate", "resolution_rate", "reopen_rate",
                             "mean_satisfaction")] == [None, None, None, None]


def test_top_categories_are_the_most_frequent_first_with_ties_by_code(data_set):
    a, b = data_set
    top = top_categories(Complaint.objects.all())
    assert top[(a.pk, datetime.date(2026, 11, 1))] == [
        ("Repairs", 3), ("Cleaning", 1), ("Noise / neighbours", 1)]
    assert top[(b.pk, datetime.date(2026, 12, 1))] == [("Fees", 1)]
    assert top_categories(Complaint.objects.all(), limit=1)[
        (a.pk, datetime.date(2026, 11, 1))] == [("Repairs", 3)]


def test_the_figures_take_one_query_whatever_the_number_of_complaints(
        place_a, place_b, django_assert_num_queries):
    for n in (2, 10):
        for i in range(n):
            complaint(place_a if i % 2 else place_b, local(2026, 1 + i % 12, 3, 9),
                      State.CLOSED, satisfaction=1 + i % 5)
        with django_assert_num_queries(1):
            monthly_figures(Complaint.objects.all())
        with django_assert_num_queries(1):
            top_categories(Complaint.objects.all())


def test_the_targets_are_the_company_promises():
    from property_service.core.targets import complaint_targets

    assert complaint_targets() == {"on_time_rate": 95, "resolution_rate": 90,
                                   "satisfaction": 85}


def test_a_user_of_community_a_sees_only_community_a_on_the_page(client, make_staff, data_set):
    a, b = data_set
    client.force_login(make_staff("CS Supervisor", communities=[a]))
    response = client.get(reverse(URL))
    assert response.status_code == 200
    assert {row["community_id"] for row in response.context["rows"]} == {a.pk}
    page = response.content.decode()
    assert "Community AAA" in page and "Community BBB" not in page
    assert not client.get(reverse(URL), {"community": b.pk}).context["rows"]


def test_each_figure_is_marked_met_or_missed_against_its_target(client, make_staff, data_set):
    a, _ = data_set
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = client.get(reverse(URL), {"community": a.pk, "year": 2026})
    october, november = response.context["rows"]
    assert [(f["key"], f["met"]) for f in october["figures"]] == [
        ("on_time_rate", True), ("resolution_rate", True), ("reopen_rate", None),
        ("mean_satisfaction", True)]
    assert [f["met"] for f in november["figures"]] == [False, False, None, False]
    page = response.content.decode()
    assert 'data-met="yes"' in page and 'data-met="no"' in page and "✓" in page and "✗" in page
    assert not client.get(reverse(URL), {"year": 2025}).context["rows"]


def test_the_excel_export_is_the_same_table_under_a_header_row(client, make_staff, data_set):
    a, _ = data_set
    client.force_login(make_staff("CS Supervisor", communities=[a]))
    response = client.get(reverse(URL), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response.content)
    assert rows[0] == ["Community", "Month", "Received", "On time (%), target 95",
                       "Resolved (%), target 90", "Reopened (%)",
                       "Satisfaction (out of 100), target 85", "Top subjects"]
    assert rows[1:] == [
        ["Community AAA", "2026-10", 1, 100, 100, 0, 100, "Parking (1)"],
        ["Community AAA", "2026-11", 5, 75, 75, 33.3, 73.3,
         "Repairs (3); Cleaning (1); Noise / neighbours (1)"],
    ]


def test_a_complaint_still_within_its_times_counts_as_on_time(place_a):
    from property_service.complaints.figures import monthly_figures

    complaint(place_a, local(2026, 11, 20, 9), State.CONTACTED, due=["handover", "contact"])
    pending = Complaint.objects.get()
    pending.plan_by = local(2026, 11, 20, 11)  # due, not done yet
    pending.save()
    before = monthly_figures(Complaint.objects.all(), now=local(2026, 11, 20, 10))
    after = monthly_figures(Complaint.objects.all(), now=local(2026, 11, 20, 12))
    assert before[0]["on_time_rate"] == 100.0 and after[0]["on_time_rate"] == 0.0


def test_the_page_shows_the_latest_year_unless_every_year_is_asked_for(client, make_staff,
                                                                       data_set, place_a):
    a, _ = data_set
    complaint(place_a, local(2025, 3, 3, 9), State.CLOSED, satisfaction=5)
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = client.get(reverse(URL))
    assert response.context["years"] == [2026, 2025]
    assert response.context["selected_year"] == 2026
    assert {row["month"].year for row in response.context["rows"]} == {2026}
    every = client.get(reverse(URL), {"year": "all"}).context["rows"]
    figures = monthly_figures(Complaint.objects.all())
    assert [{key: row[key] for key in figures[0]} for row in every] == figures
    assert [row["month"] for row in every if row["community_id"] == a.pk][0] == \
        datetime.date(2025, 3, 1)
    assert client.get(reverse(URL), {"year": "1999x"}).status_code == 400


def test_the_page_finds_its_years_without_reading_every_complaint(client, make_staff, data_set):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_staff("CS Supervisor", communities=None))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(URL)).status_code == 200
    assert not any("DISTINCT" in q["sql"].upper() for q in queries.captured_queries)


def test_a_write_shows_on_the_page_at_once_and_only_its_month_is_counted_again(
        client, make_staff, data_set):
    """The figures are kept by community and month: a complaint saved forgets its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, _ = data_set
    client.force_login(make_staff("CS Supervisor", communities=None))
    rows = client.get(reverse(URL), {"year": 2026}).context["rows"]
    assert by_key(rows)[(a.pk, datetime.date(2026, 11, 1))]["resolution_rate"] == 75.0
    with CaptureQueriesContext(connection) as kept:
        assert client.get(reverse(URL), {"year": 2026}).context["rows"] == rows
    assert not any("GROUP BY" in q["sql"].upper() for q in kept.captured_queries)
    planned = Complaint.objects.get(community=a, state=State.PLAN_AGREED)
    planned.resolved_at = local(2026, 11, 9, 9)
    planned.save()
    with CaptureQueriesContext(connection) as again:
        rows = client.get(reverse(URL), {"year": 2026}).context["rows"]
    assert by_key(rows)[(a.pk, datetime.date(2026, 11, 1))]["resolution_rate"] == 100.0
    grouped = [q["sql"] for q in again.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert len(grouped) == 2  # November of A: its counts and its subjects
    assert all("2026-10-31 16:00:00" in sql and "2026-11-30 16:00:00" in sql
               for sql in grouped)


def test_the_kept_rows_are_the_rows_counted_now(data_set):
    from property_service.complaints.figures import kept_rows
    from property_service.registry.models import Community

    counted = monthly_figures(Complaint.objects.all())
    top = top_categories(Complaint.objects.all())
    for row in counted:
        row["top_categories"] = top[(row["community_id"], row["month"])]
    months = [datetime.date(2026, m, 1) for m in (9, 10, 11, 12)]
    assert kept_rows(Community.objects.all(), months) == counted
    assert kept_rows(Community.objects.all(), months) == counted  # and read back the same


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_are_drawn_as_the_template_drew_them(client, make_staff, data_set, language):
    from django.utils import translation

    from tests.figure_rows import assert_drawn_alike

    client.force_login(make_staff("CS Supervisor", communities=None))
    rows = client.get(reverse(URL), {"year": "all"}).context["rows"]
    assert {f["met"] for row in rows for f in row["figures"]} == {True, False, None}
    assert any(f["value"] is None for row in rows for f in row["figures"])
    with translation.override(language):
        assert_drawn_alike(rows)
