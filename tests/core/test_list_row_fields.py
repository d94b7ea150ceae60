"""The big lists read a page's rows with the columns their cells show only
(``BigTableListMixin.list_row_fields``): no cell reads a column left out, which would cost a
query per row."""

from unittest import mock

import pytest
from django.contrib import admin
from django.db import models
from property_service.complaints.models import Complaint
from property_service.core.admin import BigTableListMixin
from property_service.workorders.models import WorkOrder

from tests.factories.registry import UnitFactory, UserFactory
from tests.factories.workorders import WorkOrderFactory
from tests.helpers import admin_url


def full_work_order():
    technician = UserFactory(first_name="建国", last_name="王")
    return WorkOrderFactory(state="in_progress", assignee=technician, location="大堂",
                            is_repeat=True)


def full_complaint():
    unit = UnitFactory()
    return Complaint.objects.create(
        number="TS-LISTROW-1", community=unit.building.community, unit=unit, channel="phone",
        category="repairs", content="测试", severity="major", emotional=True,
        supervisor=UserFactory(first_name="丽", last_name="李"))


ROWS = {WorkOrder: full_work_order, Complaint: full_complaint}


def test_every_big_list_that_names_its_columns_is_checked_here():
    named = {model for model, model_admin in admin.site._registry.items()
             if isinstance(model_admin, BigTableListMixin) and model_admin.list_row_fields}
    assert named == set(ROWS)


@pytest.mark.parametrize("model", list(ROWS), ids=lambda m: m._meta.model_name)
def test_a_list_page_draws_its_rows_without_reading_a_column_left_out(client, make_staff,
                                                                      model):
    row = ROWS[model]()
    client.force_login(make_staff("CS Agent", communities=None))
    read_later = []
    refresh = models.Model.refresh_from_db

    def noted(instance, *args, fields=None, **kwargs):
        read_later.append((type(instance).__name__, fields))
        return refresh(instance, *args, fields=fields, **kwargs)

    with mock.patch.object(models.Model, "refresh_from_db", noted):
        response = client.get(admin_url(model._meta.model_name, "changelist"))
    assert response.status_code == 200
    assert row.number in response.content.decode()
    assert read_later == []
