"""The company's greeting and reminder templates from fixtures/scheduled_notices.toml, created
when missing (a template edited in the back office is kept)."""

from __future__ import annotations

from ..core.fixtures import read_fixture
from .models import GreetingTemplate, OccasionKind

FIELDS = ("occasion", "holiday_names", "lead_days", "name_zh", "name_en", "title_zh", "body_zh",
          "title_en", "body_en")


def load_greeting_templates() -> int:
    """How many templates were created."""
    created = 0
    for code, row in read_fixture("scheduled_notices.toml").get("templates", {}).items():
        unknown = set(row) - set(FIELDS)
        if unknown:
            raise ValueError(f"scheduled_notices.toml: {code}: unknown fields {sorted(unknown)}")
        if row.get("occasion") not in OccasionKind.values:
            raise ValueError(f"scheduled_notices.toml: {code}: unknown occasion "
                             f"{row.get('occasion')!r}")
        values = {**row, "holiday_names": ", ".join(row.get("holiday_names", []))}
        template = GreetingTemplate(code=code, **values)
        template.full_clean(exclude=["community"], validate_unique=False,
                            validate_constraints=False)
        _, new = GreetingTemplate.objects.get_or_create(community=None, code=code,
                                                        defaults=values)
        created += new
    return created
