"""The renewal scan (续约提醒): flags contracts and policies entering their last six months,
reminds at each threshold, and expires those whose end date passed without renewal.

Exactly once: every step is an ``EscalationStep`` row (unique per record, clock, step and end
date). The scan inserts the due steps it does not find, skipping any another run inserted first,
and notifies only about the rows its own run inserted. A run after days of downtime takes every
step that became due meanwhile. The work is set-based: a fixed number of queries per kind of
agreement, whatever their number (inserts are batched only where the database limits the size
of one statement). Each agreement keeps the day its next step falls due
(``renewal_check_on``), and a run reads only those due by today: the work of a day is that
day's steps, not every agreement in force.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.selectors import users_with_role_by_community
from ..core.models import EscalationStep, Notification
from ..core.notifications import notify_many
from . import rules
from .models import AgreementEvent
from .states import LIVE_STATES, State

CLOCK = "renewal"
# Told at every step, with the agreement's responsible person.
MANAGER_ROLE = "Property Manager"
# Also told when an agreement has lapsed: the staff who keep the ledger.
LEDGER_ROLE = "Admin & Finance"


def renewable_models() -> list:
    from ..contracts.models import Contract
    from ..insurance.models import InsurancePolicy

    return [Contract, InsurancePolicy]


def run_renewal_scan(*, today: datetime.date | None = None) -> dict[str, dict[str, int]]:
    """Scan every kind of agreement; returns per kind how many steps were taken, flagged,
    expired and notified."""
    today = today or timezone.localdate()
    return {model._meta.model_name: scan_agreements(model, today=today)
            for model in renewable_models()}


def _deadline(end_date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(end_date, datetime.time.min))


@transaction.atomic
def scan_agreements(model, *, today: datetime.date, only_pk: int | None = None) -> dict[str, int]:
    """One kind of agreement (or one record of it, right after it was put in force)."""
    thresholds = rules.thresholds()
    # Only the agreements with a step due by today: each keeps the day of its next step.
    candidates = model.objects.filter(
        Q(renewal_check_on__isnull=True) | Q(renewal_check_on__lte=today),
        state__in=LIVE_STATES)
    if only_pk is not None:
        candidates = candidates.filter(pk=only_pk)
    # Locked: a concurrent run waits here and then finds the steps this one took; a user's
    # transition of one of them waits too, and meets the state this run leaves.
    agreements = {a.pk: a for a in candidates.select_for_update().select_related("responsible")}
    outcome = {"steps": 0, "flagged": 0, "expired": 0, "notified": 0}
    if not agreements:
        return outcome
    # Bookkeeping of the scan, not a change to the record (its version stays): one statement
    # per thousand agreements.
    for agreement in agreements.values():
        agreement.renewal_check_on = rules.next_check(agreement.end_date, today, thresholds)
    model.objects.bulk_update(agreements.values(), ["renewal_check_on"], batch_size=1000)

    target_type = ContentType.objects.get_for_model(model)
    due = {(pk, step, _deadline(a.end_date))
           for pk, a in agreements.items()
           for step in rules.due_steps(a.end_date, today, thresholds)}
    taken = set(EscalationStep.objects.filter(
        target_type=target_type, clock=CLOCK, target_id__in=list(agreements)).values_list(
        "target_id", "step", "deadline"))
    run = uuid.uuid4().hex
    EscalationStep.objects.bulk_create(
        [EscalationStep(target_type=target_type, target_id=pk, clock=CLOCK, step=step,
                        deadline=deadline, run=run)
         for pk, step, deadline in sorted(due - taken)],
        ignore_conflicts=True)
    mine = defaultdict(list)
    for pk, step in EscalationStep.objects.filter(run=run).values_list("target_id", "step"):
        mine[pk].append(step)
    if not mine:
        return outcome
    outcome["steps"] = sum(len(steps) for steps in mine.values())

    now = timezone.now()
    states, renewal_steps, events = {}, {}, []
    for pk, steps in mine.items():
        agreement = agreements[pk]
        if rules.EXPIRED in steps:
            states[pk], action = State.EXPIRED, "expire"
        elif agreement.state == State.ACTIVE:
            states[pk], action = State.RENEWAL_DUE, "flag_renewal"
        else:
            states[pk], action = agreement.state, "renewal_alert"
        renewal_steps[pk] = rules.threshold_reached(agreement.end_date, today, thresholds)
        events.append(AgreementEvent(
            **AgreementEvent.owned_by(agreement), action=action, from_state=agreement.state,
            to_state=states[pk], at=now,
            comment=", ".join(rules.step_label(s, thresholds) for s in steps)))
        if action != "renewal_alert":
            outcome["expired" if action == "expire" else "flagged"] += 1

    # Plain updates, one per resulting value: the rows are locked, so nothing is overwritten.
    _update_grouped(model, "state", states, now)
    _update_grouped(model, "renewal_step", renewal_steps, now)
    model.history.bulk_history_create(list(model.objects.filter(pk__in=list(mine))),
                                      update=True, default_date=now,
                                      default_change_reason=_("Renewal scan"))
    AgreementEvent.objects.bulk_create(events)
    outcome["notified"] = len(_notify(mine, agreements, today, target_type))
    return outcome


def _update_grouped(model, field: str, values: dict, now: datetime.datetime) -> None:
    groups = defaultdict(list)
    for pk, value in values.items():
        groups[value].append(pk)
    for value, pks in groups.items():
        model.objects.filter(pk__in=pks).update(**{field: value, "updated_at": now})


def _notify(mine: dict, agreements: dict, today: datetime.date,
            target_type: ContentType) -> list[Notification]:
    community_ids = {agreements[pk].community_id for pk in mine}
    managers = users_with_role_by_community(MANAGER_ROLE, community_ids)
    ledger = users_with_role_by_community(LEDGER_ROLE, community_ids) if any(
        rules.EXPIRED in steps for steps in mine.values()) else {}
    notifications = []
    for pk, steps in mine.items():
        agreement = agreements[pk]
        # Steps taken together (missed runs, or put in force late) are one message per
        # person: about the most urgent of them, so never "ends in -30 days".
        step = rules.most_urgent(steps)
        expired = step == rules.EXPIRED
        users = [agreement.responsible, *managers[agreement.community_id]]
        if expired:
            users += ledger[agreement.community_id]
        message = (_("%(what)s ended on %(end)s without renewal and has expired.")
                   if expired else
                   _("%(what)s ends on %(end)s, in %(days)d days: start the renewal.")) % {
            "what": agreement.reference(), "end": agreement.end_date.isoformat(),
            "days": rules.days_to_expiry(agreement.end_date, today)}
        key = (f"{CLOCK}:{agreement._meta.label_lower}:{pk}:{agreement.end_date}:{step}")
        for user in {u.pk: u for u in users if u.is_active}.values():
            notifications.append(Notification(
                user=user, kind=Notification.Kind.EXPIRED if expired
                else Notification.Kind.RENEWAL_DUE, message=message,
                target_type=target_type, target_id=pk, dedupe_key=key))
    return notify_many(notifications)
