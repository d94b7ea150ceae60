"""The monthly management report (月度管理报告) of a community: the month's figures as a
snapshot, in four sections (background, problems, analysis, recommendations), drafted by the
monthly job and approved by the property manager."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.models import Event, TimeStampedModel
from .states import ACTIONS, State, event_label


def report_file_path(report, filename):
    return (f"management-reports/{report.month:%Y-%m}/{report.community_id}/"
            f"{timezone.now():%Y%m%d%H%M%S}-{filename}")


class ManagementReport(ConcurrentTransitionMixin, TimeStampedModel):
    community_path = "community"

    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="management_reports",
                                  verbose_name=_("community"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT,
                     protected=True, db_index=True)
    # What ``reports.builder.build_report`` gave when the report was (re)generated.
    figures = models.JSONField(_("figures"), default=dict, editable=False)
    recommendations = models.TextField(_("recommendations"), blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("approved by"))
    pdf_file = models.FileField(_("PDF"), upload_to=report_file_path, blank=True,
                                editable=False)
    xlsx_file = models.FileField(_("Excel workbook"), upload_to=report_file_path, blank=True,
                                 editable=False)

    class Meta:
        verbose_name = _("monthly management report")
        verbose_name_plural = _("monthly management reports")
        ordering = ["-month", "community__name", "id"]
        permissions = [("approve_managementreport", _("Can approve monthly management reports"))]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"],
                                    name="management_report_once_a_month",
                                    violation_error_message=_(
                                        "This community already has a report for this "
                                        "month.")),
        ]

    def __str__(self):
        return f"{self.community.name} {self.month:%Y-%m}"

    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @transition(field=state, source=ACTIONS["approve"].sources, target=ACTIONS["approve"].target)
    def approve(self):
        pass


class ManagementReportEvent(Event):
    """The report's log: generated, regenerated, recommendations edited, approved."""

    community_path = "report__community"

    report = models.ForeignKey(ManagementReport, on_delete=models.CASCADE,
                               related_name="events", verbose_name=_("report"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("management report event")
        verbose_name_plural = _("management report events")

    def __str__(self):
        return f"{self.report} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)
