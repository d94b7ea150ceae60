"""The shared escalation ladder, on any record: each step once per deadline, late runs catch up."""

import datetime

from property_service.core.escalation import Step, climb, take_step
from property_service.core.models import EscalationStep, Notification

from tests.workorders.conftest import at

KINDS = {Step.WARNING: "sla_warning", Step.BREACH: "sla_breach", Step.MANAGER: "sla_escalated"}


def ladder(target, users, now):
    return climb(target=target, clock="answer", deadline=at("2026-11-25 12:00"),
                 warn_at=at("2026-11-25 11:00"), manager_after=datetime.timedelta(hours=1),
                 now=now, recipients=lambda step: users[step], kinds=KINDS,
                 message=lambda step: f"step {step}")


def test_a_step_is_taken_once(place_a, make_staff):
    user = make_staff("CS Supervisor")
    args = {"target": place_a.unit, "clock": "answer", "step": Step.BREACH,
            "deadline": at("2026-11-25 12:00"), "users": lambda: [user], "kind": "sla_breach",
            "message": "late"}
    assert take_step(**args) == 1
    assert take_step(**args) == 0
    assert Notification.objects.filter(user=user).count() == 1


def test_the_ladder_climbs_with_time_and_catches_up(place_a, make_staff):
    people = {Step.WARNING: [make_staff("CS Agent")], Step.BREACH: [make_staff("CS Supervisor")],
              Step.MANAGER: [make_staff("Property Manager")]}
    assert ladder(place_a.unit, people, at("2026-11-25 10:59")) == 0
    assert ladder(place_a.unit, people, at("2026-11-25 11:30")) == 1
    # A run after downtime takes both remaining steps; running again takes none.
    assert ladder(place_a.unit, people, at("2026-11-25 15:00")) == 2
    assert ladder(place_a.unit, people, at("2026-11-25 15:05")) == 0
    assert EscalationStep.objects.count() == 3
    assert Notification.objects.get(user=people[Step.MANAGER][0]).message == "step manager"


def test_a_new_deadline_starts_a_new_ladder(place_a, make_staff):
    user = make_staff("CS Supervisor")
    for deadline in (at("2026-11-25 12:00"), at("2026-11-26 12:00")):
        assert take_step(target=place_a.unit, clock="answer", step=Step.BREACH,
                         deadline=deadline, users=lambda: [user], kind="sla_breach",
                         message=f"late {deadline}") == 1
