"""Reads of satisfaction surveys that the admin, the API, the portal and the home page share.
The figures are ``scoring``'s, fed with the answers grouped in the database (a few rows per
survey, whatever the number of households)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, QuerySet
from django.utils import timezone

from ..access.scoping import scope
from ..registry.models import Occupancy, Unit, current_occupancy_q
from . import scoring
from .models import (
    Dimension,
    Question,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyRecipient,
    SurveyResponse,
)
from .quarters import quarter_of
from .states import State


def households(community_id: int, today: datetime.date) -> QuerySet:
    """The households a survey of the community is sent to: its units lived in today."""
    lived_in = Occupancy.objects.filter(current_occupancy_q(today)).values("unit_id")
    return Unit.objects.filter(building__community_id=community_id, pk__in=lived_in)


def questions_of(questionnaire_id: int) -> list[Question]:
    return list(Question.objects.filter(questionnaire_id=questionnaire_id)
                .prefetch_related("options").order_by("position", "id"))


def question_specs(questions: list[Question]) -> list[scoring.QuestionSpec]:
    return [scoring.QuestionSpec(
        id=q.pk, dimension=q.dimension, kind=q.kind, required=q.required,
        options={o.pk: o.score for o in q.options.all()}) for q in questions]


def _scored_rows(survey_ids) -> dict[int, list[scoring.AnswerRow]]:
    rows = (SurveyAnswer.objects.filter(response__survey_id__in=list(survey_ids))
            .exclude(question__kind=QuestionKind.TEXT).order_by()
            .values("response__survey_id", "question__dimension", "question__kind", "value",
                    "option__score").annotate(n=Count("pk")))
    found = defaultdict(list)
    for row in rows:
        found[row["response__survey_id"]].append(scoring.AnswerRow(
            dimension=row["question__dimension"], kind=row["question__kind"],
            value=row["value"], option_score=row["option__score"], count=row["n"]))
    return found


def _counts(model, survey_ids) -> dict[int, int]:
    return dict(model.objects.filter(survey_id__in=list(survey_ids)).order_by()
                .values("survey_id").annotate(n=Count("pk")).values_list("survey_id", "n"))


def figures_of(surveys) -> dict[int, scoring.Figures]:
    """The figures of each survey (without its free-text answers; ``texts_of`` reads those):
    three queries for any number of surveys."""
    ids = [s.pk for s in surveys]
    if not ids:
        return {}
    rows, sent, responded = _scored_rows(ids), _counts(SurveyRecipient, ids), \
        _counts(SurveyResponse, ids)
    return {pk: scoring.figures(rows.get(pk, []), responded=responded.get(pk, 0),
                                sent=sent.get(pk, 0)) for pk in ids}


def pooled_figures(surveys: QuerySet) -> scoring.Figures:
    """The figures of several surveys together (the quarter of every community a user sees):
    their answers and households added up."""
    ids = list(surveys.values_list("pk", flat=True))
    rows = [row for rows in _scored_rows(ids).values() for row in rows]
    return scoring.figures(rows, responded=sum(_counts(SurveyResponse, ids).values()),
                           sent=sum(_counts(SurveyRecipient, ids).values()))


def texts_of(survey: Survey) -> list[dict]:
    """The free-text answers to read, newest first: the question, the unit, the text."""
    answers = (SurveyAnswer.objects.filter(response__survey=survey,
                                           question__kind=QuestionKind.TEXT)
               .exclude(text="").select_related("question", "response__unit__building__community")
               .order_by("-response__answered_at", "-pk"))
    return [{"question": a.question.label, "dimension": a.question.get_dimension_display(),
             "unit": str(a.response.unit), "text": a.text} for a in answers]


def dimension_rows(figures: scoring.Figures) -> list[dict]:
    """Each dimension with its label and score (None: no scored answer), in the list's order."""
    return [{"code": code, "label": label, "score": figures.dimensions.get(code)}
            for code, label in Dimension.choices]


def current_quarter(now: datetime.datetime | None = None) -> str:
    return quarter_of(timezone.localdate(now or timezone.now()))


def quarter_surveys(user, quarter: str) -> QuerySet:
    """The surveys of ``quarter`` in the user's communities that were sent (open or closed)."""
    return scope(Survey.objects.filter(period=quarter, state__in=(State.OPEN, State.CLOSED)),
                 user)


# --- the portal -----------------------------------------------------------------------------

def waiting_for(user) -> list[SurveyRecipient]:
    """The open surveys sent to the resident's units that no one of the household has
    answered yet: one entry per survey and unit."""
    today = timezone.localdate()
    sent = (scope(SurveyRecipient.objects.filter(survey__state=State.OPEN,
                                                 survey__closes_on__gte=today), user)
            .select_related("survey__community", "survey__questionnaire",
                            "unit__building__community")
            .order_by("survey__closes_on", "pk"))
    answered = set(scope(SurveyResponse.objects.all(), user).values_list("survey_id", "unit_id"))
    return [r for r in sent if (r.survey_id, r.unit_id) not in answered]


def answered_by(user) -> QuerySet:
    return (scope(SurveyResponse.objects.all(), user)
            .select_related("survey", "unit__building__community").order_by("-answered_at", "-pk"))


def recipient_for(user, survey_id: int, unit_id: int) -> SurveyRecipient | None:
    """The survey as sent to one of the resident's units, or None (another household's, or
    never sent)."""
    return (scope(SurveyRecipient.objects.filter(survey_id=survey_id, unit_id=unit_id), user)
            .select_related("survey__questionnaire", "survey__community",
                            "unit__building__community")
            .first())
