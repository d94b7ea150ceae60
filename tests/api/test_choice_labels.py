"""Each choice's ``<field>_label`` in the API is the model's own label for the value, in the
caller's language, drawn without the model's ``get_<field>_display()`` (which hashes every
label of the field again for each row and field of a list)."""

import pytest
from django.utils import translation
from property_service.workorders.models import WorkOrder

from tests.factories.workorders import WorkOrderFactory

CHOICE_FIELDS = [f.name for f in WorkOrder._meta.concrete_fields
                 if f.choices and not f.is_relation]


@pytest.fixture
def orders(place_a):
    return [WorkOrderFactory(community=place_a.community, unit=place_a.unit,
                             resident=place_a.resident, priority=priority)
            for priority in ("scheduled", "urgent")]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_choice_labels_are_the_models_own_in_the_callers_language(client, make_staff, orders,
                                                                   language):
    assert {"state", "channel", "priority"} <= set(CHOICE_FIELDS)
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    rows = client.get("/api/v1/work-orders/", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
    assert len(rows) == len(orders)
    by_id = {order.pk: order for order in orders}
    with translation.override(language):
        for row in rows:
            order = by_id[row["id"]]
            for name in CHOICE_FIELDS:
                if name in row:
                    display = getattr(order, f"get_{name}_display")()
                    assert row[f"{name}_label"] == display, name
    if language == "zh-hans":
        assert {row["priority_label"] for row in rows} == {"预约", "紧急"}


def test_a_list_draws_its_labels_without_the_models_display_method(client, make_staff, orders,
                                                                  monkeypatch):
    def refused(self):
        raise AssertionError("a get_<field>_display() called")

    for name in CHOICE_FIELDS:
        monkeypatch.setattr(WorkOrder, f"get_{name}_display", refused)
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    rows = client.get("/api/v1/work-orders/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {row["priority_label"] for row in rows} == {"Scheduled", "Urgent"}
