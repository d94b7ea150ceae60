"""The company's questionnaires from fixtures/survey_questionnaires.toml, created when missing
(a questionnaire edited in the back office is kept)."""

from __future__ import annotations

from django.db import transaction

from ..core.fixtures import read_fixture
from .models import Dimension, Question, QuestionKind, Questionnaire, QuestionOption

FIXTURE = "survey_questionnaires.toml"
DEFAULT_CODE = "quarterly"


@transaction.atomic
def load_questionnaires() -> int:
    """How many questionnaires were created."""
    created = 0
    for code, row in read_fixture(FIXTURE).get("questionnaires", {}).items():
        if Questionnaire.objects.filter(code=code).exists():
            continue
        questionnaire = Questionnaire.objects.create(
            code=code, title=row["title"], title_en=row.get("title_en", ""),
            introduction=row.get("introduction", ""),
            introduction_en=row.get("introduction_en", ""))
        for position, item in enumerate(row.get("questions", []), start=1):
            if item["dimension"] not in Dimension.values:
                raise ValueError(f"{FIXTURE}: unknown dimension {item['dimension']!r}")
            if item["kind"] not in QuestionKind.values:
                raise ValueError(f"{FIXTURE}: unknown kind {item['kind']!r}")
            question = Question.objects.create(
                questionnaire=questionnaire, position=position, dimension=item["dimension"],
                kind=item["kind"], text=item["text"], text_en=item.get("text_en", ""),
                required=item.get("required", True))
            for number, option in enumerate(item.get("options", []), start=1):
                QuestionOption.objects.create(
                    question=question, position=number, label_zh=option["label"],
                    label_en=option.get("label_en", ""), score=option.get("score"))
        created += 1
    return created
