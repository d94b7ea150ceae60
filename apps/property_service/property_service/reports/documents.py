"""The report as a PDF (laid out by WeasyPrint from an HTML template, its charts inline SVG
bars) and as an Excel workbook (a sheet per section), both from the report's snapshot.

Chinese text needs the Noto CJK fonts on the machine (Debian: fonts-noto-cjk)."""

from __future__ import annotations

import io

import openpyxl
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .builder import sections
from .models import ManagementReport


def report_title(report: ManagementReport) -> str:
    return _("Monthly management report %(community)s %(month)s") % {
        "community": report.community.name, "month": f"{report.month:%Y-%m}"}


def report_filename(report: ManagementReport, extension: str) -> str:
    return f"management-report-{report.community.code}-{report.month:%Y-%m}.{extension}"


def report_sections(report: ManagementReport) -> dict:
    return sections(report.figures, report.recommendations)


def report_html(report: ManagementReport) -> str:
    return render_to_string("property_service/management_report.html", {
        "report": report, "title": report_title(report), "s": report_sections(report),
        "language": translation.get_language()})


def report_pdf(report: ManagementReport) -> bytes:
    # Imported here: WeasyPrint loads pango when imported, and only this needs it.
    from weasyprint import HTML

    return HTML(string=report_html(report)).write_pdf()


def report_xlsx(report: ManagementReport) -> bytes:
    s = report_sections(report)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Background")[:31]
    sheet.append([report_title(report)])
    for table in s["background_tables"]:
        sheet.append([])
        sheet.append([table["title"]])
        sheet.append([table["first"], s["month"], s["previous_month"], _("Difference")])
        for row in table["rows"]:
            sheet.append([row["label"], row["this"], row["last"], row["change"]])
    sheet = book.create_sheet(_("Problems")[:31])
    sheet.append([_("Problem"), _("Count"), _("Examples")])
    for row in s["problems"]:
        sheet.append([row["label"], row["count"], row["examples"]])
    sheet = book.create_sheet(_("Analysis")[:31])
    sheet.append([_("Area"), _("Figure"), s["month"], _("Target"), _("Target met"),
                  s["previous_month"], _("Since last month")])
    for row in s["analysis"]:
        sheet.append([row["area"], row["label"], row["value"], row["target"], row["met_label"],
                      row["previous"], row["direction_label"]])
    sheet = book.create_sheet(_("Recommendations")[:31])
    for line in s["recommendations"]:
        sheet.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
