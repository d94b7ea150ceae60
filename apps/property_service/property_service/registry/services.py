"""Writes of the registry that start something elsewhere. A move-in (a new occupancy) is
entered by staff in the back office (the occupancy form and the unit's and resident's lists of
occupancies), through the API, or by a resident registering in the portal: each of these calls
``occupancy_create`` and nothing else."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..access.scoping import works_for_community
from ..core.errors import NotAllowed, full_clean_or_refuse
from .models import Occupancy


@transaction.atomic
def occupancy_create(*, by, occupancy: Occupancy) -> Occupancy:
    """Save a new occupancy (built unsaved, as a form or a serializer builds it) and plan what a
    move-in asks for: the household's first-month follow-up visit, in the same transaction.

    ``by`` is the member of staff entering it, or ``None`` for the resident's own registration
    through an invitation (checked by the portal). The visit is a unique row per move-in, so the
    daily planning job, run afterwards, plans no second one."""
    from ..visits.services import visit_plan_first_month

    if occupancy.pk is not None:
        raise ValueError("occupancy_create saves new occupancies only.")
    full_clean_or_refuse(occupancy)
    if by is not None:
        if not by.has_perm("property_service.add_occupancy"):
            raise NotAllowed(_("You may not add occupancies."))
        if not works_for_community(by, occupancy.unit.building.community_id):
            raise NotAllowed(_("Choose a unit of your own communities."), field="unit")
    occupancy.save()
    visit_plan_first_month(occupancy=occupancy)
    return occupancy
