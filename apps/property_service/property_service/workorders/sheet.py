"""The printable work order (派工单) a technician takes to the job: what, where, for whom, by
when, who does it, room for both signatures, and a QR code that opens the order.

Laid out by WeasyPrint like the incident report (Chinese needs the Noto CJK fonts)."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..core.display import display_name
from ..core.masking import mask
from .models import WorkOrder


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI (readable at print size: 4 px a module)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)


def sheet_filename(order: WorkOrder) -> str:
    return f"{order.number}.pdf"


def sheet_html(order: WorkOrder, *, url: str) -> str:
    """The sheet of ``order`` in the active language; ``url`` is the order's absolute address
    (the QR code's target). The resident's phone is always masked on paper."""
    resident = order.resident
    return render_to_string("property_service/work_order_sheet.html", {
        "order": order,
        "language": translation.get_language(),
        "where": str(order.unit) if order.unit_id else order.location,
        "resident_name": resident.name if resident else "",
        "resident_phone": mask(resident.phone) if resident else "",
        "team": order.team.name if order.team_id else "",
        "technician": display_name(order.assignee),
        "url": url,
        "qr": qr_data_uri(url),
        "printed_at": timezone.now(),
    })


def sheet_pdf(order: WorkOrder, *, url: str) -> bytes:
    # Imported here: WeasyPrint loads pango when imported, and only this needs it.
    from weasyprint import HTML

    return HTML(string=sheet_html(order, url=url)).write_pdf()
