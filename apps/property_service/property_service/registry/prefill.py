"""A new work order or complaint opened from a unit's or a resident's page comes with the
community, unit and resident filled in (``?community=&unit=&resident=`` on the add form).
Each is checked as the form itself would check it: a record outside the user's communities
(or one that does not exist: the same answer) is refused with a 400, never shown."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from ..core.params import BadParameter, id_param
from .models import Community, Resident, Unit

PREFILLED = {"community": Community, "unit": Unit, "resident": Resident}


def checked_prefill(query, user) -> dict:
    """The records named in ``query`` (community, unit, resident) that ``user`` may choose,
    or ``BadParameter``. A unit gives its community; a unit and a community must agree."""
    found = {}
    for name, model in PREFILLED.items():
        pk = id_param(query, name)
        if pk is None:
            continue
        record = scope(model.objects.filter(pk=pk), user).first()
        if record is None:
            raise BadParameter(name, _("The %(field)s given in the address is not one you may "
                                       "choose.") % {"field": model._meta.verbose_name})
        found[name] = record
    unit = found.get("unit")
    if unit is not None:
        community_id = unit.building.community_id
        if "community" in found and found["community"].pk != community_id:
            raise BadParameter("unit", _("This unit is in another community."))
        found.setdefault("community", unit.building.community)
    return found


class PrefillFromRegistryMixin:
    """For the admin of a record raised about a unit and a resident: its add form takes them
    (and the community) from the address, checked by ``checked_prefill``."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, record in checked_prefill(request.GET, request.user).items():
            initial[name] = record.pk
        return initial


def add_url(model_name: str, *, community_id, unit_id=None, resident_id=None) -> str:
    """The add form of ``model_name`` filled in with these (each only when given)."""
    query = {"community": community_id, "unit": unit_id, "resident": resident_id}
    return (f"{reverse(f'admin:property_service_{model_name}_add')}?"
            f"{urlencode({k: v for k, v in query.items() if v})}")
