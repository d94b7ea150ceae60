"""Writes of complaints. The admin, the API, jobs and the work-order repeat rule call these.

A service that sets, meets or moves a deadline, or moves the complaint, tells the chaser when to
look at it next (``jobs.update_chase_at``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import resident_unit_ids, scope, works_for_community
from ..access.selectors import users_with_role
from ..core.display import record_label
from ..core.errors import ActionError, ConcurrentChange, NotAllowed
from ..core.intake import corrections_note, save_corrections
from ..core.models import Notification
from ..core.notifications import notify
from ..core.numbering import ensure_sequence, next_number
from ..core.targets import is_unhappy
from ..core.workflow import action_in, check_fire, fire
from . import deadlines
from .jobs import update_chase_at
from .models import Complaint, ComplaintEvent, ComplaintRound, Severity
from .states import ACTIONS, OPEN_STATES, State

NUMBER_PREFIX = "TS"


def _event(complaint, *, action, by, comment="", from_state="", to_state=""):
    return ComplaintEvent.objects.create(complaint=complaint, action=action, by=by,
                                         comment=comment, from_state=from_state,
                                         to_state=to_state)


def create_complaint(*, by, community, channel, category, content, unit=None, resident=None,
                     request="", severity=Severity.GENERAL, emotional=False,
                     staff_concerned=None, received_at=None) -> Complaint:
    """Record a complaint with its deadlines; major ones are reported to the managers."""
    received_at = received_at or timezone.now()
    ensure_sequence(prefix=NUMBER_PREFIX, at=received_at)
    return _create(by=by, community=community, channel=channel, category=category,
                   content=content, unit=unit, resident=resident, request=request,
                   severity=severity, emotional=emotional, staff_concerned=staff_concerned,
                   received_at=received_at)


@transaction.atomic
def _create(*, by, received_at, **fields) -> Complaint:
    complaint = Complaint(received_at=received_at, **fields)
    complaint.full_clean(exclude=["number", "state"])
    complaint.number = next_number(prefix=NUMBER_PREFIX, at=received_at)
    standard = deadlines.standard_for(community_id=complaint.community_id,
                                      severity=complaint.severity)
    for field, due in deadlines.intake_deadlines(standard, received_at).items():
        setattr(complaint, field, due)
    complaint.save()
    update_chase_at(complaint)
    if complaint.unit_id:
        earlier = Complaint.objects.filter(unit_id=complaint.unit_id,
                                           category=complaint.category).exclude(pk=complaint.pk)
        complaint.earlier_complaints.set(earlier)
    _event(complaint, action="created", by=by, to_state=complaint.state)
    if complaint.severity == Severity.MAJOR:
        _tell_managers_major(complaint, _("%(number)s: a major complaint was received.") % {
            "number": record_label(complaint)})
    return complaint


def supervisors_for(community_id: int):
    """Who a complaint of this community can be handed to (the assign action checks the same)."""
    return (users_with_role("CS Supervisor", community_id)
            | users_with_role("Property Manager", community_id)).distinct()


def _lock(complaint_id: int, user) -> Complaint:
    try:
        return scope(Complaint.objects.all(), user).select_for_update().get(pk=complaint_id)
    except Complaint.DoesNotExist:
        raise NotAllowed(_("This complaint does not exist or is not yours to handle.")) from None


# A resident gives the follow-up verdict on the complaints of their own units (portal).
RESIDENT_ACTIONS = ("start_follow_up", "close", "reopen")


def may_fire(complaint: Complaint, user, action) -> bool:
    units = resident_unit_ids(user)
    if units is not None:
        return action.name in RESIDENT_ACTIONS and complaint.unit_id in units
    return user.has_perm(f"property_service.{action.permission}")


def available_actions(complaint: Complaint, user):
    return [a for a in ACTIONS.values() if complaint.state in a.sources
            and may_fire(complaint, user, a)]


@transaction.atomic
def transition_complaint(*, complaint_id: int, user, action: str,
                         expected_state: str | None = None, comment: str = "",
                         supervisor=None) -> Complaint:
    """Fire ``action``. A major complaint needs the manager's acknowledgement before its plan
    is agreed. Exactly one of two concurrent calls wins."""
    act = action_in(ACTIONS, action)
    complaint = _lock(complaint_id, user)
    comment = check_fire(complaint, act, allowed=may_fire(complaint, user, act),
                         expected_state=expected_state, comment=comment)
    now, from_state = timezone.now(), complaint.state
    if act.name == "assign":
        supervisor = supervisor or user
        if not (supervisor.has_perm("property_service.handle_complaint")
                and works_for_community(supervisor, complaint.community_id)):
            # The person is not named: the caller may not know who this id is.
            raise ActionError(_("The chosen person cannot handle complaints of this "
                                "community."), field="supervisor")
        complaint.supervisor, complaint.assigned_at = supervisor, now
    elif act.name == "contact":
        complaint.contacted_at = complaint.contacted_at or now
    elif act.name == "agree_plan":
        if complaint.severity == Severity.MAJOR and complaint.manager_acknowledged_at is None:
            raise NotAllowed(_("A major complaint needs the property manager's "
                               "acknowledgement before a plan is agreed."))
        complaint.plan, complaint.plan_agreed_at = comment, now
    elif act.name == "resolve":
        standard = deadlines.standard_for(community_id=complaint.community_id,
                                          severity=complaint.severity)
        complaint.resolution, complaint.resolved_at = comment, now
        complaint.follow_up_by = deadlines.follow_up_deadline(standard, now)
        # The resolution answers the resident if no answer was recorded before it.
        if complaint.answered_at is None:
            complaint.answer, complaint.answered_at = complaint.answer or comment, now
    elif act.name == "start_follow_up":
        pass
    elif act.name == "close":
        complaint.closed_at = now
        complaint.followed_up_at = complaint.followed_up_at or now
    elif act.name == "reopen":
        complaint.followed_up_at = complaint.followed_up_at or now
        _start_new_round(complaint, now)
    elif act.name == "withdraw":
        complaint.withdraw_reason, complaint.withdrawn_at = comment, now
    fire(complaint, act.name)
    update_chase_at(complaint)
    _event(complaint, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=complaint.state)
    if act.name == "assign":
        notify(users=[complaint.supervisor], kind=Notification.Kind.ASSIGNED, target=complaint,
               message=_("%(number)s handed to you: contact the resident by %(when)s.") % {
                   "number": record_label(complaint),
                   "when": timezone.localtime(complaint.contact_by).strftime("%H:%M")},
               dedupe_key=f"complaint:{complaint.pk}:assigned:{complaint.events.count()}")
    return complaint


# The fields of one round: kept in a ComplaintRound when the complaint is reopened.
ROUND_MOMENTS = tuple(name for d in deadlines.EVERY_ROUND
                      for name in (d.due_field, d.done_field))
ROUND_TEXTS = ("plan", "answer", "resolution")
ROUND_FIELDS = (*ROUND_MOMENTS, *ROUND_TEXTS, "satisfaction")


def _start_new_round(complaint: Complaint, now) -> None:
    """Keep the round that ends as it was (its deadlines met or missed, its outcome), then give
    the complaint the deadlines of a new one, running from ``now``."""
    ComplaintRound.objects.create(
        complaint=complaint, number=complaint.round_number,
        started_at=complaint.round_started_at, ended_at=now,
        **{name: getattr(complaint, name) for name in ROUND_FIELDS})
    # ``satisfaction`` stays: the latest follow-up score, until the next follow-up's.
    for name in ROUND_MOMENTS:
        setattr(complaint, name, None)
    for name in ROUND_TEXTS:
        setattr(complaint, name, "")
    complaint.reopen_count += 1
    complaint.reopened_at = now
    standard = deadlines.standard_for(community_id=complaint.community_id,
                                      severity=complaint.severity)
    for field, due in deadlines.round_deadlines(standard, now).items():
        setattr(complaint, field, due)


@transaction.atomic
def raise_to_major(*, complaint_id: int, user, reason: str) -> Complaint:
    """Raise an open general complaint to major: the deadlines not yet met are recomputed with
    the major standard (from the start of the round under way), the manager's acknowledgement
    falls due from now, the property managers are told and the timeline says why."""
    if not user.has_perm("property_service.raise_complaint"):
        raise NotAllowed(_("You may not raise complaints to major."))
    complaint = _lock(complaint_id, user)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say why: a comment is required."), field="comment")
    if complaint.severity == Severity.MAJOR:
        raise ActionError(_("This complaint is already major."))
    if complaint.state not in OPEN_STATES:
        raise ActionError(_("This complaint is no longer open."))
    now = timezone.now()
    complaint.severity = Severity.MAJOR
    standard = deadlines.standard_for(community_id=complaint.community_id,
                                      severity=complaint.severity)
    due = (deadlines.intake_deadlines(standard, complaint.received_at)
           if complaint.reopen_count == 0
           else deadlines.round_deadlines(standard, complaint.round_started_at))
    due["acknowledge_by"] = deadlines.acknowledge_deadline(standard, now)
    changed = ["severity", "updated_at"]
    for d in deadlines.DEADLINES:
        # A deadline already met (or missed) stays on record as it was.
        if d.due_field in due and getattr(complaint, d.done_field) is None:
            setattr(complaint, d.due_field, due[d.due_field])
            changed.append(d.due_field)
    complaint.save(update_fields=changed)
    update_chase_at(complaint)
    _event(complaint, action="raise_major", by=user, comment=reason)
    _tell_managers_major(complaint, _("%(number)s was raised to a major complaint: "
                                      "%(reason)s") % {"number": record_label(complaint),
                                                       "reason": reason})
    return complaint


def _tell_managers_major(complaint: Complaint, message: str) -> None:
    notify(users=users_with_role("Property Manager", complaint.community_id),
           kind=Notification.Kind.COMPLAINT_ESCALATED, target=complaint, message=message,
           dedupe_key=f"complaint:{complaint.pk}:major")


@transaction.atomic
def correct_complaint(*, complaint_id: int, user, changes: dict) -> Complaint:
    """Correct what intake left correctable (``Complaint.editable_after_intake``); anything
    else is refused and nothing changes. The correction is on the complaint's timeline."""
    if not user.has_perm("property_service.change_complaint"):
        raise NotAllowed(_("You may not change complaints."))
    complaint = _lock(complaint_id, user)
    if changed := save_corrections(complaint, changes):
        _event(complaint, action="corrected", by=user,
               comment=corrections_note(complaint, changed))
    return complaint


@transaction.atomic
def acknowledge_major(*, complaint_id: int, user) -> Complaint:
    """The property manager's acknowledgement of a major complaint (once)."""
    if not user.has_perm("property_service.acknowledge_complaint"):
        raise NotAllowed(_("Only a property manager may acknowledge major complaints."))
    complaint = _lock(complaint_id, user)
    if complaint.severity != Severity.MAJOR:
        raise ActionError(_("Only major complaints need the manager's acknowledgement."))
    if complaint.manager_acknowledged_at is not None:
        raise ConcurrentChange(_("This complaint was already acknowledged."))
    if complaint.state not in OPEN_STATES:
        raise ActionError(_("This complaint is no longer open."))
    complaint.manager_acknowledged_at, complaint.manager_acknowledged_by = timezone.now(), user
    complaint.save(update_fields=["manager_acknowledged_at", "manager_acknowledged_by",
                                  "updated_at"])
    update_chase_at(complaint)
    _event(complaint, action="acknowledge", by=user)
    return complaint


@transaction.atomic
def record_answer(*, complaint_id: int, user, answer: str) -> Complaint:
    """The formal answer to the resident (its own deadline: 24 h, major 48 h)."""
    if not user.has_perm("property_service.handle_complaint"):
        raise NotAllowed(_("You may not answer complaints."))
    complaint = _lock(complaint_id, user)
    answer = (answer or "").strip()
    if not answer:
        raise ActionError(_("Write the answer given to the resident."), field="comment")
    if complaint.state in (State.RECEIVED, State.WITHDRAWN, State.CLOSED):
        raise ActionError(_("Answer a complaint once its supervisor has it."))
    complaint.answer, complaint.answered_at = answer, complaint.answered_at or timezone.now()
    complaint.save(update_fields=["answer", "answered_at", "updated_at"])
    update_chase_at(complaint)
    _event(complaint, action="answer", by=user, comment=answer)
    return complaint


@transaction.atomic
def record_follow_up(*, complaint_id: int, user, satisfied: bool, satisfaction: int,
                     note: str = "") -> Complaint:
    """The follow-up visit's verdict: satisfied closes; unhappy reopens, history kept."""
    if satisfaction is None or not 1 <= int(satisfaction) <= 5:
        raise ActionError(_("Record the resident's satisfaction from 1 to 5."),
                          field="satisfaction")
    complaint = _lock(complaint_id, user)
    if complaint.state == State.RESOLVED:
        complaint = transition_complaint(complaint_id=complaint.pk, user=user,
                                         action="start_follow_up")
    complaint.satisfaction, complaint.followed_up_at = int(satisfaction), timezone.now()
    complaint.save(update_fields=["satisfaction", "followed_up_at", "updated_at"])
    unhappy = not satisfied or is_unhappy(int(satisfaction))
    return transition_complaint(
        complaint_id=complaint.pk, user=user, action="reopen" if unhappy else "close",
        comment=note or (_("Follow-up: unhappy (%(score)d/5).") if unhappy
                         else _("Follow-up: satisfied (%(score)d/5).")) % {
            "score": int(satisfaction)})


def complaint_for_repeat(order) -> Complaint:
    """The repeat rule's hook: the third report of one problem is a complaint the supervisor
    owns. An open complaint for the same unit and subject is updated instead of duplicated."""
    from ..workorders.models import WorkOrder

    earlier = list(order.earlier_reports.all())
    open_one = (Complaint.objects.filter(unit_id=order.unit_id, category="repairs",
                                         state__in=OPEN_STATES).order_by("-received_at")
                .first())
    if open_one is None:
        open_one = create_complaint(
            by=None, community=order.community, unit=order.unit, resident=order.resident,
            channel=order.channel, category="repairs",
            content=_("Repeated report: %(category)s reported %(count)d times in a short "
                      "time (latest %(number)s).") % {
                "category": order.category, "count": len(earlier) + 1, "number": order.number},
            request=order.description)
    open_one.work_orders.add(order, *[o for o in earlier if isinstance(o, WorkOrder)])
    _event(open_one, action="linked", by=None,
           comment=_("Work order %(number)s linked.") % {"number": order.number})
    return open_one
