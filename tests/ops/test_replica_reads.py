"""Which reads are marked for the replica (core/replica.py): each figures page and call, the
workspace, the management report's figures and the exports compute inside ``reading_replica()``
(which reads the primary while no replica is configured, as here); a normal page does not."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from property_service.complaints import figures as complaint_figures
from property_service.core import kept
from property_service.core.replica import reads_replica
from property_service.core.resources import ScopedResource
from property_service.renewals import dashboard as renewal_dashboard
from property_service.reports.builder import build_report
from property_service.workorders import figures as work_order_figures
from property_service.workspace import dashboard

from tests.helpers import export


@pytest.fixture
def marks(monkeypatch):
    """Whether each call of the spied functions ran inside the block, in order."""
    seen = []

    def spy(owner, name):
        original = getattr(owner, name)

        def spied(*args, **kwargs):
            seen.append(reads_replica())
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, spied)

    spy(work_order_figures, "monthly_figures")
    spy(complaint_figures, "monthly_figures")
    spy(kept, "by_month")  # the figures kept by community and month, read or computed
    spy(dashboard, "workspace")
    spy(renewal_dashboard, "dashboard_rows")
    original_rows = ScopedResource.export_rows

    def export_rows(self, *args, **kwargs):
        for row in original_rows(self, *args, **kwargs):
            seen.append(reads_replica())
            yield row

    monkeypatch.setattr(ScopedResource, "export_rows", export_rows)
    return seen


@pytest.mark.parametrize("url", [
    reverse("admin:property_service_workorder_figures"),
    reverse("admin:property_service_workorder_figures") + "?format=xlsx",
    reverse("admin:property_service_complaint_figures"),
    reverse("admin:property_service_complaint_figures") + "?format=xlsx",
    reverse("api-figures-work-orders"),
    reverse("api-figures-complaints"),
    "/admin/",
    reverse("admin:property_service_contract_changelist") + "renewals/?format=xlsx",
])
def test_figures_pages_calls_and_the_workspace_compute_inside_the_block(
        admin_client, place_a, marks, url):
    assert admin_client.get(url).status_code == 200
    assert marks and all(marks), marks
    assert not reads_replica()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reads_every_row_inside_the_block(admin_client, place_a, marks, fmt):
    export(admin_client, "unit", fmt)
    assert len(marks) > 1 and all(marks), marks


def test_the_management_report_reads_its_figures_inside_the_block(place_a, marks):
    build_report(place_a.community, datetime.date(2026, 11, 1),
                 now=datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC))
    assert len(marks) >= 4 and all(marks), marks
    assert not reads_replica()


def test_a_normal_list_page_is_not_read_inside_the_block(admin_client, place_a, marks):
    assert admin_client.get(reverse("admin:property_service_unit_changelist")).status_code == 200
    assert marks == []
