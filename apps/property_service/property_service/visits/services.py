"""Writes of follow-up visits. The services that start an occupancy or see major works
accepted, the daily planning job, the admin and the API call these and nothing else.

Each change of a visit's deadline or state tells the chaser when to look at it next
(``jobs.update_chase_at``) and is a line of the visit's timeline."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope, works_for_community
from ..core.errors import ActionError, ConcurrentChange, NotAllowed, full_clean_or_refuse
from ..core.models import Notification
from ..core.notifications import notify
from . import rules as visit_rules_module
from .jobs import update_chase_at
from .models import TRANSITIONS, Kind, State, Visit, VisitEvent


def _event(visit, *, action, by, comment="", from_state="", to_state=""):
    return VisitEvent.objects.create(visit=visit, action=action, by=by, comment=comment,
                                     from_state=from_state, to_state=to_state)


def _plan_once(*, planned: visit_rules_module.PlannedVisit, rules, comment: str,
               **fields) -> Visit | None:
    """Create the visit unless it exists: the unique row decides, concurrent callers too."""
    try:
        with transaction.atomic():
            visit = Visit.objects.create(step=planned.step, planned_on=planned.planned_on,
                                         due_at=planned.due_at, **fields)
    except IntegrityError:
        return None
    update_chase_at(visit, rules)
    _event(visit, action="planned", by=None, comment=comment, to_state=visit.state)
    return visit


@transaction.atomic
def visit_plan_first_month(*, occupancy, rules=None) -> Visit | None:
    """Plan the first-month visit of a new household (an owner's or tenant's move-in), once per
    move-in. Returns the new visit, or None when the move-in needs none or has one."""
    rules = rules or visit_rules_module.visit_rules()
    if not visit_rules_module.counts_as_new_household(occupancy.relation, rules):
        return None
    planned = visit_rules_module.first_month_visit(occupancy.start_date, rules,
                                                   timezone.get_current_timezone())
    return _plan_once(planned=planned, rules=rules,
                      comment=_("Moved in on %(date)s.") % {"date": occupancy.start_date},
                      kind=Kind.FIRST_MONTH, occupancy=occupancy,
                      community_id=occupancy.unit.building.community_id,
                      unit_id=occupancy.unit_id, resident_id=occupancy.resident_id)


@transaction.atomic
def visit_plan_major_works(*, order, rules=None,
                           due_after: datetime.datetime | None = None) -> list[Visit]:
    """Plan the quality visits after an order of a major-works category was completed (from its
    completion), each once. With ``due_after``, visits due before it are left out (the daily
    job does not plan visits that were already late before they existed)."""
    if not (order.category.major_works and order.unit_id and order.completed_at):
        return []
    rules = rules or visit_rules_module.visit_rules()
    completed_on = timezone.localdate(order.completed_at)
    created = []
    for planned in visit_rules_module.major_works_visits(completed_on, rules,
                                                         timezone.get_current_timezone()):
        if due_after is not None and planned.due_at < due_after:
            continue
        visit = _plan_once(planned=planned, rules=rules,
                           comment=_("%(number)s completed on %(date)s.") % {
                               "number": order.number, "date": completed_on},
                           kind=Kind.MAJOR_WORKS, work_order=order,
                           community_id=order.community_id, unit_id=order.unit_id,
                           resident_id=order.resident_id)
        if visit is not None:
            created.append(visit)
    return created


@transaction.atomic
def visit_create(*, by, unit, due_at: datetime.datetime, resident=None,
                 kind: str = Kind.OTHER) -> Visit:
    """A visit staff add by hand (the rules' own kinds are planned by the rules only)."""
    if not by.has_perm("property_service.plan_visit"):
        raise NotAllowed(_("You may not add follow-up visits."))
    if kind != Kind.OTHER:
        raise ActionError(_("Visits of this kind are planned by the rules; add an other "
                            "visit."), field="kind")
    if due_at is None:
        raise ActionError(_("Give the date the visit is due by."), field="due_at")
    visit = Visit(kind=kind, unit=unit, resident=resident,
                  community_id=unit.building.community_id, step=1,
                  planned_on=timezone.localdate(due_at), due_at=due_at)
    if not works_for_community(by, visit.community_id):
        raise NotAllowed(_("Choose a unit of your own communities."), field="unit")
    full_clean_or_refuse(visit, exclude=["occupancy", "work_order"])
    visit.save()
    update_chase_at(visit)
    _event(visit, action="planned", by=by, to_state=visit.state)
    return visit


def _lock(visit_id: int, user) -> Visit:
    try:
        return scope(Visit.objects.all(), user).select_for_update().get(pk=visit_id)
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("This visit does not exist or is not yours to handle.")) from None


def _check_state(visit: Visit, action: str, expected_state: str | None) -> None:
    if expected_state and visit.state != expected_state:
        raise ConcurrentChange()
    sources, _target = TRANSITIONS[action]
    if visit.state not in sources:
        raise ActionError(_("This visit is %(state)s: it can no longer be changed.") % {
            "state": visit.get_state_display()})


@transaction.atomic
def visit_record(*, visit_id: int, user, reached: bool, outcome: str,
                 satisfaction: int | None = None,
                 expected_state: str | None = None) -> Visit:
    """Record the visit: done (what came of it and the resident's satisfaction, 1 to 5) or, the
    resident not reached, unreachable (what was tried). Either ends the chasing."""
    if not user.has_perm("property_service.record_visit"):
        raise NotAllowed(_("You may not record follow-up visits."))
    visit = _lock(visit_id, user)
    action = "done" if reached else "unreachable"
    _check_state(visit, action, expected_state)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ActionError(_("Write what came of the visit.") if reached
                          else _("Write what was tried to reach the resident."),
                          field="outcome")
    if reached:
        try:
            satisfaction = int(satisfaction)
        except (TypeError, ValueError):
            satisfaction = None
        if satisfaction is None or not 1 <= satisfaction <= 5:
            raise ActionError(_("Record the resident's satisfaction from 1 to 5."),
                              field="satisfaction")
    else:
        satisfaction = None
    from_state = visit.state
    visit.state = TRANSITIONS[action][1]
    visit.outcome, visit.satisfaction = outcome, satisfaction
    visit.done_at, visit.done_by = timezone.now(), user
    visit.save(update_fields=["state", "outcome", "satisfaction", "done_at", "done_by",
                              "updated_at"])
    update_chase_at(visit)
    _event(visit, action=action, by=user, comment=outcome, from_state=from_state,
           to_state=visit.state)
    return visit


@transaction.atomic
def visit_cancel(*, visit_id: int, user, reason: str,
                 expected_state: str | None = None) -> Visit:
    """Cancel a planned visit no longer needed (the household moved out...), with a reason."""
    if not user.has_perm("property_service.plan_visit"):
        raise NotAllowed(_("You may not cancel follow-up visits."))
    visit = _lock(visit_id, user)
    _check_state(visit, "cancel", expected_state)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say why: a comment is required."), field="comment")
    from_state = visit.state
    visit.state, visit.outcome = State.CANCELLED, reason
    visit.save(update_fields=["state", "outcome", "updated_at"])
    update_chase_at(visit)
    _event(visit, action="cancel", by=user, comment=reason, from_state=from_state,
           to_state=visit.state)
    return visit


@transaction.atomic
def visit_assign(*, visit_id: int, user, assignee) -> Visit:
    """Give a planned visit to a member of staff of its community, who is told."""
    if not user.has_perm("property_service.plan_visit"):
        raise NotAllowed(_("You may not assign follow-up visits."))
    visit = _lock(visit_id, user)
    if visit.state != State.PLANNED:
        raise ActionError(_("This visit is %(state)s: it can no longer be changed.") % {
            "state": visit.get_state_display()})
    if assignee is None or not (assignee.has_perm("property_service.record_visit")
                                and works_for_community(assignee, visit.community_id)):
        raise ActionError(_("The chosen person cannot make visits in this community."),
                          field="assignee")
    visit.assignee = assignee
    visit.save(update_fields=["assignee", "updated_at"])
    _event(visit, action="assign", by=user, comment=str(assignee))
    notify(users=[assignee], kind=Notification.Kind.ASSIGNED, target=visit,
           message=_("Follow-up visit to %(unit)s handed to you: due by %(when)s.") % {
               "unit": visit.unit,
               "when": timezone.localtime(visit.due_at).strftime("%Y-%m-%d")},
           dedupe_key=f"visit:{visit.pk}:assigned:{visit.events.count()}")
    return visit
