"""Writes of incidents. The admin, the API and the demo call these and nothing else.

Each write locks the incident row, checks the user's right and the incident's state, changes
fields, saves with the state guard of ``ConcurrentTransitionMixin`` and logs an event.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from ..access.scoping import may_access_community, scope
from ..access.selectors import users_with_role
from ..core.display import record_label
from ..core.errors import ActionError, ConcurrentChange, NotAllowed
from ..core.intake import locked_fields, locked_message
from ..core.models import Notification
from ..core.notifications import notify
from ..core.numbering import ensure_sequence, next_number
from ..core.workflow import action_in, check_fire, fire
from ..notices import services as notice_services
from ..notices.models import Notice
from ..notices.states import State as NoticeState
from ..registry.models import check_places_in_community
from ..workorders import services as work_order_services
from ..workorders.models import Channel
from .models import (
    INJURIES_DAMAGE_REQUIRED,
    REPORT_FIELDS,
    Incident,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentTimelineEntry,
    PlaybookStep,
)
from .states import ACTIONS, CHECKLIST_STATES, EDITABLE_STATES, State

NUMBER_PREFIX = "YJ"
WORK = "property_service.work_incident"


def _event(incident, *, action, by, comment="", from_state="", to_state=""):
    return IncidentEvent.objects.create(incident=incident, action=action, by=by,
                                        comment=comment, from_state=from_state,
                                        to_state=to_state)


def create_incident(*, by, community, kind, location, reported_at=None, buildings=(), units=(),
                    people_affected=0, **report) -> Incident:
    """Record an incident: numbered, with its type's playbook copied into its checklist, and
    the community's property managers told at once."""
    reported_at = reported_at or timezone.now()
    ensure_sequence(prefix=NUMBER_PREFIX, at=reported_at)
    return _create(by=by, community=community, kind=kind, location=location,
                   reported_at=reported_at, buildings=list(buildings), units=list(units),
                   people_affected=people_affected, **report)


@transaction.atomic
def _create(*, by, community, buildings, units, **fields) -> Incident:
    if by is not None and not (by.has_perm("property_service.add_incident")
                               and may_access_community(by, community.pk)):
        raise NotAllowed(_("You may not record incidents in this community."))
    unknown = set(fields) - {"kind", "location", "reported_at", "people_affected",
                             *REPORT_FIELDS}
    if unknown:
        raise TypeError(f"Unknown incident fields: {sorted(unknown)}")
    incident = Incident(community=community, reported_by=by, **fields)
    incident.full_clean(exclude=["number", "state"])
    check_places_in_community(community.pk, buildings=buildings, units=units)
    incident.number = next_number(prefix=NUMBER_PREFIX, at=incident.reported_at)
    incident.save()
    incident.buildings.set(buildings)
    incident.units.set(units)
    IncidentChecklistItem.objects.bulk_create(
        IncidentChecklistItem(incident=incident, position=step.position, text_zh=step.text_zh,
                              text_en=step.text_en)
        for step in PlaybookStep.objects.filter(incident_kind=incident.kind)
        .order_by("position"))
    _event(incident, action="created", by=by, to_state=incident.state)
    notify(users=users_with_role("Property Manager", community.pk),
           kind=Notification.Kind.INCIDENT, target=incident,
           message=_("%(number)s: %(kind)s at %(where)s.") % {
               "number": record_label(incident), "kind": incident.get_kind_display(),
               "where": incident.location},
           dedupe_key=f"incident:{incident.pk}:reported")
    return incident


def _lock(incident_id: int, user) -> Incident:
    try:
        return scope(Incident.objects.all(), user).select_for_update().get(pk=incident_id)
    except Incident.DoesNotExist:
        raise NotAllowed(_("This incident does not exist or is not yours to handle.")) from None


def _check_work(incident: Incident, user, *, states, refusal: str) -> None:
    if not user.has_perm(WORK):
        raise NotAllowed(_("You may not work on incidents."))
    if incident.state not in states:
        raise ActionError(refusal)


def may_fire(user, action) -> bool:
    return user.has_perm(f"property_service.{action.permission}")


def available_actions(incident: Incident, user):
    return [a for a in ACTIONS.values() if incident.state in a.sources and may_fire(user, a)]


@transaction.atomic
def transition_incident(*, incident_id: int, user, action: str,
                        expected_state: str | None = None, comment: str = "") -> Incident:
    """Fire ``action``. The report goes to the manager only once its summary, actions, cause,
    corrective actions and timeline are written, and the people hurt / damage too when people
    were affected or damage was claimed; only a property manager approves it. Exactly one of
    two concurrent calls wins."""
    act = action_in(ACTIONS, action)
    incident = _lock(incident_id, user)
    comment = check_fire(incident, act, allowed=may_fire(user, act),
                         expected_state=expected_state, comment=comment)
    now, from_state = timezone.now(), incident.state
    if act.name == "contain":
        incident.contained_at = incident.contained_at or now
    elif act.name == "draft_report":
        missing = incident.missing_report_parts()
        if missing:
            message = _("Write the report before submitting it; still empty: "
                        "%(parts)s.") % {"parts": ", ".join(missing)}
            if incident.lacks_injuries_damage():
                message = f"{message} {INJURIES_DAMAGE_REQUIRED}"
            raise ActionError(message)
        incident.resolved_at = incident.resolved_at or now
    elif act.name == "approve":
        incident.approved_at, incident.approved_by = now, user
    elif act.name == "close":
        incident.closed_at = now
    fire(incident, act.name)
    _event(incident, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=incident.state)
    if act.name == "draft_report":
        notify(users=users_with_role("Property Manager", incident.community_id),
               kind=Notification.Kind.INCIDENT, target=incident,
               message=_("%(number)s: the incident report waits for your approval.") % {
                   "number": record_label(incident)},
               dedupe_key=f"incident:{incident.pk}:drafted:{incident.events.count()}")
    return incident


@transaction.atomic
def update_incident(*, incident_id: int, user, buildings=None, units=None,
                    **fields) -> Incident:
    """Correct the report while it is written (open or contained); afterwards it is frozen
    unless the manager sends it back. Only ``Incident.editable_after_intake`` may change;
    anything else is refused and nothing changes."""
    incident = _lock(incident_id, user)
    locked = locked_fields(incident, fields)
    if locked:
        raise ActionError(locked_message(incident), field=locked[0])
    _check_work(incident, user, states=EDITABLE_STATES,
                refusal=_("The report was submitted: it can only change once the manager "
                          "sends it back."))
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.full_clean(exclude=["state"])
    buildings = list(incident.buildings.all()) if buildings is None else list(buildings)
    units = list(incident.units.all()) if units is None else list(units)
    check_places_in_community(incident.community_id, buildings=buildings, units=units)
    try:
        incident.save(update_fields=[*fields, "updated_at"])
    except ConcurrentTransition:
        raise ConcurrentChange() from None
    incident.buildings.set(buildings)
    incident.units.set(units)
    return incident


@transaction.atomic
def tick_checklist_item(*, incident_id: int, item_id: int, user,
                        done: bool = True) -> IncidentChecklistItem:
    """Tick (or untick) a playbook step: who did it and when is kept."""
    incident = _lock(incident_id, user)
    _check_work(incident, user, states=CHECKLIST_STATES,
                refusal=_("The report is approved: its checklist can no longer change."))
    try:
        item = incident.checklist.select_for_update().get(pk=item_id)
    except IncidentChecklistItem.DoesNotExist:
        raise ActionError(_("This step is not on this incident's checklist."),
                          field="item") from None
    if done and item.done_at is None:
        item.done_at, item.done_by = timezone.now(), user
    elif not done:
        item.done_at = item.done_by = None
    item.save(update_fields=["done_at", "done_by"])
    return item


@transaction.atomic
def add_timeline_entry(*, incident_id: int, user, text: str, at=None) -> IncidentTimelineEntry:
    """Add what happened when to the report's timeline (not in the future, not before the
    incident was reported)."""
    incident = _lock(incident_id, user)
    _check_work(incident, user, states=EDITABLE_STATES,
                refusal=_("The report was submitted: its timeline can no longer change."))
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Say what happened."), field="text")
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ActionError(_("The time cannot be in the future."), field="at")
    if at < incident.reported_at - datetime.timedelta(days=1):
        raise ActionError(_("The time is long before the incident was reported."), field="at")
    return IncidentTimelineEntry.objects.create(incident=incident, at=at, by=user, text=text)


def raise_work_orders(*, incident_id: int, user, category, units=(), description: str = "",
                      priority: str | None = None) -> list:
    """Raise repairs for the incident through the work-order intake: one order per chosen
    affected unit, or one for the incident's (public) location when no unit is chosen."""
    now = timezone.now()
    ensure_sequence(prefix=work_order_services.NUMBER_PREFIX, at=now)
    return _raise_work_orders(incident_id=incident_id, user=user, category=category,
                              units=list(units), description=description, priority=priority,
                              now=now)


@transaction.atomic
def _raise_work_orders(*, incident_id, user, category, units, description, priority, now):
    incident = _lock(incident_id, user)
    _check_work(incident, user, states=(*CHECKLIST_STATES, State.APPROVED),
                refusal=_("This incident is closed."))
    affected = set(incident.units.values_list("pk", flat=True))
    if any(unit.pk not in affected for unit in units):
        raise ActionError(_("Choose units among the incident's affected units."), field="units")
    text = (description or "").strip() or incident.summary or incident.get_kind_display()
    text = f"{incident.number} {incident.get_kind_display()}: {text}"
    orders = [
        work_order_services.create_work_order(
            by=user, community=incident.community, category=category, channel=Channel.PATROL,
            description=text, unit=unit, location="" if unit else incident.location,
            priority=priority or None, reported_at=now)
        for unit in (units or [None])
    ]
    incident.work_orders.add(*orders)
    _event(incident, action="work_order_raised", by=user,
           comment=", ".join(order.number for order in orders))
    return orders


@transaction.atomic
def raise_outage_notice(*, incident_id: int, user) -> Notice:
    """Draft an urgent outage notice for the affected buildings (the whole community when none
    is named), prefilled from the incident, for the front desk to review and publish."""
    incident = _lock(incident_id, user)
    _check_work(incident, user, states=(*CHECKLIST_STATES, State.APPROVED),
                refusal=_("This incident is closed."))
    draft = incident.notices.filter(state=NoticeState.DRAFT).first()
    if draft is not None:
        raise ActionError(_("An outage notice of this incident is already drafted: "
                            "“%(title)s”.") % {"title": draft.title})
    buildings = {b.pk: b for b in incident.buildings.all()}
    for unit in incident.units.select_related("building"):
        buildings.setdefault(unit.building_id, unit.building)
    where = "、".join(b.name for b in buildings.values()) or incident.community.name
    body = _("Dear residents,\n\n%(kind)s since %(when)s, affecting %(where)s (%(location)s). "
             "We are working on it and will tell you as soon as service is back. We apologise "
             "for the inconvenience.\n\nService phone: %(phone)s\n%(community)s property "
             "service") % {
        "kind": incident.get_kind_display(),
        "when": date_format(timezone.localtime(incident.reported_at), "Y-m-d H:i"),
        "where": where, "location": incident.location,
        "phone": incident.community.service_phone or "—",
        "community": incident.community.name}
    notice = notice_services.create_notice(
        by=user, community=incident.community, buildings=buildings.values(),
        title=_("Outage notice: %(kind)s") % {"kind": incident.get_kind_display()},
        body=body, kind=Notice.Kind.OUTAGE, urgent=True, source_incident=incident)
    _event(incident, action="notice_raised", by=user, comment=notice.title)
    return notice
