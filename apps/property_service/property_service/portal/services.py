"""What a resident does in the portal, and how staff let them in. Every read and write goes
through ``access.scoping.scope``: a resident reaches only the units they live in now."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..complaints import services as complaint_services
from ..complaints.models import Complaint, ComplaintAttachment
from ..core import throttle
from ..core.errors import ActionError, NotAllowed, full_clean_or_refuse
from ..core.files import validate_attachment, validate_photo
from ..enquiries import services as enquiry_services
from ..enquiries.models import Enquiry
from ..registry.models import Occupancy, Resident, Unit
from ..registry.services import occupancy_create
from ..workorders import services as work_order_services
from ..workorders.models import Channel, WorkOrder, WorkOrderPhoto
from .models import Invitation, ResidentAccount

INVITATION_DAYS = 14
MAX_FILES = 5
DEFAULT_REGISTER_ATTEMPTS_PER_HOUR = 10


def _first_message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _check_login(username: str, password: str, user=None) -> None:
    username = (username or "").strip()
    if not username:
        raise ActionError(_("Choose a username."), field="username")
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ActionError(_("This username is taken: choose another."), field="username")
    try:
        validate_password(password or "", user)
    except ValidationError as error:
        raise ActionError(_first_message(error), field="password") from None


def check_account(*, resident: Resident, username: str, password: str) -> None:
    """Raise ``ActionError`` unless a portal login can be opened with these."""
    if ResidentAccount.objects.filter(resident=resident).exists():
        raise ActionError(_("This resident already has a portal account."), field="resident")
    _check_login(username, password)


@transaction.atomic
def create_account(*, by, resident: Resident, username: str, password: str) -> ResidentAccount:
    """Staff open a portal login for a resident (at most one per resident)."""
    check_account(resident=resident, username=username, password=password)
    user = get_user_model().objects.create_user(username=username.strip(), password=password,
                                                is_staff=False)
    return ResidentAccount.objects.create(user=user, resident=resident, created_by=by)


def create_invitation(*, by, unit: Unit, relation: str = Occupancy.Relation.FAMILY,
                      resident: Resident | None = None,
                      valid_days: int = INVITATION_DAYS) -> Invitation:
    return Invitation.objects.create(
        unit=unit, relation=relation, resident=resident, created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=valid_days))


def register_attempts_per_hour() -> int:
    return int(getattr(settings, "PROPERTY_SERVICE", {}).get(
        "PORTAL_REGISTER_ATTEMPTS_PER_HOUR", DEFAULT_REGISTER_ATTEMPTS_PER_HOUR))


REGISTER_WINDOW = datetime.timedelta(hours=1)


def _register_buckets(*, code: str, client: str | None) -> list[tuple[str, str]]:
    buckets = [("portal-register-code", code)]
    if client is not None:
        buckets.append(("portal-register", client))
    return buckets


@transaction.atomic
def register_with_code(*, code: str, name: str, phone: str, username: str,
                       password: str, client: str | None = None) -> ResidentAccount:
    """Self-registration with an invitation code: the code is claimed once (a conditional
    update, so two people racing with one code cannot both succeed); any error undoes all,
    the claim included. A code for a named resident opens that resident's login; any other
    code makes whoever registers a new resident of the code's unit (never someone else's
    record found by their phone).

    A refusal tells whether a username is taken, and a failed attempt leaves the code usable:
    failed attempts are counted per code and per ``client`` address, and past
    ``PROPERTY_SERVICE["PORTAL_REGISTER_ATTEMPTS_PER_HOUR"]`` of either, registration is
    refused for the hour, so usernames cannot be probed."""
    code = (code or "").strip().upper()
    buckets = _register_buckets(code=code, client=client)
    if any(throttle.exceeded(bucket, key, limit=register_attempts_per_hour())
           for bucket, key in buckets):
        raise throttle.Throttled(_("Too many registration attempts: try again in an hour."))
    try:
        return _register(code=code, name=name, phone=phone, username=username,
                         password=password)
    except ActionError:
        for bucket, key in buckets:
            throttle.hit(bucket, key, window=REGISTER_WINDOW)
        raise


def _register(*, code: str, name: str, phone: str, username: str,
              password: str) -> ResidentAccount:
    now = timezone.now()
    if not Invitation.objects.filter(code=code, used_at__isnull=True,
                                     expires_at__gt=now).update(used_at=now):
        raise ActionError(_("This invitation code is not valid: it is wrong, already used or "
                            "expired. Ask the property office for a new one."), field="code")
    invitation = Invitation.objects.select_related("unit__building__community").get(code=code)
    name, phone = (name or "").strip(), (phone or "").strip()
    if invitation.resident is not None:
        resident = invitation.resident
        if ResidentAccount.objects.filter(resident=resident).exists():
            raise ActionError(_("You already have a portal account: log in with it."),
                              field="code")
        _check_login(username, password)
    else:
        # The login is checked before the new resident is created (all is undone anyway).
        _check_login(username, password)
        resident = _new_resident(invitation, name=name, phone=phone)
    user = get_user_model().objects.create_user(username=username.strip(), password=password,
                                                is_staff=False)
    account = ResidentAccount.objects.create(user=user, resident=resident)
    invitation.account = account
    invitation.save(update_fields=["account"])
    return account


def _new_resident(invitation: Invitation, *, name: str, phone: str) -> Resident:
    """A new resident of the invitation's unit, with the invitation's relation."""
    if not name:
        raise ActionError(_("Give your full name."), field="name")
    today = timezone.localdate()
    resident = Resident(community=invitation.unit.building.community, name=name, phone=phone)
    full_clean_or_refuse(resident, exclude=["id_number", "community"])
    resident.save()
    # The resident's own registration, vouched for by the invitation: no member of staff.
    occupancy_create(by=None, occupancy=Occupancy(unit=invitation.unit, resident=resident,
                                                  relation=invitation.relation,
                                                  start_date=today))
    return resident


def my_units(user):
    return scope(Unit.objects.select_related("building__community"), user).order_by(
        "building__community__name", "building__name", "number")


def _my_unit(user, unit_id) -> Unit:
    try:
        return my_units(user).get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("Choose one of your own units."), field="unit") from None


def _checked_files(files, validator) -> list:
    files = [f for f in files or [] if f]
    if len(files) > MAX_FILES:
        raise ActionError(_("Attach at most %(n)d files.") % {"n": MAX_FILES}, field="photos")
    for upload in files:
        try:
            validator(upload)
        except ValidationError as error:
            raise ActionError(f"{upload.name}: {_first_message(error)}", field="photos") \
                from None
    return files


def report_repair(*, user, unit_id, category, description: str, photos=()) -> WorkOrder:
    """A repair request from the portal (channel: app), with its photos. Bad photos refuse
    the whole request before anything is stored."""
    unit = _my_unit(user, unit_id)
    photos = _checked_files(photos, validate_photo)
    if not (description or "").strip():
        raise ActionError(_("Describe the problem."), field="description")
    order = work_order_services.create_work_order(
        by=user, community=unit.building.community, unit=unit, category=category,
        channel=Channel.APP, description=description.strip(),
        resident=user.resident_account.resident)
    for photo in photos:
        WorkOrderPhoto.objects.create(work_order=order, kind=WorkOrderPhoto.Kind.BEFORE,
                                      image=photo)
    return order


def file_complaint(*, user, unit_id, category: str, content: str, request: str = "",
                   attachments=()) -> Complaint:
    unit = _my_unit(user, unit_id)
    attachments = _checked_files(attachments, validate_attachment)
    if not (content or "").strip():
        raise ActionError(_("Say what the complaint is about."), field="content")
    complaint = complaint_services.create_complaint(
        by=user, community=unit.building.community, unit=unit, channel=Channel.APP,
        category=category, content=content.strip(), request=(request or "").strip(),
        resident=user.resident_account.resident)
    for upload in attachments:
        ComplaintAttachment.objects.create(complaint=complaint, file=upload)
    return complaint


def ask_question(*, user, unit_id, topic: str, question: str) -> Enquiry:
    """A resident's question about one of their units: an enquiry with its deadlines."""
    unit = _my_unit(user, unit_id)
    if not (question or "").strip():
        raise ActionError(_("Write your question."), field="question")
    return enquiry_services.create_enquiry(
        by=user, community=unit.building.community, unit=unit, channel=Channel.APP,
        topic=topic, question=question, resident=user.resident_account.resident)


def my_enquiries(user):
    return scope(Enquiry.objects.select_related("unit__building__community"), user)


def my_work_orders(user):
    return scope(WorkOrder.objects.select_related("category", "unit__building__community"), user)


def my_complaints(user):
    return scope(Complaint.objects.select_related("unit__building__community"), user)
