"""Rows created in bulk get the history rows simple-history would write for them, copied by the
database from the rows themselves."""

import pytest
from django.db import connection
from property_service.core.history import create_with_history
from property_service.registry.models import Resident
from simple_history.utils import bulk_create_with_history

from tests.factories.registry import ResidentFactory

# What a history row says besides the row's own columns (and its moment).
ABOUT = ("history_type", "history_user_id", "history_change_reason")


def history_of(resident) -> dict:
    row = resident.history.get()
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


@pytest.mark.parametrize("returns_keys", [True, False])
def test_the_history_of_rows_created_in_bulk_is_what_simple_history_writes(
        place_a, make_staff, monkeypatch, returns_keys):
    user = make_staff("CS Agent", communities=[place_a.community])
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert",
                        returns_keys and connection.features.can_return_rows_from_bulk_insert)
    built = [ResidentFactory.build(community=place_a.community, note=f"第{n}行", email="",
                                   phone=f"1370000{n:04d}") for n in range(3)]
    built.append(ResidentFactory.build(community=place_a.community, id_number=None,
                                       email="x@example.com", language="en"))
    created = create_with_history(built, Resident, batch_size=2, user=user)
    reference = bulk_create_with_history(
        [ResidentFactory.build(community=place_a.community, note="参照", email="",
                               phone="13711112222")], Resident, batch_size=2,
        default_user=user)[0]
    expected = {key: history_of(reference)[key] for key in ABOUT}

    assert len(created) == 4 and all(resident.pk for resident in created)
    for resident in created:
        resident.refresh_from_db()
        history = history_of(resident)
        # Every tracked column as the row holds it (the generated one computed alike)...
        for field in Resident.history.model.tracked_fields:
            assert history[field.attname] == getattr(resident, field.attname), field.name
        # ...and who, how and without a reason, as simple-history writes it.
        assert {key: history[key] for key in ABOUT} == expected
        assert (history["history_type"], history["history_user_id"]) == ("+", user.pk)
        assert resident.created_at <= history["history_date"]
    assert history_of(created[3])["phone_tail"] == created[3].phone[-4:]
