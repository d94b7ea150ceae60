"""The renewal dashboard at scale: groups computed by the database agree with the rule, each
group shows a bounded number of rows (soonest first) with links to all of them, and the page
costs the same queries whatever the number of agreements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.contracts.models import Contract
from property_service.renewals import dashboard, rules
from property_service.renewals.states import State

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory
from tests.helpers import admin_url
from tests.renewals.conftest import TODAY, days

DASHBOARD = "/admin/property_service/contract/renewals/"


@pytest.mark.parametrize("today", [
    TODAY, datetime.date(2027, 2, 28), datetime.date(2028, 2, 29), datetime.date(2026, 8, 31),
    datetime.date(2026, 12, 31)])
@pytest.mark.parametrize("thresholds", [
    None, ["6 months", "90 days", "30 days", "7 days"], ["1 month", "31 days", "2 days"],
    ["3 months", "1 month"]])
def test_the_databases_group_of_every_end_date_is_the_rules(db, place_a, finance, settings,
                                                            today, thresholds):
    if thresholds:
        settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                     "RENEWALS": {"THRESHOLDS": thresholds}}
    steps = rules.thresholds()
    for n in range(-3, 200):
        ContractFactory(community=place_a.community, responsible=finance,
                        start_date=today - datetime.timedelta(days=400),
                        end_date=today + datetime.timedelta(days=n), number=f"C{n}")
    grouped = dict(Contract.objects.annotate(group=dashboard.bucket_expression(today, steps))
                   .values_list("end_date", "group"))
    assert grouped == {end: rules.bucket(end, today, steps) for end in grouped}
    for code, _label in [(rules.EXPIRED, ""), *[(t.code, "") for t in steps]]:
        assert set(Contract.objects.filter(dashboard.group_q(code, today, steps))
                   .values_list("end_date", flat=True)) == {
            end for end, group in grouped.items() if group == code}


def test_last_end_reached_counts_the_month_ends_reached_early():
    six = rules.parse_threshold("6 months")
    assert rules.last_end_reached(datetime.date(2027, 2, 28), six) == datetime.date(2027, 8, 31)
    assert rules.latest_end_within(datetime.date(2027, 2, 28), six) == \
        datetime.date(2027, 8, 28)
    assert rules.last_end_reached(TODAY, rules.parse_threshold("30 days")) == days(30)


@pytest.fixture
def many(place_a, finance):
    """Four of each kind due within 7 days, ties on the end date broken by reference."""
    made = []
    for n in range(4):
        made.append(ContractFactory(community=place_a.community, responsible=finance,
                                    start_date=days(-300), end_date=days(1 + n % 2),
                                    number=f"A-{n}", state=State.RENEWAL_DUE))
        made.append(InsurancePolicyFactory(community=place_a.community, responsible=finance,
                                           start_date=days(-300), end_date=days(1 + n % 3),
                                           policy_number=f"P-{n}", state=State.RENEWAL_DUE))
    return made


def rows_of(response, code):
    return [row.reference for group in response.context["groups"] if group["code"] == code
            for row in group["rows"]]


def test_a_group_shows_its_first_rows_soonest_first_and_links_to_all_of_them(
        client, finance, many, monkeypatch):
    client.force_login(finance)
    every = [r.reference for r in dashboard.dashboard_rows(finance, today=TODAY)
             if r.bucket == "7d"]
    response = client.get(DASHBOARD)
    assert rows_of(response, "7d") == every and len(every) == 8
    monkeypatch.setattr(dashboard, "ROWS_PER_GROUP", 3)
    response = client.get(DASHBOARD)
    assert rows_of(response, "7d") == every[:3]
    group = next(g for g in response.context["groups"] if g["code"] == "7d")
    assert group["size"] == 8
    page = response.content.decode()
    assert "Within 7 days (8)" in page
    links = [url for _plural, url in group["more"]]
    assert links == [admin_url("contract", "changelist") + "?renewal_group=7d",
                     admin_url("insurancepolicy", "changelist") + "?renewal_group=7d"]
    listed = client.get(links[0]).context["cl"].result_list
    assert sorted(str(c) for c in listed) == sorted(
        r for r in every if r.startswith("A-"))


def test_the_dashboard_costs_the_same_queries_and_reads_a_bounded_number_of_rows(
        client, finance, place_a, monkeypatch):
    monkeypatch.setattr(dashboard, "ROWS_PER_GROUP", 3)
    read, built = [], []
    order, make_rows = dashboard._soonest, dashboard._rows
    monkeypatch.setattr(dashboard, "_soonest",
                        lambda agreements: read.extend(agreements) or order(agreements))
    monkeypatch.setattr(dashboard, "_rows",
                        lambda agreements, *args: built.extend(agreements)
                        or make_rows(agreements, *args))
    client.force_login(finance)

    def page():
        read.clear()
        built.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(DASHBOARD)
            assert response.status_code == 200
        return len(captured), response

    def add(n, start):
        for i in range(start, start + n):
            for end in (-2 - i, 3 + i % 4, 20 + i, 60 + i, 120 + i):
                state = State.EXPIRED if end < 0 else State.RENEWAL_DUE
                ContractFactory(community=place_a.community, responsible=finance,
                                start_date=days(end - 365), end_date=days(end), state=state)
                InsurancePolicyFactory(community=place_a.community, responsible=finance,
                                       start_date=days(end - 365), end_date=days(end),
                                       state=state)

    add(1, 0)
    few, _response = page()
    add(8, 1)
    many, response = page()
    assert many == few
    # Three rows a group of each kind are read (and the ties of the third one's day), not
    # every one, and only the three shown are drawn.
    assert len(read) <= 2 * (3 * 5 + 2)
    assert len(built) == 3 * 5
    assert [g["size"] for g in response.context["groups"]] == [18, 18, 18, 18, 18]
