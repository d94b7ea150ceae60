from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import BaseAdmin
from ..core.display import state_and_label
from ..core.errors import ActionError
from ..core.files import FILE_CSP
from ..core.filters import ScopedRelatedFilter
from ..core.params import parse_id
from ..core.spreadsheets import XLSX
from . import services
from .documents import report_filename, report_sections
from .models import ManagementReport
from .states import State, event_label


def _file(field, content_type: str, filename: str) -> HttpResponse:
    """A report's stored file (a few hundred kB at most), as a download; "not found" when it
    is missing."""
    if not field:
        raise Http404
    try:
        with field.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


@admin.register(ManagementReport)
class ManagementReportAdmin(BaseAdmin):
    """Listed per community and month; the page shows the four sections and offers, while the
    report is a draft, editing the recommendations, regenerating and approving (each through
    its service), and always the PDF and the workbook."""

    list_display = ["community", "month_label", "state_badge", "generated_at", "approved_by",
                    "approved_at"]
    list_filter = ["state", ("community", ScopedRelatedFilter)]
    list_select_related = ["community", "approved_by"]
    date_hierarchy = "month"
    fields = ["community", "month", "state", "generated_at", "approved_by", "approved_at"]
    readonly_fields = fields
    change_form_outer_before_template = "property_service/management_report_page.html"

    # Reports are drafted by the monthly job and changed only through the page's actions.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("month"), ordering="month")
    def month_label(self, report):
        return f"{report.month:%Y-%m}"

    @display(description=_("state"), ordering="state",
             label={State.DRAFT: "warning", State.APPROVED: "success"})
    def state_badge(self, report):
        return state_and_label(report)

    def get_urls(self):
        def name(suffix):
            return f"property_service_managementreport_{suffix}"

        return [
            path("<int:object_id>/act/", self.admin_site.admin_view(self.act_view),
                 name=name("act")),
            path("<int:object_id>/pdf/", self.admin_site.admin_view(self.pdf_view),
                 name=name("pdf")),
            path("<int:object_id>/xlsx/", self.admin_site.admin_view(self.xlsx_view),
                 name=name("xlsx")),
        ] + super().get_urls()

    def _report(self, request, object_id) -> ManagementReport:
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Another community's report is "not found", like a missing one.
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if parse_id(object_id) is None:
            raise Http404
        self._report(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def pdf_view(self, request, object_id):
        report = self._report(request, object_id)
        return _file(report.pdf_file, "application/pdf", report_filename(report, "pdf"))

    def xlsx_view(self, request, object_id):
        report = self._report(request, object_id)
        return _file(report.xlsx_file, XLSX, report_filename(report, "xlsx"))

    def act_view(self, request, object_id):
        """Save the recommendations, regenerate or approve; a refusal is a page saying why
        (with the refusal's status: 400, 403 or 409), and nothing changed."""
        report = self._report(request, object_id)
        back = reverse("admin:property_service_managementreport_change", args=[report.pk])
        if request.method != "POST":
            return redirect(back)
        action, user = request.POST.get("action", ""), request.user
        try:
            if action == "edit":
                services.management_report_edit_recommendations(
                    report_id=report.pk, user=user,
                    recommendations=request.POST.get("recommendations", ""))
            elif action == "regenerate":
                services.management_report_regenerate(report_id=report.pk, user=user)
            elif action == "approve":
                services.management_report_approve(
                    report_id=report.pk, user=user,
                    expected_state=request.POST.get("expected_state") or None)
            else:
                raise ActionError(_("Unknown action “%(action)s”.") % {"action": action[:30]})
        except ActionError as error:
            return TemplateResponse(request, "property_service/management_report_refused.html",
                                    {"message": error.message, "back": back},
                                    status=error.status_code)
        messages.success(request, _("Done."))
        return redirect(back)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            context.update({
                "mr_sections": report_sections(obj),
                "mr_actions": services.available_actions(obj, request.user),
                "mr_act_url": reverse("admin:property_service_managementreport_act",
                                      args=[obj.pk]),
                "mr_pdf_url": reverse("admin:property_service_managementreport_pdf",
                                      args=[obj.pk]) if obj.pdf_file else "",
                "mr_xlsx_url": reverse("admin:property_service_managementreport_xlsx",
                                       args=[obj.pk]) if obj.xlsx_file else "",
                "mr_events": [(e, event_label(e.action)) for e in
                              obj.events.select_related("by")],
            })
        return super().render_change_form(request, context, add, change, form_url, obj)
