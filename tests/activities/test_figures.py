"""The figures, exact on a known data set: participants, households and their share of the
occupied units, satisfaction share, average rating, per activity and per community and month,
against the targets of fixtures/service_targets.toml; each user sees their communities only."""

import datetime
from decimal import Decimal

import pytest
from property_service.activities import services
from property_service.activities.figures import (
    Attendance,
    Feedback,
    activity_figures,
    compute,
    month_figures,
)
from property_service.core.targets import activity_targets

from tests.activities.conftest import act, household, sign_up
from tests.workorders.conftest import at

TARGETS = {"household_share": 60, "satisfaction_share": 95, "average_rating": 8.5}


def test_the_targets_are_read_from_the_service_targets_file():
    assert activity_targets() == {"household_share": 60.0, "satisfaction_share": 95.0,
                                  "average_rating": 8.5}


def test_compute_is_exact_without_a_database():
    figures = compute([Attendance(1, 3), Attendance(2, 1), Attendance(1, 2)],
                      [Feedback(9, True), Feedback(7, False), Feedback(10, True)],
                      community_households=3, targets=TARGETS)
    assert figures.participants == 6 and figures.households == 2
    assert figures.household_share == Decimal("66.7")
    assert figures.satisfaction_share == Decimal("66.7")
    assert figures.average_rating == Decimal("8.7")
    assert figures.meets("household_share") is True
    assert figures.meets("satisfaction_share") is False
    assert figures.meets("average_rating") is True


def test_no_data_gives_no_figures_rather_than_zero():
    figures = compute([], [], community_households=0, targets=TARGETS)
    assert figures.household_share is None and figures.satisfaction_share is None
    assert figures.average_rating is None and figures.meets("average_rating") is None


def test_the_documents_example_meets_every_target():
    # 320 people from 61 of 100 households, 19 of 20 satisfied, ratings averaging 8.5.
    attendance = [Attendance(n, 6 if n < 15 else 5) for n in range(61)]
    said = [Feedback(9, True)] * 10 + [Feedback(8, True)] * 9 + [Feedback(8, False)]
    figures = compute(attendance, said, community_households=100, targets=TARGETS)
    assert figures.participants == 320
    assert all(figures.meets(name) for name in TARGETS)


@pytest.fixture
def held_month(place_a, place_b, agent, manager, make_staff, clock):
    """Community A: five occupied units (301-305) and a vacant one; two activities in January
    2027, a third in February; community B one in January."""
    place_a.unit.status = "occupied"
    place_a.unit.save()
    units = {"301": place_a.unit}
    for number in ("302", "303", "304", "305"):
        units[number] = household(place_a, number)
    household(place_a, "306").__class__.objects.filter(number="306").update(status="vacant")

    def run(place, by, boss, day, signups, walk_ins, said, month="01"):
        activity = services.activity_create(
            by=by, community=place.community, title=f"活动{day}", place="会所",
            starts_at=at(f"2027-{month}-{day} 19:00"), ends_at=at(f"2027-{month}-{day} 21:00"),
            signup_closes_at=at(f"2027-{month}-{day} 12:00"), capacity=20, household_limit=4)
        clock.set("2026-11-25 10:00")
        act(activity, boss, "publish")
        rows = {n: sign_up(activity, by, units_of[n], people=p)
                for n, p in signups.items()}
        clock.set(f"2027-{month}-{day} 19:30")
        for n, came in walk_ins.items():
            rows[n] = services.walk_in_record(activity_id=activity.pk, user=by,
                                              unit=units_of[n], people=came)
        for n, came in signups_came.get(day, {}).items():
            services.attendance_record(signup_id=rows[n].pk, user=by, attended=came > 0,
                                       people=came or None)
        act(activity, by, "mark_held")
        for n, (rating, satisfied) in said.items():
            services.feedback_give(signup_id=rows[n].pk, user=by, rating=rating,
                                   satisfied=satisfied)
        return activity

    units_of = units
    signups_came = {"10": {"301": 3, "302": 1, "303": 0, "304": 1},
                    "25": {"301": 2, "303": 1}}
    first = run(place_a, agent, manager, "10", {"301": 3, "302": 2, "303": 4, "304": 1},
                {"305": 2}, {"301": (9, True), "302": (7, False), "305": (10, True)})
    second = run(place_a, agent, manager, "25", {"301": 2, "303": 1}, {},
                 {"303": (8, True)})
    signups_came["05"] = {"301": 4}
    february = run(place_a, agent, manager, "05", {"301": 4}, {}, {"301": (2, False)},
                   month="02")
    agent_b = make_staff("CS Agent", communities=[place_b.community])
    manager_b = make_staff("Property Manager", communities=[place_b.community])
    units_of = {"301": place_b.unit}
    signups_came["12"] = {"301": 2}
    theirs = run(place_b, agent_b, manager_b, "12", {"301": 2}, {}, {"301": (1, False)})
    return first, second, february, theirs


def test_one_activitys_figures_are_exact(held_month):
    first, *_ = held_month
    figures = activity_figures(first)
    assert figures.participants == 7  # 3 + 1 + 1 + a walk-in of 2; the no-show counts none
    assert (figures.households, figures.community_households) == (4, 5)
    assert figures.household_share == Decimal("80.0")
    assert (figures.feedback, figures.satisfied) == (3, 2)
    assert figures.satisfaction_share == Decimal("66.7")
    assert figures.average_rating == Decimal("8.7")


def test_a_months_figures_count_each_household_once(held_month, agent):
    [row] = month_figures(agent, datetime.date(2027, 1, 1))
    figures = row.figures
    assert row.activities == 2
    assert figures.participants == 10
    assert figures.households == 5 and figures.household_share == Decimal("100.0")
    assert figures.satisfaction_share == Decimal("75.0")
    assert figures.average_rating == Decimal("8.5")
    assert figures.meets("average_rating") and not figures.meets("satisfaction_share")


def test_each_user_sees_their_own_communities_figures(held_month, make_staff, place_b):
    january = datetime.date(2027, 1, 1)
    everywhere = make_staff("CS Supervisor")
    assert len(month_figures(everywhere, january)) == 2
    agent_b = make_staff("CS Agent", communities=[place_b.community])
    [row] = month_figures(agent_b, january)
    assert row.community == place_b.community and row.figures.average_rating == Decimal("1.0")


def test_the_figures_page_and_the_activity_page_show_them(held_month, client, agent):
    first, *_ = held_month
    client.force_login(agent)
    page = client.get("/admin/property_service/activity/figures/?month=2027-01")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-figure="average_rating">8.5 / 10' in text and "活动12" not in text
    page = client.get(f"/admin/property_service/activity/{first.pk}/change/")
    assert page.status_code == 200
    assert 'data-figure="household_share">80.0%' in page.content.decode()
    assert client.get("/admin/property_service/activity/figures/?month=2027-13").status_code \
        == 400


def test_the_figures_api_answers_per_community_and_month(held_month, client, agent, place_a):
    client.force_login(agent)
    body = client.get("/api/v1/figures/activities/?month=2027-01").json()
    assert body["targets"] == {"household_share": 60.0, "satisfaction_share": 95.0,
                               "average_rating": 8.5}
    [row] = body["results"]
    assert row["community"] == place_a.community.pk and row["participants"] == 10
    assert (row["household_share"], row["satisfaction_share"], row["average_rating"]) == \
        (100.0, 75.0, 8.5)
    assert row["met"] == {"household_share": True, "satisfaction_share": False,
                          "average_rating": True}
    assert client.get("/api/v1/figures/activities/?month=2027-13").status_code == 400
    assert client.get("/api/v1/figures/activities/?community=x").status_code == 400


def test_a_technician_may_not_read_the_activity_figures(client, make_staff, place_a):
    client.force_login(make_staff("Maintenance", communities=[place_a.community]))
    assert client.get("/api/v1/figures/activities/").status_code == 403
