"""Load the company's standards from fixtures/: SLA time standards, complaint deadlines, teams,
work-order categories and the incident response playbooks.

Only what is missing is created: rows staff have edited in the back office are kept, so running
this on every start is safe.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..complaints.models import ComplaintStandard, Severity
from ..core.fixtures import fixtures_dir, read_fixture  # noqa: F401  (also read from here)
from ..core.models import WorkingCalendar
from ..core.workcalendar import seed_china_calendar, years_in_use
from .models import Priority, SlaPolicy, Team, WorkOrderCategory


@transaction.atomic
def load_standards() -> dict[str, int]:
    seed_china_calendar(years=years_in_use(timezone.localdate()))
    calendar = WorkingCalendar.objects.filter(is_default=True).first()
    created = {"sla_policies": 0, "teams": 0, "categories": 0}
    for priority, row in read_fixture("sla_standards.toml").items():
        if priority not in Priority.values:
            raise ValueError(f"sla_standards.toml: unknown priority {priority!r}")
        _, new = SlaPolicy.objects.get_or_create(
            community=None, priority=priority,
            defaults={"calendar": calendar, **{k: row[k] for k in (
                "respond_within", "respond_unit", "complete_within", "complete_unit",
                "warn_at_percent", "manager_after_minutes", "follow_up_due_hours",
                "follow_up_overdue_hours")}})
        created["sla_policies"] += new
    created["complaint_standards"] = 0
    for severity, row in read_fixture("complaint_standards.toml").items():
        if severity not in Severity.values:
            raise ValueError(f"complaint_standards.toml: unknown severity {severity!r}")
        _, new = ComplaintStandard.objects.get_or_create(
            community=None, severity=severity, defaults={"calendar": calendar, **row})
        created["complaint_standards"] += new
    data = read_fixture("work_order_categories.toml")
    teams = {}
    for code, row in data.get("teams", {}).items():
        teams[code], new = Team.objects.get_or_create(
            code=code, defaults={"name": row["name"], "name_en": row.get("name_en", ""),
                                 "kind": row["kind"],
                                 "dispatch_mode": row.get("dispatch_mode", "direct")})
        created["teams"] += new
    for code, row in data.get("categories", {}).items():
        _, new = WorkOrderCategory.objects.get_or_create(
            code=code, defaults={"name": row["name"], "name_en": row.get("name_en", ""),
                                 "default_team": teams.get(row.get("team")),
                                 "default_priority": row["priority"],
                                 "major_works": row.get("major_works", False)})
        created["categories"] += new
    # Incidents and enquiries build on work orders; imported here to keep that direction.
    from ..enquiries.standards import load_enquiry_standards
    from ..incidents.playbooks import load_playbooks
    from ..specialservices.catalogue import load_special_services

    created["enquiry_standards"] = load_enquiry_standards(calendar)

    created["playbook_steps"] = load_playbooks()
    from ..surveys.standards import load_questionnaires

    created["questionnaires"] = load_questionnaires()
    created["special_services"] = load_special_services()
    from ..seasonal.standards import load_greeting_templates

    created["greeting_templates"] = load_greeting_templates()
    return created
