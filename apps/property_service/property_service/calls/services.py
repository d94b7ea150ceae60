"""Writes of the call-intake desk: a call becomes a work order, a complaint or an enquiry
through the same services the admin forms and the API use
(``workorders.services.create_work_order``, ``complaints.services.create_complaint``,
``enquiries.services.create_enquiry``), and a repair may be dispatched in the same step
(``transition_work_order``). Either all of it is saved or, refused, nothing is."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..complaints import services as complaint_services
from ..complaints.models import Complaint
from ..core.errors import ActionError, NotAllowed
from ..core.numbering import ensure_sequence
from ..enquiries import services as enquiry_services
from ..enquiries.models import Enquiry
from ..workorders import services as work_order_services
from ..workorders.models import WorkOrder


def _refused(error: ValidationError) -> ActionError:
    if hasattr(error, "message_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return ActionError(" ".join(messages), field=None if field == "__all__" else field)
    return ActionError(" ".join(error.messages))


def file_repair_call(*, by, unit, category, description: str, channel: str, resident=None,
                     priority: str | None = None, dispatch: bool = False,
                     assignee=None) -> WorkOrder:
    """Record the caller's repair request for ``unit`` (numbered, routed, given its SLA
    deadlines and repeat flag by ``create_work_order``) and, with ``dispatch``, send it to the
    category's team (to ``assignee`` when given) at once. A refused dispatch saves nothing."""
    if not by.has_perm("property_service.add_workorder"):
        raise NotAllowed(_("You may not record work orders."))
    reported_at = timezone.now()
    # Outside the transaction, as create_work_order does (see core.numbering).
    ensure_sequence(prefix=work_order_services.NUMBER_PREFIX, at=reported_at)
    try:
        with transaction.atomic():
            order = work_order_services.create_work_order(
                by=by, community=unit.building.community, unit=unit, resident=resident,
                channel=channel, category=category, priority=priority or None,
                description=description, reported_at=reported_at)
            if dispatch:
                order = work_order_services.transition_work_order(
                    order_id=order.pk, user=by, action="dispatch", expected_state=order.state,
                    assignee=assignee)
    except ValidationError as error:
        raise _refused(error) from None
    return order


def file_complaint_call(*, by, unit, category: str, content: str, channel: str,
                        severity: str, resident=None) -> Complaint:
    """Record the caller's complaint about ``unit`` with its deadlines (``create_complaint``)."""
    if not by.has_perm("property_service.add_complaint"):
        raise NotAllowed(_("You may not record complaints."))
    try:
        return complaint_services.create_complaint(
            by=by, community=unit.building.community, unit=unit, resident=resident,
            channel=channel, category=category, severity=severity, content=content)
    except ValidationError as error:
        raise _refused(error) from None


def file_enquiry_call(*, by, unit, topic: str, question: str, channel: str, resident=None,
                      complex: bool = False, answer: str = "") -> Enquiry:
    """Record the caller's question about ``unit`` with its deadlines (``create_enquiry``)
    and, with ``answer``, record it as answered at the desk in the same step."""
    if not by.has_perm("property_service.add_enquiry"):
        raise NotAllowed(_("You may not record enquiries."))
    # Outside the transaction, as create_enquiry does (see core.numbering).
    ensure_sequence(prefix=enquiry_services.NUMBER_PREFIX, at=timezone.now())
    try:
        with transaction.atomic():
            enquiry = enquiry_services.create_enquiry(
                by=by, community=unit.building.community, unit=unit, resident=resident,
                channel=channel, topic=topic, question=question, complex=complex)
            if (answer or "").strip():
                enquiry = enquiry_services.transition_enquiry(
                    enquiry_id=enquiry.pk, user=by, action="answer_at_desk",
                    expected_state=enquiry.state, comment=answer)
    except ValidationError as error:
        raise _refused(error) from None
    return enquiry
