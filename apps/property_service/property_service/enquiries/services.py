"""Writes of enquiries. The admin, the call desk, the portal, the API and jobs call these.

A service that meets a deadline or moves the enquiry tells the chaser when to look at it next
(``jobs.update_chase_at``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import resident_unit_ids, scope, works_for_community
from ..access.selectors import users_with_role
from ..complaints import services as complaint_services
from ..core.errors import ActionError, NotAllowed, full_clean_or_refuse
from ..core.models import Notification
from ..core.notifications import notify
from ..core.numbering import ensure_sequence, next_number
from ..core.workflow import action_in, check_fire, fire
from ..workorders import services as work_order_services
from . import deadlines
from .jobs import update_chase_at
from .models import Enquiry, EnquiryEvent
from .states import ACTIONS

NUMBER_PREFIX = "ZX"
# The django-fsm method of each action whose name is taken by a field.
METHODS = {"answer": "answer_resident"}
INTO_WORK_ORDER, INTO_COMPLAINT = "work_order", "complaint"


def _event(enquiry, *, action, by, comment="", from_state="", to_state=""):
    return EnquiryEvent.objects.create(enquiry=enquiry, action=action, by=by, comment=comment,
                                       from_state=from_state, to_state=to_state,
                                       at=timezone.now())


def create_enquiry(*, by, community, channel, topic, question, unit=None, resident=None,
                   complex=False, received_at=None) -> Enquiry:
    """Record an enquiry with its deadlines from the community's standard."""
    received_at = received_at or timezone.now()
    ensure_sequence(prefix=NUMBER_PREFIX, at=received_at)
    return _create(by=by, community=community, channel=channel, topic=topic,
                   question=(question or "").strip(), unit=unit, resident=resident,
                   complex=complex, received_at=received_at)


@transaction.atomic
def _create(*, by, received_at, **fields) -> Enquiry:
    enquiry = Enquiry(received_at=received_at, **fields)
    full_clean_or_refuse(enquiry, exclude=["number", "state"])
    enquiry.number = next_number(prefix=NUMBER_PREFIX, at=received_at)
    standard = deadlines.standard_for(community_id=enquiry.community_id)
    for field, due in deadlines.intake_deadlines(standard, received_at,
                                                 complex=enquiry.complex).items():
        setattr(enquiry, field, due)
    enquiry.save()
    update_chase_at(enquiry)
    _event(enquiry, action="created", by=by, to_state=enquiry.state)
    return enquiry


def handlers_for(community_id: int):
    """Who an enquiry of this community can be handed to (the hand-over checks the same)."""
    return (users_with_role("CS Agent", community_id)
            | users_with_role("CS Supervisor", community_id)
            | users_with_role("Property Manager", community_id)).distinct()


def _lock(enquiry_id: int, user) -> Enquiry:
    try:
        return scope(Enquiry.objects.all(), user).select_for_update().get(pk=enquiry_id)
    except Enquiry.DoesNotExist:
        raise NotAllowed(_("This enquiry does not exist or is not yours to handle.")) from None


def may_fire(enquiry: Enquiry, user, action) -> bool:
    if resident_unit_ids(user) is not None:
        return False  # a resident asks and reads; staff answer
    return user.has_perm(f"property_service.{action.permission}")


def available_actions(enquiry: Enquiry, user):
    return [a for a in ACTIONS.values() if enquiry.state in a.sources
            and may_fire(enquiry, user, a)
            and (a.name != "resolve" or enquiry.complex)
            and (a.name != "answer_at_desk" or not enquiry.complex)]


@transaction.atomic
def transition_enquiry(*, enquiry_id: int, user, action: str,
                       expected_state: str | None = None, comment: str = "",
                       handler=None) -> Enquiry:
    """Fire ``action`` (not ``convert``: see ``convert_enquiry``). Exactly one of two
    concurrent calls wins; a refusal changes nothing."""
    act = action_in(ACTIONS, action)
    if act.name == "convert":
        raise ActionError(_("Choose what to convert the enquiry into."), field="into")
    enquiry = _lock(enquiry_id, user)
    comment = check_fire(enquiry, act, allowed=may_fire(enquiry, user, act),
                         expected_state=expected_state, comment=comment)
    now, from_state = timezone.now(), enquiry.state
    if act.name == "answer_at_desk":
        if enquiry.complex:
            raise ActionError(_("A complex enquiry is handed over, not answered at the desk."))
        enquiry.answer, enquiry.answered_at, enquiry.closed_at = comment, now, now
    elif act.name == "hand_over":
        handler = handler or user
        if not (handler.has_perm("property_service.handle_enquiry")
                and works_for_community(handler, enquiry.community_id)):
            raise ActionError(_("The chosen person cannot handle enquiries of this "
                                "community."), field="handler")
        enquiry.handler, enquiry.handed_over_at = handler, now
    elif act.name == "contact":
        enquiry.contacted_at = now
    elif act.name == "answer":
        enquiry.answer, enquiry.answered_at = comment, now
        # Giving the answer is speaking to the resident.
        enquiry.contacted_at = enquiry.contacted_at or now
        if not enquiry.complex:
            enquiry.closed_at = now
    elif act.name == "resolve":
        if not enquiry.complex:
            raise ActionError(_("Only a complex enquiry is resolved: answer this one."))
        enquiry.resolution, enquiry.resolved_at, enquiry.closed_at = comment, now, now
        enquiry.contacted_at = enquiry.contacted_at or now
        if enquiry.answered_at is None:
            enquiry.answer, enquiry.answered_at = comment, now
    elif act.name == "close":
        enquiry.close_reason, enquiry.closed_at = comment, now
    fire(enquiry, METHODS.get(act.name, act.name))
    update_chase_at(enquiry)
    _event(enquiry, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=enquiry.state)
    if act.name == "hand_over" and enquiry.handler_id != user.pk:
        notify(users=[enquiry.handler], kind=Notification.Kind.ASSIGNED, target=enquiry,
               message=_("%(number)s handed to you: contact the resident by %(when)s.") % {
                   "number": enquiry.number,
                   "when": timezone.localtime(enquiry.contact_by).strftime("%H:%M")},
               dedupe_key=f"enquiry:{enquiry.pk}:handed_over")
    return enquiry


def convert_enquiry(*, enquiry_id: int, user, into: str, expected_state: str | None = None,
                    work_order_category=None, complaint_category: str = "", comment: str = ""):
    """Turn an open enquiry into a work order or a complaint through their own create
    services (numbered, with their own deadlines); the enquiry is closed as converted and
    links to the new record. Either all of it is saved or, refused, nothing is. Returns the
    enquiry."""
    if into not in (INTO_WORK_ORDER, INTO_COMPLAINT):
        raise ActionError(_("Choose what to convert the enquiry into."), field="into")
    if into == INTO_WORK_ORDER:
        if not user.has_perm("property_service.add_workorder"):
            raise NotAllowed(_("You may not record work orders."))
        if work_order_category is None:
            raise ActionError(_("Choose the work order's category."), field="category")
        prefix = work_order_services.NUMBER_PREFIX
    else:
        if not user.has_perm("property_service.add_complaint"):
            raise NotAllowed(_("You may not record complaints."))
        if not complaint_category:
            raise ActionError(_("Choose the complaint's subject."), field="category")
        prefix = complaint_services.NUMBER_PREFIX
    # Outside the transaction (see core.numbering).
    ensure_sequence(prefix=prefix, at=timezone.now())
    try:
        return _convert(enquiry_id=enquiry_id, user=user, into=into,
                        expected_state=expected_state, comment=comment,
                        work_order_category=work_order_category,
                        complaint_category=complaint_category)
    except ValidationError as error:
        messages = getattr(error, "message_dict", {None: error.messages})
        field, text = next(iter(messages.items()))
        raise ActionError(" ".join(text), field=None if field == "__all__" else field) from None


@transaction.atomic
def _convert(*, enquiry_id, user, into, expected_state, comment, work_order_category,
             complaint_category) -> Enquiry:
    act = ACTIONS["convert"]
    enquiry = _lock(enquiry_id, user)
    check_fire(enquiry, act, allowed=may_fire(enquiry, user, act),
               expected_state=expected_state)
    text = "\n".join(t for t in (enquiry.question, (comment or "").strip()) if t)
    if into == INTO_WORK_ORDER:
        record = work_order_services.create_work_order(
            by=user, community=enquiry.community, unit=enquiry.unit, resident=enquiry.resident,
            channel=enquiry.channel, category=work_order_category, description=text)
        enquiry.work_order = record
    else:
        record = complaint_services.create_complaint(
            by=user, community=enquiry.community, unit=enquiry.unit, resident=enquiry.resident,
            channel=enquiry.channel, category=complaint_category, content=text)
        enquiry.complaint = record
    from_state = enquiry.state
    enquiry.closed_at = timezone.now()
    fire(enquiry, "convert")
    update_chase_at(enquiry)
    _event(enquiry, action="convert", by=user, from_state=from_state, to_state=enquiry.state,
           comment=_("Converted into %(number)s.") % {"number": record.number})
    return enquiry
