"""Every admin list and report page fuzzed through its query string: crafted filters (huge and
non-numeric ids, bad dates, unknown lookups, bad page and order numbers) as a superuser and as
a community-bound role never get a 5xx. (The API's counterpart is tests/api/test_fuzz.py.)"""

import logging

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from tests.factories.renewals import ContractFactory
from tests.factories.workorders import WorkOrderFactory

HUGE = "9" * 40
NASTY = [HUGE, "abc"]
DATES = ["2026-13-45", HUGE]
# Parameters every list reads itself: page, ordering, search, the popup/"to field" markers.
GENERAL = {"p": ["abc", HUGE], "o": ["abc", HUGE], "q": ["'\"<>%"], "nope__lookup": ["1"],
           "id__in": ["1,abc"], "e": ["1"], "_to_field": ["password"]}
REPORTS = [
    ("admin:property_service_complaint_figures", {"year": ["99999", "abc", "-1", HUGE],
                                                  "community": NASTY,
                                                  "format": ["xlsx", "99"]}),
    ("admin:property_service_workorder_figures", {"month": ["2026-13", "0000-01", "9999-12",
                                                            "abc", HUGE],
                                                  "community": NASTY, "team": NASTY,
                                                  "group": ["abc"], "format": ["xlsx", "99"]}),
    ("admin:property_service_renewal_dashboard", {"community": NASTY,
                                                  "format": ["xlsx", "99"]}),
    ("admin:property_service_activity_figures", {"month": ["2026-13", "0000-01", "9999-12",
                                                           "abc", HUGE],
                                                 "community": NASTY}),
]


def crafted_queries(model_admin) -> list[dict]:
    """For one model admin: one query per crafted value of each of its filters and fields."""
    model = model_admin.model
    queries = [{name: value} for name, values in GENERAL.items() for value in values]
    for field in model._meta.get_fields():
        if field.is_relation and field.concrete:
            for value in NASTY:
                queries += [{field.name: value}, {f"{field.name}__id__exact": value}]
        elif isinstance(field, models.DateField | models.DateTimeField):
            queries += [{f"{field.name}__gte": value} for value in DATES]
            queries += [{f"{field.name}__year": value} for value in DATES]
        elif isinstance(field, models.IntegerField):
            queries += [{field.name: value} for value in NASTY]
    for list_filter in model_admin.list_filter:
        name = getattr(list_filter, "parameter_name", None)
        if name:
            queries += [{name: value} for value in NASTY]
    return queries


def changelists():
    return [pytest.param(model_admin, id=f"{model._meta.app_label}.{model._meta.model_name}")
            for model, model_admin in admin.site._registry.items()]


@pytest.fixture
def world(place_a, place_b, make_staff):
    """A few rows in both communities, a superuser and a manager bound to community A."""
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.security").setLevel(logging.CRITICAL)
    WorkOrderFactory(unit=place_a.unit)
    WorkOrderFactory(unit=place_b.unit)
    ContractFactory(community=place_a.community)
    return [make_staff(None, is_superuser=True, is_staff=True),
            make_staff("Property Manager", communities=[place_a.community], is_staff=True)]


def server_errors(client, users, url, queries) -> list:
    failures = []
    for user in users:
        client.force_login(user)
        for query in queries:
            response = client.get(url, query)
            if response.status_code >= 500:
                failures.append((user.username, query, response.status_code))
    return failures


@pytest.mark.parametrize("model_admin", changelists())
def test_no_crafted_query_string_gets_a_server_error_from_a_list(client, world, model_admin):
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert server_errors(client, world, url, crafted_queries(model_admin)) == []


@pytest.mark.parametrize(("name", "params"), REPORTS)
def test_no_crafted_query_string_gets_a_server_error_from_a_report(client, world, name, params):
    queries = [{key: value} for key, values in params.items() for value in values]
    queries += [{"community": HUGE, "year": "99999", "format": "xlsx"}]
    assert server_errors(client, world, reverse(name), queries) == []
