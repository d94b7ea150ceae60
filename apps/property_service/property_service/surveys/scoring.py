"""The survey's rules as pure functions, tested without the database: which answers are valid,
how an answer becomes a score out of 100, and the figures of a set of answers (response rate,
score per dimension and overall, the free-text answers to read).

- A 1-5 scale answer ``v`` scores ``(v - 1) / 4 * 100``; a 0-10 one ``v * 10``; a chosen option
  its own score (0-100), or nothing when the option has none; a text answer nothing.
- A dimension's score is the mean of the scores of its answers; the overall score is the mean
  of the dimension scores (each service dimension weighs the same, however many questions it
  has). Both are rounded to one decimal at the end, never in between.
- The response rate is the households that answered over the households the survey was sent
  to, in percent, one decimal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

SCALE_5, SCALE_10, CHOICE, TEXT = "scale_5", "scale_10", "choice", "text"
SCALES = {SCALE_5: (1, 5), SCALE_10: (0, 10)}


@dataclass(frozen=True)
class QuestionSpec:
    """What the rules need of a question."""

    id: int
    dimension: str
    kind: str
    required: bool = True
    # Option id -> its score (None: counts for nothing); single-choice questions only.
    options: dict[int, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CleanAnswer:
    question: int
    value: int | None = None
    option: int | None = None
    text: str = ""


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer as the figures read it, or ``count`` equal ones (answers grouped in
    the database)."""

    dimension: str
    kind: str
    value: int | None = None
    option_score: int | None = None
    text: str = ""
    count: int = 1


def normalised(kind: str, value: int | None = None,
               option_score: int | None = None) -> float | None:
    """The answer's score out of 100, or None when it has none."""
    if kind == SCALE_5 and value is not None:
        return (value - 1) / 4 * 100
    if kind == SCALE_10 and value is not None:
        return value * 10.0
    if kind == CHOICE and option_score is not None:
        return float(option_score)
    return None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def response_rate(responded: int, sent: int) -> float | None:
    """Households that answered ÷ households sent, in percent (None when none was sent)."""
    return round(100 * responded / sent, 1) if sent else None


def dimension_means(answers: Iterable[AnswerRow]) -> dict[str, float]:
    """Unrounded mean score per dimension of the answers that have a score."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for answer in answers:
        score = normalised(answer.kind, answer.value, answer.option_score)
        if score is not None and answer.count > 0:
            totals[answer.dimension][0] += score * answer.count
            totals[answer.dimension][1] += answer.count
    return {dimension: total / n for dimension, (total, n) in totals.items()}


@dataclass(frozen=True)
class Figures:
    sent: int
    responded: int
    response_rate: float | None
    # Dimension code -> score out of 100 (one decimal); only dimensions with a scored answer.
    dimensions: dict[str, float]
    score: float | None
    texts: list[str]


def figures(answers: Iterable[AnswerRow], *, responded: int, sent: int) -> Figures:
    """The figures of a survey (or of several pooled: their answers and households added)."""
    answers = list(answers)
    means = dimension_means(answers)
    return Figures(
        sent=sent, responded=responded, response_rate=response_rate(responded, sent),
        dimensions={key: _rounded(value) for key, value in means.items()},
        score=_rounded(_mean(list(means.values()))),
        texts=[a.text for a in answers if a.kind == TEXT and a.text.strip()])


# --- answers --------------------------------------------------------------------------------

def _integer(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def _given(raw: dict, key: str) -> bool:
    value = raw.get(key)
    return value is not None and value != ""


def check_answers(questions: list[QuestionSpec],
                  given: Iterable[dict]) -> tuple[list[CleanAnswer], dict[str, list[str]]]:
    """The answers ``given`` (each ``{"question": id, "value" | "option" | "text": ...}``)
    checked against the questionnaire: every required question answered, a scale value in its
    range, a chosen option one of the question's, no question twice, none foreign. Returns the
    clean answers and the errors by question id (as text; empty when all is well)."""
    by_id = {q.id: q for q in questions}
    errors: dict[str, list[str]] = defaultdict(list)
    found: dict[int, CleanAnswer] = {}
    for raw in given:
        if not isinstance(raw, dict):
            errors["answers"].append(_("Each answer names its question and its value."))
            continue
        question_id = _integer(raw.get("question"))
        question = by_id.get(question_id)
        if question is None:
            errors[str(raw.get("question"))[:20] or "answers"].append(
                _("This question is not part of the survey."))
            continue
        key = str(question.id)
        if question.id in found:
            errors[key].append(_("This question is answered twice."))
            continue
        answer = _check_one(question, raw, errors[key])
        if answer is not None:
            found[question.id] = answer
    for question in questions:
        key = str(question.id)
        if question.required and question.id not in found and not errors.get(key):
            errors[key].append(_("Answer this question."))
    clean = [found[q.id] for q in questions if q.id in found]
    return clean, {key: messages for key, messages in errors.items() if messages}


def _check_one(question: QuestionSpec, raw: dict, errors: list[str]) -> CleanAnswer | None:
    """The clean answer, None when left empty, or errors added."""
    if question.kind in SCALES:
        if not _given(raw, "value"):
            return None
        low, high = SCALES[question.kind]
        value = _integer(raw.get("value"))
        if value is None or not low <= value <= high:
            errors.append(_("Give a whole number from %(low)d to %(high)d.")
                          % {"low": low, "high": high})
            return None
        return CleanAnswer(question.id, value=value)
    if question.kind == CHOICE:
        if not _given(raw, "option"):
            return None
        option = _integer(raw.get("option"))
        if option is None or option not in question.options:
            errors.append(_("Choose one of the question's answers."))
            return None
        return CleanAnswer(question.id, option=option)
    text = raw.get("text")
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        return None
    if len(text) > MAX_TEXT:
        errors.append(_("Write at most %(n)d characters.") % {"n": MAX_TEXT})
        return None
    return CleanAnswer(question.id, text=text)


MAX_TEXT = 2000
