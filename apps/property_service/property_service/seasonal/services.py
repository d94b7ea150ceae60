"""Writes of scheduled notices. The daily job drafts; the admin corrects, approves and rejects;
an approved draft is published by the notices' own services (``notices.services``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..access.selectors import users_with_role
from ..core.errors import ActionError, NotAllowed
from ..core.models import Notification
from ..core.notifications import notify
from ..core.workflow import action_in, check_fire
from ..notices import services as notice_services
from . import occasions
from .models import GreetingTemplate, ScheduledNotice, ScheduledNoticeEvent
from .states import ACTIONS, State

# Who approves a community's greetings and reminders, and is told a draft waits.
APPROVERS = ("Property Manager", "CS Supervisor")


def _event(draft, *, action, by, comment="", from_state="", to_state=""):
    return ScheduledNoticeEvent.objects.create(scheduled_notice=draft, action=action, by=by,
                                               comment=comment, from_state=from_state,
                                               to_state=to_state)


def drafting_language() -> str:
    """The language drafts are written in: the site's."""
    return "en" if settings.LANGUAGE_CODE.startswith("en") else "zh-hans"


@transaction.atomic
def scheduled_notice_draft(*, community, occasion: occasions.Occasion,
                           template: GreetingTemplate, reminder=None,
                           language: str | None = None) -> ScheduledNotice | None:
    """Draft the greeting or reminder of ``occasion`` for ``community`` from ``template``, once:
    the unique row decides (a second run, or a concurrent one, drafts nothing and returns
    None). The community's managers and CS supervisors are told a draft awaits approval."""
    language = language or drafting_language()
    name = template.occasion_name(language) if reminder is None else (
        reminder.name if language.startswith("zh") else template.occasion_name(language))
    values = {"occasion": occasion, "occasion_name": name, "community": community.name,
              "language": language}
    draft = ScheduledNotice(
        community=community, occasion_key=occasion.key, year=occasion.year, template=template,
        reminder=reminder, occasion_name=name, starts_on=occasion.starts_on,
        ends_on=occasion.ends_on, language=language,
        title=occasions.render(template.text("title", language), **values)[:120],
        body=occasions.render(template.text("body", language), **values))
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        return None
    _event(draft, action="drafted", by=None, to_state=draft.state)
    people = [user for role in APPROVERS for user in users_with_role(role, community.pk)]
    notify(users=people, kind=Notification.Kind.NOTICE_APPROVAL, target=draft,
           message=_("%(community)s: “%(title)s” is drafted for %(date)s and awaits your "
                     "approval.") % {"community": community.name, "title": draft.title,
                                     "date": occasion.starts_on},
           dedupe_key=f"scheduled_notice:{draft.pk}:drafted")
    return draft


def _lock(draft_id, user) -> ScheduledNotice:
    try:
        return scope(ScheduledNotice.objects.all(), user).select_for_update().get(pk=draft_id)
    except (ScheduledNotice.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("This scheduled notice does not exist or is not yours to "
                           "handle.")) from None


@transaction.atomic
def scheduled_notice_correct(*, draft_id: int, user, title: str, body: str) -> ScheduledNotice:
    """Rewrite a draft's title and text before it is approved; the change is in its log."""
    if not user.has_perm("property_service.change_schedulednotice"):
        raise NotAllowed(_("You may not change scheduled notices."))
    draft = _lock(draft_id, user)
    if draft.state != State.PENDING:
        raise ActionError(_("Only a draft awaiting approval can be changed."))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ActionError(_("Give the notice a title."), field="title")
    if not body:
        raise ActionError(_("Write the notice's text."), field="body")
    changed = [f for f, v in (("title", title), ("body", body)) if getattr(draft, f) != v]
    if changed:
        draft.title, draft.body = title, body
        draft.save(update_fields=[*changed, "updated_at"])
        _event(draft, action="corrected", by=user,
               comment=", ".join(str(ScheduledNotice._meta.get_field(f).verbose_name)
                                 for f in changed))
    return draft


def may_fire(user, action) -> bool:
    return user.has_perm(f"property_service.{action.permission}")


def available_actions(draft: ScheduledNotice, user):
    return [a for a in ACTIONS.values() if draft.state in a.sources and may_fire(user, a)]


@transaction.atomic
def scheduled_notice_transition(*, draft_id: int, user, action: str,
                                expected_state: str | None = None,
                                comment: str = "") -> ScheduledNotice:
    """Approve a draft (it is published at once through the notices' services, in the same
    transaction: both happen or neither) or reject it with a reason."""
    act = action_in(ACTIONS, action)
    draft = _lock(draft_id, user)
    comment = check_fire(draft, act, allowed=may_fire(user, act),
                         expected_state=expected_state, comment=comment)
    from_state = draft.state
    if act.name == "approve":
        expire_at = None
        if draft.reminder_id is None:
            # A greeting comes down once its holiday is over.
            expire_at = timezone.make_aware(datetime.datetime.combine(
                draft.ends_on + datetime.timedelta(days=1), datetime.time.min))
        notice = notice_services.create_notice(by=user, community=draft.community,
                                               title=draft.title, body=draft.body,
                                               expire_at=expire_at)
        draft.notice = notice_services.transition_notice(notice_id=notice.pk, user=user,
                                                         action="publish")
    else:
        draft.reject_reason = comment
    draft.state = act.target
    draft.decided_by, draft.decided_at = user, timezone.now()
    draft.save(update_fields=["state", "notice", "reject_reason", "decided_by", "decided_at",
                              "updated_at"])
    _event(draft, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=draft.state)
    return draft
