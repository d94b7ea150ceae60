"""The desk finds the caller from whatever they say, only among what the agent may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.calls.selectors import by_number_prefix, find_callers, order_number_prefix
from property_service.core.models import PersonalDataAccess
from property_service.workorders.models import WorkOrder

from tests.conftest import PHONE_B
from tests.factories.workorders import WorkOrderFactory

ADMIN = PersonalDataAccess.Channel.ADMIN


def units_found(user, term):
    found = find_callers(user=user, term=term, channel=ADMIN)
    return {m.unit.pk for m in found.by_person + found.by_unit}


@pytest.mark.parametrize("term", ["6栋 2-1502", "6栋2-1502", "6-2-1502", "2-1502", "1502",
                                  "13955501502", "1502 ", "李雷", "李"])
def test_each_way_of_saying_the_unit_or_the_caller_finds_the_unit(agent, flat, term):
    unit, _resident = flat
    assert unit.pk in units_found(agent, term)


def test_the_last_four_digits_find_the_resident_with_their_unit(agent, flat, make_staff):
    unit, resident = flat
    found = find_callers(user=agent, term="1502", channel=ADMIN)
    assert [(m.resident, m.unit) for m in found.by_person] == [(resident, unit)]
    # The phone is shown masked: the caller confirms the digits it keeps.
    assert found.by_person[0].phone == "139****1502"


def test_a_unit_match_names_who_lives_there(agent, flat):
    unit, resident = flat
    found = find_callers(user=agent, term="6-2-1502", channel=ADMIN)
    assert [(m.unit, m.resident) for m in found.by_unit] == [(unit, resident)]


def test_a_community_a_user_never_sees_community_b_residents_or_units(agent, flat, place_b):
    for term in [PHONE_B, PHONE_B[-4:], place_b.resident.name, "301", place_b.building.name]:
        found = find_callers(user=agent, term=term, channel=ADMIN)
        assert place_b.unit.pk not in {m.unit.pk for m in found.by_person + found.by_unit}
        assert place_b.resident not in [m.resident for m in found.by_person + found.by_unit]
        assert place_b.resident not in found.without_unit


def test_a_user_of_every_community_finds_both(make_staff, place_a, place_b):
    everyone = make_staff("CS Supervisor")
    assert units_found(everyone, "301") == {place_a.unit.pk, place_b.unit.pk}


def test_a_full_number_lookup_by_a_masked_role_is_logged(make_staff, place_a, flat):
    unit, resident = flat
    front_desk = make_staff("Front Desk", communities=[place_a.community])
    found = find_callers(user=front_desk, term="139 5550 1502", channel=ADMIN)
    assert [m.resident for m in found.by_person] == [resident]
    logged = PersonalDataAccess.objects.get(user=front_desk)
    assert (logged.kind, logged.resident, logged.looked_up) == (
        PersonalDataAccess.Kind.LOOKUP, resident, "139****1502")


def test_the_last_four_digits_are_not_a_logged_lookup(make_staff, place_a, flat):
    front_desk = make_staff("Front Desk", communities=[place_a.community])
    find_callers(user=front_desk, term="1502", channel=ADMIN)
    assert not PersonalDataAccess.objects.filter(user=front_desk).exists()


def test_too_many_full_number_lookups_are_refused_with_a_message(make_staff, place_a, flat,
                                                                 settings):
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "PERSONAL_DATA_LOOKUPS_PER_HOUR": 1}
    front_desk = make_staff("Front Desk", communities=[place_a.community])
    find_callers(user=front_desk, term="13955501502", channel=ADMIN)
    found = find_callers(user=front_desk, term="13955501502", channel=ADMIN)
    assert found.refused and not found.by_person


@pytest.mark.parametrize(("term", "prefix"), [
    ("WO-202611-0004", ("WO", "WO-202611-0004")), ("wo202611", ("WO", "WO-202611")),
    ("WO-2026", ("WO", "WO-2026")), ("WO20261100042", ("WO", "WO-202611-00042")),
    ("ts-202611-", ("TS", "TS-202611-")), ("WO", None), ("1502", None), ("WO-2026-11", None)])
def test_an_order_number_prefix_is_read_as_printed(term, prefix):
    assert order_number_prefix(term) == prefix


def test_an_order_number_prefix_finds_orders_in_number_order(agent, place_a, place_b):
    for number in ["WO-202611-00012", "WO-202611-00011", "WO-202610-00001"]:
        WorkOrderFactory(unit=place_a.unit, number=number)
    WorkOrderFactory(unit=place_b.unit, number="WO-202611-00013")
    found = find_callers(user=agent, term="wo-202611-0001", channel=ADMIN)
    assert [o.number for o in found.orders] == ["WO-202611-00011", "WO-202611-00012"]


def test_the_number_prefix_search_is_one_limited_range_on_the_number_index(db):
    with CaptureQueriesContext(connection) as queries:
        list(by_number_prefix(WorkOrder.objects.all(), "WO-2026"))
    sql = queries.captured_queries[0]["sql"]
    assert "LIKE 'WO-2026%'" in sql and "LIMIT 10" in sql
    order_by = sql.replace("`", '"').rstrip().split("ORDER BY")[1].split("LIMIT")[0].strip()
    assert order_by.endswith('"number" ASC')
    assert " OR " not in sql
