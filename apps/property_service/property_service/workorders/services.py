"""Writes of work orders. Admin pages, the API and jobs call these and nothing else.

Each service is atomic: it locks the order row, checks the state and the user's right, changes
fields, saves with the state guard of ``ConcurrentTransitionMixin``, writes the timeline event,
and sends notifications once the transaction commits. A service that changes the order's SLA
clocks tells the chaser when to look at it next (``jobs.update_chase_at``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope, works_for_community, works_for_community_q
from ..access.selectors import users_with_role
from ..core.display import record_label
from ..core.errors import ActionError, ConcurrentChange, NotAllowed
from ..core.intake import corrections_note, save_corrections
from ..core.models import Notification
from ..core.notifications import notify
from ..core.numbering import ensure_sequence, next_number
from ..core.targets import is_unhappy
from ..core.workflow import action_in, check_fire, fire
from ..visits.services import visit_plan_major_works
from . import sla
from .jobs import update_chase_at
from .models import (
    FollowUp,
    Priority,
    SlaPause,
    Team,
    TeamMember,
    WorkOrder,
    WorkOrderEvent,
)
from .permissions import (
    is_team_member,
    may_fire,
    may_record_follow_up,
    may_record_signed_acceptance,
)
from .recipients import urgent_order_recipients
from .rules import is_repeat_report, repeat_window
from .selectors import earlier_reports
from .states import ACTIONS, IN_PLACE_ACTIONS, OPEN_STATES, RESPONDED_STATES, State

NUMBER_PREFIX = "WO"


def _event(order, *, action, by, comment="", from_state="", to_state=""):
    return WorkOrderEvent.objects.create(work_order=order, action=action, by=by, comment=comment,
                                         from_state=from_state, to_state=to_state)


def _announce_urgent(order: WorkOrder, *, by) -> None:
    """Tell who must act of an urgent order (``recipients.urgent_order_recipients``), each
    person once per order: an order raised to urgent, or sent to another team, tells only
    those not told yet. The person who filed or changed it is not told of their own act."""
    if order.priority != Priority.URGENT:
        return
    notify(users=[u for u in urgent_order_recipients(order) if by is None or u.pk != by.pk],
           kind=Notification.Kind.URGENT_ORDER, target=order,
           message=_("Urgent: %(order)s, %(category)s at %(where)s: %(description)s") % {
               "order": record_label(order), "category": order.category,
               "where": order.unit or order.location,
               "description": order.description[:80]},
           dedupe_key=f"wo:{order.pk}:urgent")


def _set_deadlines(order: WorkOrder) -> None:
    policy = sla.policy_for(community_id=order.community_id, priority=order.priority)
    due = sla.deadlines(policy, order.reported_at)
    order.respond_by, order.complete_by = due.respond_by, due.complete_by


def _deadlines_for_priority(order: WorkOrder) -> None:
    """The deadlines of the order's (new) priority, counted from the report, each moved by the
    pauses that stopped it, as ``resume_clock`` moved it."""
    _set_deadlines(order)
    policy = sla.policy_for(community_id=order.community_id, priority=order.priority)
    # A rework runs its own completion clock, from when the rework began.
    completion_start = order.rework_started_at or order.reported_at
    if order.rework_started_at:
        order.complete_by = sla.completion_deadline(policy, order.rework_started_at)
    for pause in order.pauses.filter(resumed_at__isnull=False).order_by("paused_at"):
        if order.responded_at is None or order.responded_at > pause.paused_at:
            order.respond_by = sla.resumed_deadline(policy, order.respond_by, pause.paused_at,
                                                    pause.resumed_at, policy.respond_unit)
        if pause.paused_at >= completion_start and (
                order.completed_at is None or order.completed_at > pause.paused_at):
            order.complete_by = sla.resumed_deadline(policy, order.complete_by,
                                                     pause.paused_at, pause.resumed_at,
                                                     policy.complete_unit)


def _earlier_reports(order: WorkOrder):
    return earlier_reports(unit_id=order.unit_id, category_id=order.category_id,
                           at=order.reported_at).exclude(pk=order.pk)


def create_work_order(*, by, community, category, channel, description, unit=None, location="",
                      resident=None, priority=None, reported_at=None, team=None) -> WorkOrder:
    """Record a repair request: numbered, routed by its category (or to ``team``), given its
    SLA deadlines, and flagged as a repeat when the same unit reported the same problem
    recently."""
    reported_at = reported_at or timezone.now()
    ensure_sequence(prefix=NUMBER_PREFIX, at=reported_at)
    return _create_work_order(by=by, community=community, category=category, channel=channel,
                              description=description, unit=unit, location=location,
                              resident=resident, priority=priority, reported_at=reported_at,
                              team=team)


@transaction.atomic
def _create_work_order(*, by, community, category, channel, description, unit, location,
                       resident, priority, reported_at, team=None) -> WorkOrder:
    order = WorkOrder(
        community=community, unit=unit, location=location, resident=resident, channel=channel,
        category=category, priority=priority or category.default_priority,
        description=description, team=team or category.default_team, reported_at=reported_at,
    )
    order.full_clean(exclude=["number", "state"])
    order.number = next_number(prefix=NUMBER_PREFIX, at=order.reported_at)
    earlier = list(_earlier_reports(order).order_by("reported_at"))
    if is_repeat_report(len(earlier)):
        # The third report of one problem is not a routine repair: urgent, and the supervisor's.
        order.is_repeat = True
        order.priority = Priority.URGENT
    _set_deadlines(order)
    order.save()
    update_chase_at(order)
    _event(order, action="created", by=by, to_state=order.state,
           comment=_("Reported by %(channel)s") % {"channel": order.get_channel_display()})
    if order.is_repeat:
        order.earlier_reports.set(earlier)
        supervisors = users_with_role("CS Supervisor", order.community_id)
        message = _("%(number)s: %(unit)s reported %(category)s again (%(count)d times in "
                    "%(days)d days).") % {
            "number": record_label(order), "unit": order.unit, "category": order.category,
            "count": len(earlier) + 1, "days": repeat_window().days}
        notify(users=supervisors, kind=Notification.Kind.REPEAT_REPORT, message=message,
               target=order, dedupe_key=f"wo:{order.pk}:repeat")
        # Complaints build on work orders; imported here to keep that direction.
        from ..complaints.services import complaint_for_repeat

        complaint_for_repeat(order)
    _announce_urgent(order, by=by)
    return order


def _lock(order_id: int, user) -> WorkOrder:
    try:
        return scope(WorkOrder.objects.all(), user).select_for_update().get(pk=order_id)
    except WorkOrder.DoesNotExist:
        raise NotAllowed(_("This work order does not exist or is not yours to handle.")) from None


def _round_robin_member(team: Team, community_id: int):
    # Only members who work for the order's community (a company-wide team serves several).
    member = (TeamMember.objects.select_for_update().filter(team=team, on_duty=True,
                                                            user__is_active=True)
              .filter(user__in=get_user_model().objects.filter(
                  works_for_community_q(community_id)))
              .order_by("last_assigned_at", "id").first())
    if member is None:
        raise ActionError(_("Nobody in team %(team)s is on duty.") % {"team": team},
                          field="assignee")
    member.last_assigned_at = timezone.now()
    member.save(update_fields=["last_assigned_at"])
    return member.user


def _dispatch(order: WorkOrder, *, team, assignee):
    team = team or order.team
    if team is None:
        raise ActionError(_("Choose the team to send this order to."), field="team")
    if team.community_id not in (None, order.community_id):
        raise ActionError(_("This team works for another community."), field="team")
    if assignee is not None and not (is_team_member(assignee, team.pk)
                                     and works_for_community(assignee, order.community_id)):
        # The person is not named: the caller may not know who this id is.
        raise ActionError(_("The chosen technician is not a member of %(team)s working for "
                            "this community.") % {"team": team}, field="assignee")
    if assignee is None:
        if team.dispatch_mode == Team.DispatchMode.DIRECT:
            raise ActionError(_("Choose the technician: this team takes direct assignments."),
                              field="assignee")
        if team.dispatch_mode == Team.DispatchMode.ROUND_ROBIN:
            assignee = _round_robin_member(team, order.community_id)
    order.team, order.assignee = team, assignee
    order.dispatched_at = timezone.now()


@transaction.atomic
def transition_work_order(*, order_id: int, user, action: str, expected_state: str | None = None,
                          comment: str = "", team=None, assignee=None, appointment_at=None,
                          parts_note: str = "", signed_by_resident: bool = False) -> WorkOrder:
    """Fire ``action`` on the order. Exactly one of two concurrent calls wins; the other gets
    ``ConcurrentChange`` (it saw a state that is no longer the order's). ``signed_by_resident``:
    the resident's acceptance, signed on site, recorded by the order's technician."""
    act = action_in(ACTIONS, action)
    order = _lock(order_id, user)
    allowed = may_fire(order, user, act) or (
        signed_by_resident and act.name == "pass_acceptance"
        and may_record_signed_acceptance(order, user))
    comment = check_fire(order, act, allowed=allowed,
                         expected_state=expected_state, comment=comment)
    now = timezone.now()
    from_state = order.state
    if act.name == "dispatch":
        _dispatch(order, team=team, assignee=assignee)
    elif act.name == "take":
        order.assignee = user
        order.appointment_at = appointment_at or order.appointment_at
    elif act.name == "accept":
        order.appointment_at = appointment_at or order.appointment_at
    elif act.name == "start":
        # A paid special service quoted on site starts once the resident accepted the quote;
        # special services build on work orders, imported here to keep that direction.
        from ..specialservices.services import check_work_may_start

        check_work_may_start(order)
    elif act.name == "complete":
        order.completed_at = now
        order.first_completed_at = order.first_completed_at or now
        order.parts_note = parts_note or order.parts_note
    elif act.name in ("fail_acceptance", "reopen"):
        # Rework is a new completion clock from now; the first completion stays recorded.
        policy = sla.policy_for(community_id=order.community_id, priority=order.priority)
        order.completed_at, order.rework_started_at = None, now
        order.complete_by = sla.completion_deadline(policy, now)
    elif act.name == "cancel":
        order.cancel_reason = comment
    elif act.name == "close":
        order.closed_at = now
    if act.target in RESPONDED_STATES and order.responded_at is None:
        order.responded_at = now
    fire(order, act.name)
    _event(order, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=order.state)
    if act.name == "pass_acceptance":
        _open_follow_up(order, now=now)
        # Works accepted: a major-works category's quality visits are planned from now on.
        visit_plan_major_works(order=order)
    update_chase_at(order)
    if act.name == "dispatch" and order.assignee_id is not None:
        notify(users=[order.assignee], kind=Notification.Kind.ASSIGNED, target=order,
               message=_("%(number)s assigned to you: %(category)s at %(where)s.") % {
                   "number": record_label(order), "category": order.category,
                   "where": order.unit or order.location},
               dedupe_key=f"wo:{order.pk}:assigned:{order.events.count()}")
    if act.name == "dispatch":
        _announce_urgent(order, by=user)
    return order


@transaction.atomic
def change_priority(*, order_id: int, user, priority: str, comment: str = "",
                    expected_state: str | None = None) -> WorkOrder:
    """Give an open order another priority: its SLA deadlines become that priority's (from the
    report, the pauses still counted), and the change is on its timeline."""
    act = IN_PLACE_ACTIONS["change_priority"]
    order = _lock(order_id, user)
    comment = check_fire(order, act, allowed=may_fire(order, user, act),
                         expected_state=expected_state, comment=comment)
    if priority not in Priority.values:
        raise ActionError(_("Choose a priority."), field="priority")
    if priority == order.priority:
        raise ActionError(_("The order already has this priority."), field="priority")
    before = order.get_priority_display()
    order.priority = priority
    _deadlines_for_priority(order)
    order.save(update_fields=["priority", "respond_by", "complete_by", "updated_at"])
    update_chase_at(order)
    note = _("%(before)s → %(after)s") % {"before": before,
                                           "after": order.get_priority_display()}
    _event(order, action=act.name, by=user, comment="\n".join(filter(None, [note, comment])))
    _announce_urgent(order, by=user)
    return order


@transaction.atomic
def correct_work_order(*, order_id: int, user, changes: dict) -> WorkOrder:
    """Correct what intake left correctable (``WorkOrder.editable_after_intake``); anything
    else is refused and nothing changes. The correction is on the order's timeline."""
    if not user.has_perm("property_service.change_workorder"):
        raise NotAllowed(_("You may not change work orders."))
    order = _lock(order_id, user)
    if changed := save_corrections(order, changes):
        _event(order, action="corrected", by=user, comment=corrections_note(order, changed))
    return order


def _open_follow_up(order: WorkOrder, *, now) -> FollowUp:
    policy = sla.policy_for(community_id=order.community_id, priority=order.priority)
    due = sla.follow_up_deadlines(policy, order.completed_at or now)
    follow_up = FollowUp.objects.create(work_order=order, due_at=due.due_at,
                                        overdue_at=due.overdue_at)
    agents = users_with_role("CS Agent", order.community_id)
    notify(users=agents, kind=Notification.Kind.FOLLOWUP_DUE, target=order,
           message=_("%(number)s: follow-up call due by %(due)s.") % {
               "number": record_label(order),
               "due": timezone.localtime(follow_up.due_at).strftime("%Y-%m-%d %H:%M")},
           dedupe_key=f"followup:{follow_up.pk}:due")
    return follow_up


@transaction.atomic
def record_follow_up(*, order_id: int, user, answered: bool, result: str = "",
                     satisfaction: int | None = None, note: str = "") -> FollowUp:
    """Record one call of the order's pending follow-up. Unhappy (score ≤ 2 or not fixed)
    reopens the order as rework; happy closes it; the third unanswered call closes the
    follow-up as unreachable (and the order with it)."""
    order = _lock(order_id, user)
    if not may_record_follow_up(order, user):
        raise NotAllowed(_("You may not record follow-up calls."))
    # Only an order completed and accepted awaits its call (not one sent back to rework).
    if order.state != State.FOLLOW_UP:
        raise ActionError(_("The follow-up call is recorded once the repair is completed and "
                            "accepted."))
    follow_up = (FollowUp.objects.select_for_update()
                 .filter(work_order_id=order_id, status=FollowUp.Status.PENDING).last())
    if follow_up is None:
        raise ConcurrentChange(_("There is no follow-up call to record. Reload the page."))
    order = follow_up.work_order
    now = timezone.now()
    if not answered:
        follow_up.attempts += 1
        follow_up.note = "\n".join(filter(None, [follow_up.note, note]))
        if follow_up.attempts >= FollowUp.MAX_ATTEMPTS:
            follow_up.status = FollowUp.Status.UNREACHABLE
            follow_up.done_by, follow_up.done_at = user, now
        follow_up.save()
        _event(order, action="follow_up_no_answer", by=user,
               comment=_("Call %(n)d unanswered.") % {"n": follow_up.attempts})
        if follow_up.status == FollowUp.Status.UNREACHABLE:
            _system_close(order, user=user, comment=_("Resident unreachable after %(n)d calls.")
                          % {"n": follow_up.attempts})
        return follow_up
    if result not in FollowUp.Result.values:
        raise ActionError(_("Record whether the problem is fixed."), field="result")
    if satisfaction is None or not 1 <= int(satisfaction) <= 5:
        raise ActionError(_("Record the resident's satisfaction from 1 to 5."),
                          field="satisfaction")
    follow_up.result, follow_up.satisfaction, follow_up.note = result, int(satisfaction), note
    follow_up.status, follow_up.done_by, follow_up.done_at = FollowUp.Status.DONE, user, now
    follow_up.save()
    order.satisfaction, order.resident_comment = follow_up.satisfaction, note
    order.save(update_fields=["satisfaction", "resident_comment", "updated_at"])
    unhappy = is_unhappy(follow_up.satisfaction) or result == FollowUp.Result.NOT_FIXED
    transition_work_order(
        order_id=order.pk, user=user, action="reopen" if unhappy else "close",
        comment=note or (_("Follow-up: not fixed or unhappy (%(score)d/5).") if unhappy
                         else _("Follow-up: satisfied (%(score)d/5).")) % {
            "score": follow_up.satisfaction})
    return follow_up


def _system_close(order: WorkOrder, *, user, comment: str) -> None:
    from_state = order.state
    order.closed_at = timezone.now()
    fire(order, "close")
    update_chase_at(order)
    _event(order, action="close", by=user, comment=comment, from_state=from_state,
           to_state=order.state)


@transaction.atomic
def pause_clock(*, order_id: int, user, reason: str) -> WorkOrder:
    """Stop the SLA clocks while the order waits on the resident."""
    if not user.has_perm("property_service.pause_workorder"):
        raise NotAllowed(_("You may not pause the SLA clock."))
    order = _lock(order_id, user)
    if not may_fire(order, user, IN_PLACE_ACTIONS["pause"]):
        raise NotAllowed(_("You may pause the SLA clock only of orders assigned to you."))
    if order.state not in OPEN_STATES:
        raise ActionError(_("Only an open order's clock can be paused."))
    if order.paused_at is not None:
        raise ConcurrentChange(_("The clock is already paused."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say why the clock stops: a reason is required."), field="reason")
    order.paused_at = timezone.now()
    order.save(update_fields=["paused_at", "updated_at"])
    SlaPause.objects.create(work_order=order, paused_at=order.paused_at, paused_by=user,
                            reason=reason)
    update_chase_at(order)
    _event(order, action="pause", by=user, comment=reason)
    return order


@transaction.atomic
def resume_clock(*, order_id: int, user, note: str = "") -> WorkOrder:
    """Restart the clocks; each open deadline moves by the time the clock stood still."""
    if not user.has_perm("property_service.pause_workorder"):
        raise NotAllowed(_("You may not resume the SLA clock."))
    order = _lock(order_id, user)
    if not may_fire(order, user, IN_PLACE_ACTIONS["resume"]):
        raise NotAllowed(_("You may resume the SLA clock only of orders assigned to you."))
    if order.paused_at is None:
        raise ConcurrentChange(_("The clock is not paused."))
    now = timezone.now()
    policy = sla.policy_for(community_id=order.community_id, priority=order.priority)
    if order.responded_at is None and order.respond_by:
        order.respond_by = sla.resumed_deadline(policy, order.respond_by, order.paused_at, now,
                                                policy.respond_unit)
    if order.completed_at is None and order.complete_by:
        order.complete_by = sla.resumed_deadline(policy, order.complete_by, order.paused_at, now,
                                                 policy.complete_unit)
    pause = order.pauses.filter(resumed_at__isnull=True).last()
    order.paused_at = None
    order.save(update_fields=["paused_at", "respond_by", "complete_by", "updated_at"])
    if pause:
        pause.resumed_at, pause.resumed_by, pause.resume_note = now, user, note
        pause.save(update_fields=["resumed_at", "resumed_by", "resume_note"])
    update_chase_at(order)
    _event(order, action="resume", by=user, comment=note)
    return order
