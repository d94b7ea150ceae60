"""Writes of notices. The admin, the API and the incident services call these."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..core.errors import ActionError, NotAllowed
from ..core.intake import corrections_note, locked_fields, locked_message, save_corrections
from ..core.workflow import action_in, check_fire, fire
from ..registry.models import check_places_in_community
from .models import Notice, NoticeEvent
from .states import ACTIONS


def _event(notice, *, action, by, comment="", from_state="", to_state=""):
    return NoticeEvent.objects.create(notice=notice, action=action, by=by, comment=comment,
                                      from_state=from_state, to_state=to_state)


@transaction.atomic
def create_notice(*, by, community, title, body, kind=Notice.Kind.SERVICE, urgent=False,
                  buildings=(), publish_at=None, expire_at=None,
                  source_incident=None) -> Notice:
    """Draft a notice for a community (or some of its buildings). Residents see nothing until
    it is published."""
    notice = Notice(community=community, title=title, body=body, kind=kind, urgent=urgent,
                    publish_at=publish_at, expire_at=expire_at, created_by=by,
                    source_incident=source_incident)
    notice.full_clean(exclude=["state"])
    buildings = list(buildings)
    check_places_in_community(community.pk, buildings=buildings)
    notice.save()
    notice.buildings.set(buildings)
    _event(notice, action="created", by=by, to_state=notice.state)
    return notice


def _lock(notice_id: int, user) -> Notice:
    try:
        return scope(Notice.objects.all(), user).select_for_update().get(pk=notice_id)
    except Notice.DoesNotExist:
        raise NotAllowed(_("This notice does not exist or is not yours to handle.")) from None


@transaction.atomic
def correct_notice(*, notice_id: int, user, changes: dict) -> Notice:
    """Rewrite a draft: only ``Notice.editable_fields`` may change (nothing once published);
    anything else is refused and nothing changes. The correction is in the notice's log."""
    if not user.has_perm("property_service.change_notice"):
        raise NotAllowed(_("You may not change notices."))
    notice = _lock(notice_id, user)
    locked = locked_fields(notice, changes)
    if locked:
        raise ActionError(locked_message(notice), field=locked[0])
    changes = dict(changes)
    buildings = changes.pop("buildings", None)
    changed = save_corrections(notice, changes)
    if buildings is not None:
        buildings = list(buildings)
        check_places_in_community(notice.community_id, buildings=buildings)
        if {b.pk for b in buildings} != set(notice.buildings.values_list("pk", flat=True)):
            notice.buildings.set(buildings)
            changed.append("buildings")
    if changed:
        _event(notice, action="corrected", by=user, comment=corrections_note(notice, changed))
    return notice


def may_fire(user, action) -> bool:
    return user.has_perm(f"property_service.{action.permission}")


def available_actions(notice: Notice, user):
    return [a for a in ACTIONS.values() if notice.state in a.sources and may_fire(user, a)]


@transaction.atomic
def transition_notice(*, notice_id: int, user, action: str, expected_state: str | None = None,
                      comment: str = "") -> Notice:
    """Publish (from now, or from its publish time) or withdraw a notice. Exactly one of two
    concurrent calls wins."""
    act = action_in(ACTIONS, action)
    notice = _lock(notice_id, user)
    comment = check_fire(notice, act, allowed=may_fire(user, act),
                         expected_state=expected_state, comment=comment)
    now, from_state = timezone.now(), notice.state
    if act.name == "publish":
        if notice.expire_at and notice.expire_at <= (notice.publish_at or now):
            raise ActionError(_("This notice has already expired: change its expiry first."),
                              field="expire_at")
        notice.publish_at = notice.publish_at or now
        notice.published_at, notice.published_by = now, user
    elif act.name == "withdraw":
        notice.withdrawn_at, notice.withdraw_reason = now, comment
    fire(notice, act.name)
    _event(notice, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=notice.state)
    return notice
