"""Response playbooks (应急预案) as data: fixtures/incident_playbooks.toml lists, per type of
incident, the first steps in Chinese and English. Loaded with the other standards; steps staff
have edited in the back office are kept."""

from __future__ import annotations

from ..workorders.standards import read_fixture
from .models import Kind, PlaybookStep

FIXTURE = "incident_playbooks.toml"


def load_playbooks() -> int:
    """Create the missing steps; return how many were created."""
    created = 0
    for kind, steps in read_fixture(FIXTURE).items():
        if kind not in Kind.values:
            raise ValueError(f"{FIXTURE}: unknown incident type {kind!r}")
        for position, step in enumerate(steps, start=1):
            _, new = PlaybookStep.objects.get_or_create(
                incident_kind=kind, position=position,
                defaults={"text_zh": step["zh"], "text_en": step.get("en", "")})
            created += new
    return created
