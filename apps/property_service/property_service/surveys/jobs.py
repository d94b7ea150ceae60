"""The surveys' daily job: close each open survey whose closing day has passed."""

from __future__ import annotations

from django.utils import timezone

from .models import Survey
from .services import survey_close_finished
from .states import State


def close_finished_surveys() -> int:
    """How many surveys were closed; a rerun closes nothing twice."""
    today = timezone.localdate()
    due = Survey.objects.filter(state=State.OPEN, closes_on__lt=today).values_list("pk",
                                                                                flat=True)
    return sum(survey_close_finished(survey_id=pk, today=today) for pk in list(due))
