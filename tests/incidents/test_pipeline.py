"""The incident pipeline: Open → Contained → Report drafted → Approved → Closed, who may fire
each step, what the report needs, and the playbook checklist."""

import pytest
from django.core.exceptions import ValidationError
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.models import Notification
from property_service.incidents import services
from property_service.incidents.models import Incident, IncidentTimelineEntry, PlaybookStep
from property_service.incidents.states import ACTIONS, State

from tests.conftest import ROLE_NAMES, ROLES
from tests.factories.incidents import IncidentFactory
from tests.incidents.conftest import REPORT, act, write_report


def role_named(name):
    return next(r for r in ROLES.values() if r.name == name)


def test_an_incident_is_numbered_and_gets_its_types_playbook_as_its_checklist(new_incident,
                                                                             guard, place_a):
    incident = new_incident()
    assert incident.number.startswith("YJ-") and len(incident.number) == len("YJ-202611-00001")
    assert incident.state == State.OPEN and incident.reported_by == guard
    steps = list(PlaybookStep.objects.filter(incident_kind="elevator_entrapment"))
    checklist = list(incident.checklist.all())
    assert len(checklist) == len(steps) >= 5
    assert [(i.position, i.text_zh, i.text_en) for i in checklist] == [
        (s.position, s.text_zh, s.text_en) for s in steps]
    assert any("强行开门" in i.text_zh for i in checklist)
    assert not any(i.done for i in checklist)
    assert list(incident.units.all()) == [place_a.unit]
    assert incident.events.get().action == "created"


def test_the_numbers_follow_each_other_within_a_month(new_incident):
    first, second = new_incident(), new_incident(kind="fire")
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1
    assert second.checklist.first().text_zh.startswith("立即拨打119")


def test_the_property_managers_of_the_community_are_told_of_a_new_incident(new_incident,
                                                                           manager):
    incident = new_incident()
    note = Notification.objects.get(user=manager)
    assert note.kind == Notification.Kind.INCIDENT and incident.number in note.message


def test_ticking_a_step_records_who_did_it_and_when_and_can_be_undone(new_incident, guard):
    incident = new_incident()
    step = incident.checklist.first()
    ticked = services.tick_checklist_item(incident_id=incident.pk, item_id=step.pk, user=guard)
    assert ticked.done_by == guard and ticked.done_at is not None
    again = services.tick_checklist_item(incident_id=incident.pk, item_id=step.pk, user=guard)
    assert again.done_at == ticked.done_at
    undone = services.tick_checklist_item(incident_id=incident.pk, item_id=step.pk, user=guard,
                                          done=False)
    assert undone.done_at is None and undone.done_by is None


def test_a_step_of_another_incident_cannot_be_ticked(new_incident, guard):
    first, second = new_incident(), new_incident()
    with pytest.raises(ActionError, match="not on this incident"):
        services.tick_checklist_item(incident_id=first.pk, item_id=second.checklist.first().pk,
                                     user=guard)


def test_the_report_cannot_be_submitted_until_its_parts_are_written(new_incident, guard):
    incident = new_incident()
    act(incident, guard, "contain")
    with pytest.raises(ActionError) as refused:
        act(incident, guard, "draft_report")
    message = str(refused.value)
    for part in ("summary", "actions taken", "cause", "corrective actions"):
        assert part in message
    services.update_incident(incident_id=incident.pk, user=guard, summary="电梯困人")
    with pytest.raises(ActionError, match="still empty: actions taken, cause, corrective"):
        act(incident, guard, "draft_report")
    write_report(incident, guard)
    drafted = act(incident, guard, "draft_report")
    assert drafted.state == State.REPORT_DRAFTED and drafted.resolved_at is not None


def test_only_a_property_manager_approves_the_report(new_incident, guard, manager, supervisor):
    incident = new_incident()
    act(incident, guard, "contain")
    write_report(incident, guard)
    act(incident, guard, "draft_report")
    for refused in (guard, supervisor):
        with pytest.raises(NotAllowed):
            act(incident, refused, "approve")
    approved = act(incident, manager, "approve")
    assert approved.state == State.APPROVED and approved.approved_by == manager
    closed = act(incident, guard, "close")
    assert closed.state == State.CLOSED and closed.closed_at is not None
    assert list(closed.events.values_list("action", flat=True)) == [
        "created", "contain", "draft_report", "approve", "close"]
    event = closed.events.get(action="approve")
    assert (event.by, event.from_state, event.to_state) == (manager, "report_drafted",
                                                            "approved")


def test_a_report_sent_back_is_corrected_and_submitted_again(new_incident, guard, manager):
    incident = new_incident()
    act(incident, guard, "contain")
    write_report(incident, guard)
    act(incident, guard, "draft_report")
    with pytest.raises(ActionError, match="Reload|frozen|submitted"):
        services.update_incident(incident_id=incident.pk, user=guard, cause="改")
    with pytest.raises(ActionError, match="comment is required"):
        act(incident, manager, "return_report")
    returned = act(incident, manager, "return_report", comment="原因写得不够具体")
    assert returned.state == State.CONTAINED
    services.update_incident(incident_id=incident.pk, user=guard, cause="门锁回路触点氧化")
    assert act(incident, guard, "draft_report").cause == "门锁回路触点氧化"


# Each action from its source state, for every role (all communities).
SOURCE = {"contain": State.OPEN, "draft_report": State.CONTAINED,
          "return_report": State.REPORT_DRAFTED, "approve": State.REPORT_DRAFTED,
          "close": State.APPROVED}
ALLOWED = {
    "contain": {"Security", "Property Manager", "System Manager"},
    "draft_report": {"Security", "Property Manager", "System Manager"},
    "return_report": {"Property Manager", "System Manager"},
    "approve": {"Property Manager", "System Manager"},
    "close": {"Security", "Property Manager", "System Manager"},
}


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_transition_is_allowed_or_refused_per_role(make_staff, place_a, role, action):
    assert set(SOURCE) == set(ACTIONS)
    incident = IncidentFactory(community=place_a.community, state=SOURCE[action], **REPORT)
    IncidentTimelineEntry.objects.create(incident=incident, at=incident.reported_at,
                                         text="到场处置")
    user = make_staff(role)
    permission = ACTIONS[action].permission
    assert (permission in role_named(role).actions_on("property_service", "incident")) == (
        role in ALLOWED[action])
    if role in ALLOWED[action]:
        done = act(incident, user, action, comment="ok")
        assert done.state == ACTIONS[action].target
        assert done.events.get().by == user
    else:
        with pytest.raises(NotAllowed):
            act(incident, user, action, comment="ok")
        assert Incident.objects.get(pk=incident.pk).state == SOURCE[action]


@pytest.mark.parametrize("state", [State.CONTAINED, State.REPORT_DRAFTED, State.APPROVED,
                                   State.CLOSED])
def test_an_action_from_the_wrong_state_is_refused(place_a, manager, state):
    incident = IncidentFactory(community=place_a.community, state=state, **REPORT)
    with pytest.raises(NotAllowed, match="is not possible while YJ-.* is "):
        act(incident, manager, "contain")


def test_units_of_another_community_are_refused_with_a_clear_message(new_incident, place_b,
                                                                    guard):
    with pytest.raises(ValidationError) as refused:
        new_incident(units=[place_b.unit])
    assert "in another community" in str(refused.value.message_dict["units"])
    assert not Incident.objects.exists()
    incident = new_incident()
    with pytest.raises(ValidationError) as refused:
        services.update_incident(incident_id=incident.pk, user=guard,
                                 buildings=[place_b.building])
    assert "buildings" in refused.value.message_dict


def test_a_user_of_another_community_cannot_record_or_touch_its_incidents(make_staff, place_a,
                                                                          place_b,
                                                                          new_incident):
    outsider = make_staff("Security", communities=[place_b.community])
    with pytest.raises(NotAllowed):
        new_incident(by=outsider)
    incident = new_incident()
    with pytest.raises(NotAllowed, match="does not exist or is not yours"):
        act(incident, outsider, "contain")


def test_timeline_entries_are_kept_in_time_order_with_who_wrote_them(new_incident, guard):
    from datetime import timedelta

    from property_service.incidents.selectors import incident_timeline

    incident = new_incident()
    services.add_timeline_entry(incident_id=incident.pk, user=guard, text="维保人员到场")
    earlier = incident.reported_at - timedelta(minutes=5)
    services.add_timeline_entry(incident_id=incident.pk, user=guard, text="通过对讲安抚",
                                at=earlier)
    entries = [line for line in incident_timeline(incident) if line.kind == "entry"]
    assert [e.text for e in entries] == ["通过对讲安抚", "维保人员到场"]
    assert entries[0].by == guard
    with pytest.raises(ActionError, match="Say what happened"):
        services.add_timeline_entry(incident_id=incident.pk, user=guard, text="  ")
