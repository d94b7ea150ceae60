"""The sidebar by work area (客服中心, 档案, 合同与保险, 应急, 报表, 设置, 系统) instead of one
alphabetical list of models. Each entry is shown to users who may open it: a model's entry to
those its admin lets view it, a report to those who may view what it reports on. Every model
the admin registers belongs to one area (tests/workspace/test_navigation.py walks them)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib import admin
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Page:
    """A page that is not a model's list: its URL name, title, icon, and the models of which
    a user must be able to view at least one."""

    url_name: str
    title: str
    icon: str
    needs_any: tuple[str, ...]


COMPLAINT_FIGURES = Page("admin:property_service_complaint_figures", _("Complaint figures"),
                         "monitoring", ("property_service.complaint",))
REPAIR_FIGURES = Page("admin:property_service_workorder_figures", _("Repair figures"),
                      "insights", ("property_service.workorder",))
VISIT_PLAN = Page("admin:property_service_visit_plan", _("Follow-up visit plan"), "event_note",
                  ("property_service.visit",))
ACTIVITY_FIGURES = Page("admin:property_service_activity_figures", _("Activity figures"),
                        "bar_chart", ("property_service.activity",))
SPECIAL_SERVICE_FIGURES = Page("admin:property_service_specialserviceorder_figures",
                                _("Special service figures"), "payments",
                                ("property_service.specialservice",))
RENEWAL_DASHBOARD = Page("admin:property_service_renewal_dashboard", _("Renewal dashboard"),
                         "event_repeat",
                         ("property_service.contract", "property_service.insurancepolicy"))

# (area title, [model label "app.model", or a Page, with the model's icon]).
AREAS = (
    (_("Customer service"), (
        ("property_service.calldesk", "support_agent"),
        ("property_service.workorder", "build"),
        ("property_service.followup", "phone_callback"),
        ("property_service.complaint", "feedback"),
        ("property_service.enquiry", "contact_support"),
        VISIT_PLAN,
        ("property_service.visit", "home_health"),
        ("property_service.specialserviceorder", "home_repair_service"),
        ("property_service.notice", "campaign"),
        ("property_service.survey", "ballot"),
        ("property_service.surveyresponse", "how_to_vote"),
        ("property_service.activity", "celebration"),
        ("property_service.activitysignup", "how_to_reg"),
        ("property_service.activityfeedback", "reviews"),
        ("property_service.schedulednotice", "celebration"),
        REPAIR_FIGURES,
        COMPLAINT_FIGURES,
    )),
    (_("Records"), (
        ("property_service.community", "location_city"),
        ("property_service.building", "apartment"),
        ("property_service.unit", "door_front"),
        ("property_service.resident", "group"),
        ("property_service.occupancy", "how_to_reg"),
        ("property_service.vehicle", "directions_car"),
        ("property_service.parkingspace", "local_parking"),
        ("property_service.residentaccount", "smartphone"),
        ("property_service.invitation", "qr_code"),
    )),
    (_("Contracts and insurance"), (
        ("property_service.contract", "contract"),
        ("property_service.insurancepolicy", "shield"),
        ("property_service.claim", "request_quote"),
    )),
    (_("Emergencies"), (
        ("property_service.incident", "emergency"),
        ("property_service.playbookstep", "checklist"),
    )),
    (_("Reports"), (
        ("property_service.managementreport", "summarize"),
        REPAIR_FIGURES,
        COMPLAINT_FIGURES,
        ACTIVITY_FIGURES,
        SPECIAL_SERVICE_FIGURES,
        RENEWAL_DASHBOARD,
    )),
    (_("Settings"), (
        ("property_service.slapolicy", "timer"),
        ("property_service.complaintstandard", "rule"),
        ("property_service.enquirystandard", "rule"),
        ("property_service.questionnaire", "quiz"),
        ("property_service.question", "help"),
        ("property_service.greetingtemplate", "edit_note"),
        ("property_service.seasonalreminder", "event_repeat"),
        ("property_service.workingcalendar", "calendar_month"),
        ("property_service.team", "groups"),
        ("property_service.workordercategory", "category"),
        ("property_service.specialservice", "sell"),
    )),
    (pgettext_lazy("work area", "System"), (
        ("auth.user", "person"),
        ("auth.group", "admin_panel_settings"),
        ("property_service.personaldataaccess", "policy"),
        ("property_service.notification", "notifications"),
        ("axes.accessattempt", "login"),
        ("axes.accesslog", "history"),
        ("axes.accessfailurelog", "gpp_bad"),
        ("django_q.schedule", "schedule"),
        ("django_q.success", "task_alt"),
        ("django_q.failure", "error"),
        ("django_q.ormq", "queue"),
    )),
)


# Entries whose admin exists only in some setups: django-q2 registers its queue (OrmQ) only with
# the database as broker, not with Redis.
OPTIONAL = frozenset({"django_q.ormq"})


def _registry() -> dict:
    """The registered model admins by model label ("app.model")."""
    return {f"{model._meta.app_label}.{model._meta.model_name}": model_admin
            for model, model_admin in admin.site._registry.items()}


def _may_view_model(registry: dict, label: str, request) -> bool:
    model_admin = registry.get(label)
    return model_admin is not None and model_admin.has_view_or_change_permission(request)


@functools.lru_cache(maxsize=512)
def _reversed(url_name: str, prefix: str, urlconf) -> str:
    return reverse(url_name, urlconf=urlconf)


@receiver(setting_changed)
def _urls_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


def _link(url_name: str) -> str:
    """``reverse(url_name)``, worked out once per address prefix: the sidebar's links do not
    change while the site runs."""
    return _reversed(url_name, get_script_prefix(), get_urlconf())


def _entry(item, request, registry: dict) -> dict | None:
    """The sidebar entry of ``item`` for ``request``'s user, or None if they may not open it
    (or it is not there). Permission is decided here, once: unfold is given no callback to
    ask again."""
    if isinstance(item, Page):
        if not any(_may_view_model(registry, label, request) for label in item.needs_any):
            return None
        try:
            link = _link(item.url_name)
        except NoReverseMatch:
            return None
        title, icon = item.title, item.icon
    else:
        label, icon = item
        if not _may_view_model(registry, label, request):
            return None
        opts = registry[label].model._meta
        link = _link(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        title = opts.verbose_name_plural
    # Every key unfold's template asks for is present: a missing one costs a failed lookup.
    return {"title": title, "icon": icon, "link": link, "badge": None, "link_callback": None}


def navigation_labels() -> set[str]:
    """Every model label ("app.model") the sidebar has a place for."""
    return {item[0] for _title, items in AREAS for item in items if not isinstance(item, Page)}


def sidebar(request) -> list[dict]:
    """The sidebar groups for ``request``'s user (unfold's ``SIDEBAR["navigation"]``): the home
    page, then each work area with the entries they may open; an area with none is left out."""
    registry = _registry()
    groups = [{"items": [{"title": _("Home"), "icon": "dashboard", "link": _link("admin:index"),
                          "badge": None, "link_callback": None}]}]
    for title, items in AREAS:
        entries = [entry for entry in (_entry(item, request, registry) for item in items) if entry]
        if entries:
            groups.append({"title": title, "separator": True, "collapsible": False,
                           "items": entries})
    return groups
