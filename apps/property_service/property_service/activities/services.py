"""Writes of community activities. The admin, the portal and the API call these and nothing
else.

Every sign-up, cancellation, attendance mark and feedback locks the activity's row first: the
places of one activity are counted and taken one writer at a time, so the confirmed people
never exceed its capacity, whatever the number of households signing up together."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import resident_unit_ids, scope, works_for_community
from ..access.selectors import users_with_role
from ..core.errors import ActionError, NotAllowed, full_clean_or_refuse
from ..core.intake import corrections_note, save_corrections
from ..core.models import Notification
from ..core.notifications import notify
from ..core.workflow import action_in, check_fire, fire
from . import rules as activity_rules_module
from .models import Activity, ActivityEvent, ActivityFeedback, ActivitySignup
from .selectors import activities_for_resident, places_taken
from .states import ACTIONS, RUNNING_STATES, State

Status = ActivitySignup.Status
Attendance = ActivitySignup.Attendance


def _event(activity, *, action, by, comment="", from_state="", to_state=""):
    return ActivityEvent.objects.create(activity=activity, action=action, by=by,
                                        comment=comment, from_state=from_state,
                                        to_state=to_state, at=timezone.now())


def _is_resident(user) -> bool:
    return resident_unit_ids(user) is not None


@transaction.atomic
def activity_create(*, by, community, title: str, place: str, starts_at, capacity: int,
                    ends_at=None, signup_closes_at=None, title_en: str = "",
                    description: str = "", signup_opens_at=None,
                    household_limit: int | None = None) -> Activity:
    """Plan an activity (a draft residents do not see yet); the community's property managers
    are told it waits for their approval."""
    if _is_resident(by) or not by.has_perm("property_service.add_activity"):
        raise NotAllowed(_("You may not plan community activities."))
    if community is None or not works_for_community(by, community.pk):
        raise NotAllowed(_("Choose one of your own communities."), field="community")
    if household_limit is None:
        household_limit = activity_rules_module.default_household_limit(capacity)
    ends_at, signup_closes_at = activity_rules_module.default_times(
        starts_at, ends_at, signup_closes_at, activity_rules_module.activity_rules())
    activity = Activity(community=community, title=(title or "").strip(),
                        title_en=(title_en or "").strip(), description=description or "",
                        place=(place or "").strip(), starts_at=starts_at, ends_at=ends_at,
                        signup_opens_at=signup_opens_at, signup_closes_at=signup_closes_at,
                        capacity=capacity, household_limit=household_limit, created_by=by)
    full_clean_or_refuse(activity, exclude=["state"])
    activity.save()
    _event(activity, action="created", by=by, to_state=activity.state)
    managers = [u for u in users_with_role("Property Manager", community.pk) if u.pk != by.pk]
    message = _("Community activity “%(title)s” is planned: approve and publish it.") % {
        "title": activity.title}
    transaction.on_commit(lambda: notify(
        users=managers, kind=Notification.Kind.ASSIGNED, target=activity, message=message,
        dedupe_key=f"activity:{activity.pk}:planned"))
    return activity


def _lock(activity_id, user) -> Activity:
    """The activity, locked, if ``user`` reaches it (a resident: one shown to them)."""
    rows = activities_for_resident(user) if _is_resident(user) else scope(
        Activity.objects.all(), user)
    try:
        return rows.select_for_update().get(pk=activity_id)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("This activity does not exist or is not yours to handle.")) \
            from None


@transaction.atomic
def activity_update(*, activity_id: int, user, changes: dict) -> Activity:
    """Correct a planned activity (a published one is cancelled and planned again)."""
    if _is_resident(user) or not user.has_perm("property_service.change_activity"):
        raise NotAllowed(_("You may not change community activities."))
    activity = _lock(activity_id, user)
    changed = save_corrections(activity, changes)
    if changed:
        _event(activity, action="corrected", by=user,
               comment=corrections_note(activity, changed))
    return activity


def may_fire(user, action) -> bool:
    return not _is_resident(user) and user.has_perm(f"property_service.{action.permission}")


def available_actions(activity: Activity, user) -> list:
    return [a for a in ACTIONS.values() if activity.state in a.sources and may_fire(user, a)]


@transaction.atomic
def transition_activity(*, activity_id: int, user, action: str,
                        expected_state: str | None = None, comment: str = "") -> Activity:
    """Fire ``action``. Publishing needs the start at least the planning lead time away
    (``rules.lead_time_met``), unless the manager gives the reason it is later (kept on the
    activity and its timeline); marking it held needs it to have started. Exactly one of two
    concurrent calls wins; a refusal changes nothing."""
    act = action_in(ACTIONS, action)
    activity = _lock(activity_id, user)
    comment = check_fire(activity, act, allowed=may_fire(user, act),
                         expected_state=expected_state, comment=comment)
    now, from_state = timezone.now(), activity.state
    if act.name == "publish":
        rules = activity_rules_module.activity_rules()
        if not activity_rules_module.lead_time_met(activity.starts_at, now, rules.lead_days):
            if not comment:
                raise ActionError(_("Activities are planned %(days)d days ahead: this one "
                                    "starts sooner. Give the reason to publish it anyway.")
                                  % {"days": rules.lead_days}, field="comment")
            activity.lead_time_override = comment
        if now >= activity.signup_closes_at:
            raise ActionError(_("Its sign-up has closed already: change the dates first."))
        activity.published_at, activity.published_by = now, user
    elif act.name == "mark_held":
        if not activity_rules_module.has_started(activity.starts_at, now):
            raise ActionError(_("The activity has not started yet."))
        activity.held_at = now
    elif act.name == "close":
        activity.closed_at = now
    elif act.name == "cancel":
        activity.cancel_reason = comment
    fire(activity, act.name)
    _event(activity, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=activity.state)
    return activity


def _check_unit(activity: Activity, user, unit):
    """The household ``user`` may sign up: a resident's own unit, or, for staff, any unit of
    the activity's community."""
    if unit is None:
        raise ActionError(_("Choose the household (unit)."), field="unit")
    if _is_resident(user):
        if unit.pk not in resident_unit_ids(user):
            raise NotAllowed(_("Choose one of your own units."), field="unit")
    elif not (user.has_perm("property_service.add_activitysignup")
              and works_for_community(user, activity.community_id)):
        raise NotAllowed(_("You may not record sign-ups for this activity."))
    if unit.building.community_id != activity.community_id:
        raise ActionError(_("This unit is in another community."), field="unit")


def _people(value, activity: Activity) -> int:
    try:
        people = int(value)
    except (TypeError, ValueError):
        people = 0
    if people < 1:
        raise ActionError(_("Sign up at least one person."), field="people")
    if people > activity.household_limit:
        raise ActionError(_("A household may take at most %(n)d places at this activity.")
                          % {"n": activity.household_limit}, field="people")
    return people


@transaction.atomic
def activity_sign_up(*, activity_id: int, user, unit, people, resident=None) -> ActivitySignup:
    """Sign a household up while the sign-up is open: confirmed if its people fit within the
    places left, else on the waiting list. One sign-up per household (a cancelled one is taken
    up again)."""
    activity = _lock(activity_id, user)
    _check_unit(activity, user, unit)
    now = timezone.now()
    if not activity_rules_module.signup_open(state=activity.state,
                                             opens_at=activity.signup_opens_at,
                                             closes_at=activity.signup_closes_at, now=now):
        raise ActionError(_("Sign-up for this activity is not open."))
    people = _people(people, activity)
    if _is_resident(user):
        resident = user.resident_account.resident
    signup = ActivitySignup.objects.filter(activity=activity, unit=unit).first()
    if signup is not None and signup.status != Status.CANCELLED:
        raise ActionError(_("This household has signed up for this activity already."),
                          field="unit")
    fits = activity_rules_module.fits(capacity=activity.capacity,
                                      taken=places_taken(activity.pk), people=people)
    status = Status.CONFIRMED if fits else Status.WAITLISTED
    channel = ActivitySignup.Channel.PORTAL if _is_resident(user) \
        else ActivitySignup.Channel.DESK
    if signup is None:
        signup = ActivitySignup(activity=activity, unit=unit)
    signup.resident, signup.people, signup.status, signup.channel = resident, people, status, \
        channel
    signup.signed_up_at, signup.cancelled_at, signup.recorded_by = now, None, user
    signup.save()
    _event(activity, action="signed_up" if fits else "waitlisted", by=user,
           comment=_("%(unit)s: %(people)d") % {"unit": unit, "people": people})
    return signup


def _lock_signup(signup_id, user) -> tuple[Activity, ActivitySignup]:
    """The sign-up if ``user`` reaches it, with its activity locked first (the one order every
    writer takes the locks in)."""
    try:
        activity_id = scope(ActivitySignup.objects.all(), user).values_list(
            "activity_id", flat=True).get(pk=signup_id)
    except (ActivitySignup.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("This sign-up does not exist or is not yours to handle.")) from None
    activity = _lock(activity_id, user)
    return activity, ActivitySignup.objects.select_for_update().select_related(
        "unit__building__community").get(pk=signup_id)


def _promote(activity: Activity, user) -> list[ActivitySignup]:
    """Move households up from the waiting list, first come first served, while they fit."""
    promoted, taken = [], places_taken(activity.pk)
    for waiting in ActivitySignup.objects.filter(activity=activity, status=Status.WAITLISTED) \
            .select_related("unit").order_by("signed_up_at", "id"):
        if not activity_rules_module.fits(capacity=activity.capacity, taken=taken,
                                          people=waiting.people):
            continue
        waiting.status = Status.CONFIRMED
        waiting.save(update_fields=["status", "updated_at"])
        taken += waiting.people
        promoted.append(waiting)
        _event(activity, action="promoted", by=user, comment=str(waiting.unit))
    return promoted


@transaction.atomic
def signup_cancel(*, signup_id: int, user) -> ActivitySignup:
    """Give a household's places back while the sign-up is open; the waiting list moves up."""
    activity, signup = _lock_signup(signup_id, user)
    if not _is_resident(user) and not user.has_perm("property_service.add_activitysignup"):
        raise NotAllowed(_("You may not record sign-ups for this activity."))
    if signup.status == Status.CANCELLED:
        raise ActionError(_("This sign-up is cancelled already."))
    if not activity_rules_module.signup_open(state=activity.state,
                                             opens_at=activity.signup_opens_at,
                                             closes_at=activity.signup_closes_at,
                                             now=timezone.now()):
        raise ActionError(_("The sign-up has closed: the places can no longer be given back "
                            "here. Tell the property office."))
    signup.status, signup.cancelled_at = Status.CANCELLED, timezone.now()
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    _event(activity, action="signup_cancelled", by=user, comment=str(signup.unit))
    _promote(activity, user)
    return signup


def _check_organiser(activity: Activity, user) -> None:
    if _is_resident(user) or not user.has_perm("property_service.organise_activity"):
        raise NotAllowed(_("You may not take attendance or record feedback."))


def _check_started(activity: Activity) -> None:
    if activity.state not in RUNNING_STATES:
        raise ActionError(_("The activity is %(state)s: attendance is no longer taken.")
                          % {"state": activity.get_state_display()})
    if not activity_rules_module.has_started(activity.starts_at, timezone.now()):
        raise ActionError(_("Attendance is taken once the activity has started."))


@transaction.atomic
def attendance_record(*, signup_id: int, user, attended: bool,
                      people=None) -> ActivitySignup:
    """Mark a household that signed up as come (with how many people: by default those it
    signed up) or not come, once the activity has started."""
    activity, signup = _lock_signup(signup_id, user)
    _check_organiser(activity, user)
    _check_started(activity)
    if signup.status == Status.CANCELLED:
        raise ActionError(_("This sign-up was cancelled."))
    if attended:
        try:
            count = signup.people if people in (None, "") else int(people)
        except (TypeError, ValueError):
            count = 0
        if count < 1:
            raise ActionError(_("Say how many people came (at least one)."), field="people")
        signup.attendance, signup.attended_people = Attendance.ATTENDED, count
    else:
        if hasattr(signup, "feedback"):
            raise ActionError(_("This household has given feedback: it came."))
        signup.attendance, signup.attended_people = Attendance.NO_SHOW, None
    signup.recorded_by = user
    signup.save(update_fields=["attendance", "attended_people", "recorded_by", "updated_at"])
    _event(activity, action=signup.attendance, by=user,
           comment=f"{signup.unit}" + (f": {signup.attended_people}" if attended else ""))
    return signup


@transaction.atomic
def walk_in_record(*, activity_id: int, user, unit, people, resident=None) -> ActivitySignup:
    """A household that came without a confirmed sign-up (walk-in): recorded as come, its
    waiting-list or cancelled sign-up taken up if it had one."""
    activity = _lock(activity_id, user)
    _check_organiser(activity, user)
    _check_unit(activity, user, unit)
    _check_started(activity)
    try:
        count = int(people)
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        raise ActionError(_("Say how many people came (at least one)."), field="people")
    signup = ActivitySignup.objects.filter(activity=activity, unit=unit).first()
    if signup is not None and signup.status == Status.CONFIRMED:
        raise ActionError(_("This household signed up: mark its attendance instead."),
                          field="unit")
    if signup is None:
        signup = ActivitySignup(activity=activity, unit=unit, signed_up_at=timezone.now())
    signup.resident = resident or signup.resident
    signup.people, signup.status, signup.walk_in = count, Status.CONFIRMED, True
    signup.channel, signup.cancelled_at = ActivitySignup.Channel.DESK, None
    signup.attendance, signup.attended_people = Attendance.ATTENDED, count
    signup.recorded_by = user
    signup.save()
    _event(activity, action="walk_in", by=user, comment=f"{unit}: {count}")
    return signup


@transaction.atomic
def feedback_give(*, signup_id: int, user, rating, satisfied: bool,
                  comment: str = "") -> ActivityFeedback:
    """A household that came says what it thought (0 to 10, satisfied or not), once, after the
    activity was held: in the portal, or told to staff who record it."""
    activity, signup = _lock_signup(signup_id, user)
    if not _is_resident(user):
        _check_organiser(activity, user)
    if activity.state != State.HELD:
        raise ActionError(_("Feedback is given once the activity has been held."))
    if signup.attendance != Attendance.ATTENDED:
        raise ActionError(_("Only a household that came gives feedback."))
    if ActivityFeedback.objects.filter(signup=signup).exists():
        raise ActionError(_("This household has given its feedback already."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = -1
    if not 0 <= rating <= 10:
        raise ActionError(_("Give a rating from 0 to 10."), field="rating")
    if satisfied is None:
        raise ActionError(_("Say whether you were satisfied."), field="satisfied")
    feedback = ActivityFeedback.objects.create(
        signup=signup, rating=rating, satisfied=bool(satisfied), comment=(comment or "").strip(),
        channel=ActivityFeedback.Channel.PORTAL if _is_resident(user)
        else ActivityFeedback.Channel.DESK, given_at=timezone.now(), recorded_by=user)
    _event(activity, action="feedback", by=user,
           comment=f"{signup.unit}: {rating}/10")
    return feedback


@transaction.atomic
def signup_close_due(*, activity_id: int) -> bool:
    """The sign-up time of a published activity has passed: close its sign-up (the scheduler's
    own step, on the timeline without a person). False when there is nothing to do."""
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    now = timezone.now()
    if activity is None or activity.state != State.PUBLISHED or \
            activity.signup_closes_at > now:
        return False
    from_state = activity.state
    fire(activity, "close_signup")
    _event(activity, action="close_signup", by=None, comment=_("The sign-up time ended."),
           from_state=from_state, to_state=activity.state)
    return True
