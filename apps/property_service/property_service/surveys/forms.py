"""The answer form of a questionnaire, shared by the back office's recording page and the
portal: one field per question (``q<id>``), read into the answers the service takes."""

from __future__ import annotations

from .models import QuestionKind


def answers_from_post(data, questions) -> tuple[list[dict], dict]:
    """The answers of a posted form (``q<id>`` per question), as the service takes them, and
    what was given per question (to show the form again)."""
    answers, given = [], {}
    for question in questions:
        raw = data.get(f"q{question.pk}", "")
        given[question.pk] = raw
        if raw == "":
            continue
        key = {QuestionKind.CHOICE: "option", QuestionKind.TEXT: "text"}.get(question.kind,
                                                                            "value")
        answers.append({"question": question.pk, key: raw})
    return answers, given


def question_rows(questions, given: dict, errors: dict) -> list[dict]:
    """What a form shows per question: the question, its choices and what was given."""
    rows = []
    for question in questions:
        if question.scale:
            low, high = question.scale
            choices = [(str(n), str(n)) for n in range(low, high + 1)]
        elif question.kind == QuestionKind.CHOICE:
            choices = [(str(o.pk), o.label) for o in question.options.all()]
        else:
            choices = []
        rows.append({"question": question, "name": f"q{question.pk}", "choices": choices,
                     "given": str(given.get(question.pk, "")),
                     "errors": errors.get(str(question.pk), [])})
    return rows
