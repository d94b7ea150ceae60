"""The printable incident report (PDF), in the active language.

The HTML template is laid out by WeasyPrint; Chinese text needs the Noto CJK fonts on the
machine (Debian: fonts-noto-cjk, installed by ``make run`` and ``make test``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Incident
from .selectors import incident_timeline


def report_filename(incident: Incident) -> str:
    return f"{incident.number}.pdf"


def report_html(incident: Incident) -> str:
    return render_to_string("property_service/incident_report.html", {
        "incident": incident,
        "language": translation.get_language(),
        "timeline": incident_timeline(incident),
        "checklist": incident.checklist.select_related("done_by"),
        "buildings": incident.buildings.all(),
        "units": incident.units.select_related("building"),
        "attachments": incident.attachments.all(),
        "work_orders": incident.work_orders.all(),
        "printed_at": timezone.now(),
    })


def report_pdf(incident: Incident) -> bytes:
    # Imported here: WeasyPrint loads pango when imported, and only this needs it.
    from weasyprint import HTML

    return HTML(string=report_html(incident)).write_pdf()
