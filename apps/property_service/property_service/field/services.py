"""What a technician records on site in the field app, beside the state changes (which go
through ``workorders.services.transition_work_order`` like everywhere else): photos before and
after, the parts used, the resident's signature on completion, and the reveal of the
resident's phone number to call them.

Each write is atomic, locks the order within the user's scope, checks the state and the
user's right the way transitions do (``core.workflow.check_fire``), and writes the order's
timeline event. Bad input is refused before anything is stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..core.errors import ActionError, NotAllowed
from ..core.files import validate_photo
from ..core.models import PersonalDataAccess
from ..core.personal_data import log_reveal
from ..core.workflow import check_fire
from ..workorders import services as work_order_services
from ..workorders.models import WorkOrder, WorkOrderEvent, WorkOrderPart, WorkOrderPhoto
from ..workorders.permissions import may_call_resident, may_fire
from ..workorders.states import SITE_ACTIONS, State
from .signatures import signature_png

MAX_PHOTOS = 5
MAX_PART_NAME = 100
MAX_QUANTITY = 999
# Which photos fit which moment: "before" once the visit is agreed, "after" once work started.
PHOTO_STATES = {
    WorkOrderPhoto.Kind.BEFORE: (State.ACCEPTED, State.IN_PROGRESS),
    WorkOrderPhoto.Kind.AFTER: (State.IN_PROGRESS,),
}


def _lock(order_id: int, user) -> WorkOrder:
    try:
        return scope(WorkOrder.objects.all(), user).select_for_update().get(pk=order_id)
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("This work order does not exist or is not yours to handle.")) from None


def _event(order: WorkOrder, *, action: str, by, comment: str = "") -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(work_order=order, action=action, by=by, comment=comment)


def _checked_photos(photos) -> list:
    photos = [photo for photo in photos or [] if photo]
    if not photos:
        raise ActionError(_("Choose a photo to upload."), field="photos")
    if len(photos) > MAX_PHOTOS:
        raise ActionError(_("Upload at most %(n)d photos at a time.") % {"n": MAX_PHOTOS},
                          field="photos")
    for photo in photos:
        try:
            validate_photo(photo)
        except ValidationError as error:
            raise ActionError(f"{photo.name}: {' '.join(error.messages)}",
                              field="photos") from None
    return photos


@transaction.atomic
def work_order_add_photos(*, order_id: int, user, kind: str, photos) -> list[WorkOrderPhoto]:
    """Add photos taken before or after the work to the user's own order: each must be an
    image by its content (JPEG, PNG, WebP); one bad file refuses them all."""
    order = _lock(order_id, user)
    act = SITE_ACTIONS["add_photo"]
    check_fire(order, act, allowed=may_fire(order, user, act))
    if kind not in PHOTO_STATES:
        raise ActionError(_("Say whether the photos are from before or after the work."),
                          field="kind")
    if order.state not in PHOTO_STATES[kind]:
        raise ActionError(_("Photos after the work are added once the work has started."),
                          field="kind")
    photos = _checked_photos(photos)
    stored = [WorkOrderPhoto.objects.create(work_order=order, kind=kind, image=photo)
              for photo in photos]
    _event(order, action=act.name, by=user,
           comment=_("%(kind)s: %(n)d") % {"kind": WorkOrderPhoto.Kind(kind).label,
                                          "n": len(stored)})
    return stored


@transaction.atomic
def work_order_record_part(*, order_id: int, user, name: str, quantity) -> WorkOrderPart:
    """Record a part or material used on the user's own order while the work is going on."""
    order = _lock(order_id, user)
    act = SITE_ACTIONS["record_part"]
    check_fire(order, act, allowed=may_fire(order, user, act))
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Name the part or material."), field="name")
    if len(name) > MAX_PART_NAME:
        raise ActionError(_("Name the part in at most %(n)d characters.") % {"n": MAX_PART_NAME},
                          field="name")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ActionError(_("Give the quantity: a whole number from 1 to %(max)d.")
                          % {"max": MAX_QUANTITY}, field="quantity")
    part = WorkOrderPart.objects.create(work_order=order, name=name, quantity=quantity,
                                        recorded_by=user)
    _event(order, action=act.name, by=user, comment=str(part))
    return part


def parts_summary(order: WorkOrder) -> str:
    return "; ".join(str(part) for part in order.parts.all())


@transaction.atomic
def work_order_finish(*, order_id: int, user, signature: str = "",
                      accept_in_portal: bool = False,
                      expected_state: str | None = None) -> WorkOrder:
    """Complete the user's order (the ``complete`` transition), either with the resident's
    signature drawn on the phone, stored with the order's photos and on its timeline, which is
    their acceptance (the order goes on to its follow-up call), or noting that the resident will
    accept in the portal (the order awaits it).
    A signature that is not a real PNG of bounded size refuses the whole step."""
    png = None if accept_in_portal else signature_png(signature)
    order = _lock(order_id, user)
    comment = (_("The resident will accept in the portal.") if png is None
               else _("The resident signed on site."))
    order = work_order_services.transition_work_order(
        order_id=order.pk, user=user, action="complete", expected_state=expected_state,
        comment=comment, parts_note=parts_summary(order))
    if png is not None:
        WorkOrderPhoto.objects.create(work_order=order, kind=WorkOrderPhoto.Kind.SIGNATURE,
                                      image=ContentFile(png, name="signature.png"))
        _event(order, action="signed", by=user)
        # The signature is the resident's acceptance (验收签字): the order goes on to its
        # follow-up call as if they had accepted in the portal.
        order = work_order_services.transition_work_order(
            order_id=order.pk, user=user, action="pass_acceptance",
            comment=_("Accepted by the resident's signature on site."), signed_by_resident=True)
    return order


@transaction.atomic
def work_order_reveal_phone(*, order_id: int, user) -> str:
    """The phone number of the order's resident, for the user to call them; the reveal is
    logged as an access to the resident's personal data."""
    order = _lock(order_id, user)
    if not may_call_resident(order, user):
        raise NotAllowed(_("You may call only the residents of open orders assigned to you."))
    resident = order.resident
    if resident is None or not resident.phone:
        raise ActionError(_("No phone number is recorded for this order's resident."))
    log_reveal(user=user, resident_ids=[resident.pk], channel=PersonalDataAccess.Channel.FIELD)
    return resident.phone
