"""A survey's results as an Excel workbook: the scores (response rate, each dimension, overall
against the target), every household's answers, and the free-text answers to read."""

from __future__ import annotations

import io

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.targets import satisfaction_target
from . import selectors
from .models import Survey, SurveyAnswer


def results_filename(survey: Survey) -> str:
    return f"survey-{survey.community.code}-{survey.period}.xlsx"


def results_xlsx(survey: Survey) -> bytes:
    figures = selectors.figures_of([survey])[survey.pk]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Scores")[:31]
    sheet.append([survey.title])
    sheet.append([_("Community"), survey.community.name])
    sheet.append([_("Quarter"), survey.period])
    sheet.append([_("Households sent"), figures.sent])
    sheet.append([_("Households answered"), figures.responded])
    sheet.append([_("Response rate (%)"), figures.response_rate])
    sheet.append([])
    sheet.append([_("Service dimension"), _("Score (out of 100)")])
    for row in selectors.dimension_rows(figures):
        sheet.append([str(row["label"]), row["score"]])
    sheet.append([_("Overall"), figures.score])
    sheet.append([_("Target"), satisfaction_target()])

    questions = selectors.questions_of(survey.questionnaire_id)
    sheet = book.create_sheet(_("Answers")[:31])
    sheet.append([_("Unit"), _("Channel"), _("Filled in at")]
                 + [f"{q.position}. {q.label}" for q in questions])
    answers: dict[int, dict[int, object]] = {}
    for answer in (SurveyAnswer.objects.filter(response__survey=survey)
                   .select_related("option")):
        shown = answer.option.label if answer.option_id else (
            answer.value if answer.value is not None else answer.text)
        answers.setdefault(answer.response_id, {})[answer.question_id] = shown
    for response in (survey.responses.select_related("unit__building__community")
                     .order_by("answered_at", "pk")):
        given = answers.get(response.pk, {})
        sheet.append([str(response.unit), str(response.get_channel_display()),
                      timezone.localtime(response.answered_at).strftime("%Y-%m-%d %H:%M")]
                     + [given.get(q.pk, "") for q in questions])

    sheet = book.create_sheet(_("Comments")[:31])
    sheet.append([_("Question"), _("Unit"), _("Answer")])
    for row in selectors.texts_of(survey):
        sheet.append([row["question"], row["unit"], row["text"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

