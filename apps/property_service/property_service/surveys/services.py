"""Writes of satisfaction surveys. The admin, the API, the portal and the closing job call
these and nothing else."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import resident_unit_ids, scope, works_for_community
from ..core.errors import ActionError, NotAllowed, full_clean_or_refuse
from ..core.workflow import action_in, check_fire, fire
from ..registry.models import Occupancy, current_occupancy_q
from . import scoring, selectors
from .models import (
    STAFF_CHANNELS,
    ResponseChannel,
    Survey,
    SurveyAnswer,
    SurveyEvent,
    SurveyRecipient,
    SurveyResponse,
)
from .quarters import quarter_bounds
from .states import ACTIONS, State


class AnswersRefused(ActionError):
    """Answers missing or not valid: ``errors`` holds the messages by question id."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(_("Some answers are missing or not valid."), field="answers")
        self.errors = errors


def _event(survey, *, action, by, comment="", from_state="", to_state=""):
    return SurveyEvent.objects.create(survey=survey, action=action, by=by, comment=comment,
                                      from_state=from_state, to_state=to_state,
                                      at=timezone.now())


def default_title(community, period: str) -> str:
    return _("%(community)s satisfaction survey %(quarter)s") % {
        "community": community.name, "quarter": period}


@transaction.atomic
def survey_create(*, by, community, questionnaire, period: str,
                  opens_on: datetime.date | None = None, closes_on: datetime.date | None = None,
                  title: str = "") -> Survey:
    """Prepare a community's survey of a quarter (a draft: nobody has it yet). Without dates it
    runs over the whole quarter."""
    if not by.has_perm("property_service.add_survey"):
        raise NotAllowed(_("You may not prepare satisfaction surveys."))
    if community is None or not works_for_community(by, community.pk):
        raise NotAllowed(_("Choose one of your own communities."), field="community")
    period = (period or "").strip()
    survey = Survey(community=community, questionnaire=questionnaire, period=period,
                    title=(title or "").strip(), opens_on=opens_on, closes_on=closes_on,
                    created_by=by)
    try:
        first, last = quarter_bounds(period)
    except ValueError:
        raise ActionError(_("Give the quarter as YYYY-Qn, e.g. 2026-Q4."),
                          field="period") from None
    survey.opens_on = survey.opens_on or first
    survey.closes_on = survey.closes_on or last
    if not survey.title:
        survey.title = default_title(community, period)
    full_clean_or_refuse(survey, exclude=["state"])
    survey.save()
    _event(survey, action="created", by=by, to_state=survey.state)
    return survey


@transaction.atomic
def survey_update(*, survey_id: int, user, title: str, opens_on: datetime.date,
                  closes_on: datetime.date) -> Survey:
    """Correct a draft's title and dates (once sent, a survey keeps them)."""
    if not user.has_perm("property_service.change_survey"):
        raise NotAllowed(_("You may not change satisfaction surveys."))
    survey = _lock(survey_id, user)
    if survey.state != State.DRAFT:
        raise ActionError(_("Only a draft survey can be changed."))
    survey.title = (title or "").strip() or default_title(survey.community, survey.period)
    survey.opens_on, survey.closes_on = opens_on, closes_on
    full_clean_or_refuse(survey, exclude=["state"])
    survey.save(update_fields=["title", "opens_on", "closes_on", "updated_at"])
    _event(survey, action="changed", by=user)
    return survey


def _lock(survey_id, user) -> Survey:
    try:
        return scope(Survey.objects.all(), user).select_for_update().get(pk=survey_id)
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("This survey does not exist or is not yours to handle.")) from None


def may_fire(user, action) -> bool:
    if resident_unit_ids(user) is not None:
        return False
    return user.has_perm(f"property_service.{action.permission}")


def available_actions(survey: Survey, user):
    return [a for a in ACTIONS.values() if survey.state in a.sources and may_fire(user, a)]


@transaction.atomic
def survey_transition(*, survey_id: int, user, action: str,
                      expected_state: str | None = None) -> Survey:
    """Open a draft (it is sent to every household lived in today, each once) or close an open
    survey. Of two concurrent calls one wins; a refusal changes nothing."""
    act = action_in(ACTIONS, action)
    survey = _lock(survey_id, user)
    check_fire(survey, act, allowed=may_fire(user, act), expected_state=expected_state)
    from_state, now = survey.state, timezone.now()
    comment = ""
    if act.name == "open":
        if not survey.questionnaire.questions.exists():
            raise ActionError(_("The questionnaire has no questions."))
        if survey.closes_on < timezone.localdate(now):
            raise ActionError(_("The survey's closing day has passed: change it first."),
                              field="closes_on")
        units = list(selectors.households(survey.community_id, timezone.localdate(now))
                     .values_list("pk", flat=True))
        if not units:
            raise ActionError(_("Nobody lives in this community's units: there is no "
                                "household to send the survey to."))
        SurveyRecipient.objects.bulk_create(
            [SurveyRecipient(survey=survey, unit_id=pk, sent_at=now) for pk in units],
            ignore_conflicts=True)
        survey.opened_at = now
        comment = _("Sent to %(n)d households.") % {"n": len(units)}
    else:
        survey.closed_at = now
    fire(survey, act.name)
    _event(survey, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=survey.state)
    return survey


@transaction.atomic
def survey_close_finished(*, survey_id: int, today: datetime.date) -> int:
    """Close the survey if it is still open past its closing day (the daily job): 1 if it was
    closed now, 0 if there was nothing to do."""
    survey = Survey.objects.select_for_update().filter(pk=survey_id, state=State.OPEN,
                                                       closes_on__lt=today).first()
    if survey is None:
        return 0
    survey.closed_at = timezone.now()
    fire(survey, "close")
    _event(survey, action="close", by=None, from_state=State.OPEN, to_state=survey.state,
           comment=_("Closing day passed."))
    return 1


def _resident_of(unit, resident) -> bool:
    return Occupancy.objects.filter(current_occupancy_q(timezone.localdate()), unit=unit,
                                    resident=resident).exists()


def survey_record_response(*, by, survey_id: int, unit, answers, channel: str,
                           resident=None) -> SurveyResponse:
    """Record one household's answers: a resident's own in the portal, or answers staff took
    by phone, on paper or in person. The survey must be open and sent to the unit; each
    household answers once; every required question is answered, each value in its range.
    Either everything is stored or, refused, nothing is."""
    try:
        return _record(by=by, survey_id=survey_id, unit=unit, answers=answers,
                       channel=channel, resident=resident)
    except IntegrityError:
        # Another answer of the household won the race (the unique row decides).
        raise ActionError(_("This household has already answered this survey."),
                          field="unit") from None


@transaction.atomic
def _record(*, by, survey_id, unit, answers, channel, resident) -> SurveyResponse:
    is_resident = resident_unit_ids(by) is not None
    if is_resident:
        if unit is None or unit.pk not in resident_unit_ids(by):
            raise NotAllowed(_("Choose one of your own units."), field="unit")
        channel, resident = ResponseChannel.PORTAL, by.resident_account.resident
    else:
        if not by.has_perm("property_service.add_surveyresponse"):
            raise NotAllowed(_("You may not record survey answers."))
        if channel not in STAFF_CHANNELS:
            raise ActionError(_("Say how the answers were taken: by phone, on paper or in "
                                "person."), field="channel")
    # A resident reaches only the surveys sent to their unit.
    surveys = Survey.objects.filter(recipients__unit=unit) if is_resident \
        else scope(Survey.objects.all(), by)
    try:
        survey = surveys.select_for_update().filter(pk=survey_id).first()
    except (ValueError, TypeError):
        survey = None
    if survey is None:
        raise NotAllowed(_("This survey does not exist or is not yours to handle."),
                         field="survey")
    if unit is None or not SurveyRecipient.objects.filter(survey=survey, unit=unit).exists():
        raise ActionError(_("The survey was not sent to this unit."), field="unit")
    if not survey.takes_answers():
        raise ActionError(_("This survey is closed: it no longer takes answers."),
                          field="survey")
    if SurveyResponse.objects.filter(survey=survey, unit=unit).exists():
        raise ActionError(_("This household has already answered this survey."), field="unit")
    if resident is not None and not is_resident and not _resident_of(unit, resident):
        raise ActionError(_("This resident does not live in the unit."), field="resident")
    questions = selectors.questions_of(survey.questionnaire_id)
    clean, errors = scoring.check_answers(selectors.question_specs(questions), answers or [])
    if errors:
        raise AnswersRefused(errors)
    with transaction.atomic():
        response = SurveyResponse.objects.create(
            survey=survey, unit=unit, resident=resident, channel=channel,
            answered_at=timezone.now(), recorded_by=None if is_resident else by)
    SurveyAnswer.objects.bulk_create([
        SurveyAnswer(response=response, question_id=a.question, value=a.value,
                     option_id=a.option, text=a.text) for a in clean])
    _event(survey, action="response", by=by,
           comment=f"{unit} · {response.get_channel_display()}")
    return response
