"""The sidebar by work area: every model the admin registers has a place, and each user sees
the entries they may open, and no area left empty."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from property_service.workspace.navigation import AREAS, OPTIONAL, navigation_labels, sidebar

from tests.conftest import ROLE_NAMES


def label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def test_every_model_the_admin_registers_is_in_a_work_area():
    registered = {label(model) for model in admin.site._registry}
    assert registered - navigation_labels() == set()
    # And no area names a model that is not registered (its entry would silently vanish).
    assert navigation_labels() - registered <= OPTIONAL


def test_the_areas_are_the_work_areas_in_order():
    with translation.override("zh-hans"):
        assert [str(title) for title, _items in AREAS] == [
            "客服中心", "档案", "合同与保险", "应急", "报表", "设置", "系统"]
    with translation.override("en"):
        assert [str(title) for title, _items in AREAS] == [
            "Customer service", "Records", "Contracts and insurance", "Emergencies", "Reports",
            "Settings", "System"]


def links(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return [item["link"] for group in sidebar(request) for item in group["items"]]


def viewable_lists(user) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
            for m, model_admin in admin.site._registry.items()
            if model_admin.has_view_or_change_permission(request)}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_sees_an_entry_for_every_list_it_may_view_and_no_other(make_staff, place_a,
                                                                        role):
    user = make_staff(role, communities=[place_a.community])
    shown = links(user)
    lists = {link for link in shown if link.count("/") == 4}
    assert lists == viewable_lists(user)
    # Only the figures are in two areas (customer service and reports).
    assert {link for link in shown if shown.count(link) > 1} <= {
        reverse("admin:property_service_complaint_figures"),
        reverse("admin:property_service_workorder_figures")}


def test_a_technician_sees_their_work_and_the_records_they_need(make_staff, place_a):
    request = RequestFactory().get("/admin/")
    request.user = make_staff("Maintenance", communities=[place_a.community])
    with translation.override("zh-hans"):
        groups = [(str(g.get("title", "")), [str(i["title"]) for i in g["items"]])
                  for g in sidebar(request)]
    assert groups == [("", ["首页"]), ("客服中心", ["工单", "特约服务订单", "维修统计"]),
                      ("档案", ["小区", "楼栋", "房屋", "住户"]),
                      ("报表", ["维修统计"]),
                      ("系统", ["通知"])]  # their own notifications


def test_the_reports_show_only_to_those_who_may_view_what_they_report(make_staff, place_a):
    figures = reverse("admin:property_service_complaint_figures")
    renewals = reverse("admin:property_service_renewal_dashboard")
    finance = links(make_staff("Admin & Finance", communities=[place_a.community]))
    supervisor = links(make_staff("CS Supervisor", communities=[place_a.community]))
    assert (figures in finance, renewals in finance) == (False, True)
    assert (figures in supervisor, renewals in supervisor) == (True, False)


def test_the_home_page_shows_the_areas_in_chinese(client, make_staff, place_a, clock):
    client.force_login(make_staff("Property Manager", communities=[place_a.community]))
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for title in ("客服中心", "档案", "合同与保险", "应急", "报表", "设置"):
        assert title in page
