"""Writes of monthly management reports. The admin and the monthly job call these and nothing
else.

Each write locks the report row, checks the user's right, the row scope and the report's
state, changes fields, saves with ``update_fields``, logs an event, and stores the PDF and the
workbook again so that the files always show what the record holds. The report's content,
drafted recommendations included, and its files are in the site's language (the document of
record, whoever regenerates it)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..access.scoping import may_access_community, scope
from ..access.selectors import users_with_role
from ..core.errors import ActionError, NotAllowed
from ..core.models import Notification
from ..core.notifications import notify
from ..core.workflow import action_in, check_fire, fire
from . import documents, rules
from .builder import build_report
from .models import ManagementReport, ManagementReportEvent
from .states import ACTIONS, State

CHANGE = "property_service.change_managementreport"
APPROVE = "property_service.approve_managementreport"
RECOMMENDATIONS_MAX = 20_000


def _event(report, *, action, by, comment="", from_state="", to_state=""):
    return ManagementReportEvent.objects.create(report=report, action=action, by=by,
                                                comment=comment, from_state=from_state,
                                                to_state=to_state)


def _site_language():
    return translation.override(settings.LANGUAGE_CODE)


def _store_files(report: ManagementReport) -> None:
    """Write the PDF and the workbook of what the report holds now; the files they replace
    are removed once the transaction has committed (a rollback keeps the old ones)."""
    old = [f.name for f in (report.pdf_file, report.xlsx_file) if f]
    with _site_language():
        pdf, xlsx = documents.report_pdf(report), documents.report_xlsx(report)
        report.pdf_file.save(documents.report_filename(report, "pdf"), ContentFile(pdf),
                             save=False)
        report.xlsx_file.save(documents.report_filename(report, "xlsx"), ContentFile(xlsx),
                              save=False)
    report.save(update_fields=["pdf_file", "xlsx_file", "updated_at"])
    storage = report.pdf_file.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in old])


def _draft(community, month: datetime.date) -> tuple[dict, str]:
    with _site_language():
        snapshot = build_report(community, month)
        return snapshot, rules.recommendations_text(snapshot["recommendations"])


def management_report_generate(*, community, month: datetime.date
                               ) -> tuple[ManagementReport, bool]:
    """The draft report of ``community`` for ``month`` (its first day), created with its
    files and announced to the community's property managers, unless the community already
    has one for the month: that one is returned untouched, whatever its state (``created`` is
    False). Concurrent calls create one report (the unique constraint). A failure leaves
    nothing: the transaction is rolled back and the files it wrote are removed."""
    existing = ManagementReport.objects.filter(community=community, month=month).first()
    if existing is not None:
        return existing, False
    snapshot, text = _draft(community, month)
    report = None
    try:
        with transaction.atomic():
            report = ManagementReport.objects.create(
                community=community, month=month, figures=snapshot, recommendations=text,
                generated_at=timezone.now())
            _event(report, action="generated", by=None, to_state=report.state)
            _store_files(report)
            with _site_language():
                notify(users=users_with_role("Property Manager", community.pk),
                       kind=Notification.Kind.MANAGEMENT_REPORT, target=report,
                       message=_("The monthly management report of %(community)s for "
                                 "%(month)s is drafted: review it and approve it.") % {
                           "community": community.name, "month": f"{month:%Y-%m}"},
                       dedupe_key=f"management-report:{report.pk}:drafted")
    except BaseException as error:
        # Rolled back: the files written for it belong to no report.
        if report is not None:
            for stored in (report.pdf_file, report.xlsx_file):
                if stored:
                    stored.storage.delete(stored.name)
        if isinstance(error, IntegrityError):
            # Another run created it first.
            return ManagementReport.objects.get(community=community, month=month), False
        raise
    return report, True


def _lock(report_id: int, user) -> ManagementReport:
    report = (scope(ManagementReport.objects.select_for_update(), user)
              .select_related("community").filter(pk=report_id).first())
    if report is None:
        raise NotAllowed(_("This report does not exist or is not one of your communities'."))
    return report


def _check_editable(report: ManagementReport, user) -> None:
    if not (user.has_perm(CHANGE) and may_access_community(user, report.community_id)):
        raise NotAllowed(_("You may not change this report."))
    if not report.is_draft():
        raise NotAllowed(_("The report of %(report)s is approved: it can no longer be "
                           "changed.") % {"report": report})


@transaction.atomic
def management_report_regenerate(*, report_id: int, user) -> ManagementReport:
    """Compute a draft report's figures again (data corrected since). Recommendations the
    manager has not edited are drafted again from the new figures; edited ones are kept."""
    report = _lock(report_id, user)
    _check_editable(report, user)
    with _site_language():
        first_draft = rules.recommendations_text(report.figures.get("recommendations", []))
    snapshot, text = _draft(report.community, report.month)
    if report.recommendations.strip() == first_draft.strip():
        report.recommendations = text
    report.figures, report.generated_at = snapshot, timezone.now()
    report._history_user = user
    report.save(update_fields=["figures", "recommendations", "generated_at", "updated_at"])
    _event(report, action="regenerated", by=user)
    _store_files(report)
    return report


@transaction.atomic
def management_report_edit_recommendations(*, report_id: int, user,
                                           recommendations: str) -> ManagementReport:
    """Replace a draft report's recommendations with the manager's text."""
    report = _lock(report_id, user)
    _check_editable(report, user)
    text = (recommendations or "").strip()
    if not text:
        raise ActionError(_("Write the recommendations: they cannot be empty."),
                          field="recommendations")
    if len(text) > RECOMMENDATIONS_MAX:
        raise ActionError(_("The recommendations may be at most %(count)s characters long.")
                          % {"count": RECOMMENDATIONS_MAX}, field="recommendations")
    if text == report.recommendations:
        return report
    report.recommendations = text
    report._history_user = user
    report.save(update_fields=["recommendations", "updated_at"])
    _event(report, action="recommendations_edited", by=user)
    _store_files(report)
    return report


@transaction.atomic
def management_report_approve(*, report_id: int, user,
                              expected_state: str | None = None) -> ManagementReport:
    """Sign a draft report off: it is never changed again. Exactly one of two concurrent
    approvals wins; approving an approved report is refused."""
    act = action_in(ACTIONS, "approve")
    report = _lock(report_id, user)
    check_fire(report, act, allowed=user.has_perm(APPROVE) and may_access_community(
        user, report.community_id), expected_state=expected_state)
    from_state = report.state
    report.approved_at, report.approved_by = timezone.now(), user
    report._history_user = user
    fire(report, act.name)
    _event(report, action=act.name, by=user, from_state=from_state, to_state=report.state)
    _store_files(report)
    return report


def available_actions(report: ManagementReport, user) -> dict[str, bool]:
    """What the page offers ``user`` on ``report`` now."""
    editable = (report.state == State.DRAFT and user.has_perm(CHANGE)
                and may_access_community(user, report.community_id))
    return {"edit": editable, "regenerate": editable,
            "approve": report.state in ACTIONS["approve"].sources and user.has_perm(APPROVE)
            and may_access_community(user, report.community_id)}
