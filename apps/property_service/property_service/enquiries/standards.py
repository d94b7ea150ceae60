"""The company's enquiry standard from fixtures/enquiry_standards.toml, created when missing
(a standard edited in the back office is kept)."""

from __future__ import annotations

from ..core.fixtures import read_fixture
from .models import EnquiryStandard

FIELDS = ("handover_minutes", "contact_minutes", "answer_minutes", "resolve_working_days",
          "warn_at_percent", "manager_after_minutes")


def load_enquiry_standards(calendar) -> int:
    """How many standards were created (0 or 1)."""
    row = read_fixture("enquiry_standards.toml")["company"]
    unknown = set(row) - set(FIELDS)
    if unknown:
        raise ValueError(f"enquiry_standards.toml: unknown fields {sorted(unknown)}")
    _, new = EnquiryStandard.objects.get_or_create(
        community=None, defaults={"calendar": calendar, **row})
    return int(new)
