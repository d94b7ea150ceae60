"""Incident personas in community A: a security guard, the property manager, a CS supervisor,
and a helper that records an incident the way the back office does."""

import pytest
from property_service.incidents import services

REPORT = {"summary": "3号楼电梯停在12层，两名住户被困约25分钟，无人受伤。",
          "actions_taken": "安抚被困人员，通知维保公司，维保人员到场后救出。",
          "cause": "电梯门锁回路接触不良。", "corrective_actions": "更换门锁触点，加强月度检查。",
          "injuries_damage": "两名住户受惊，无人受伤；电梯门锁触点损坏。"}
TIMELINE_TEXT = "维保人员到场，开门救出被困人员"


@pytest.fixture
def guard(make_staff, place_a):
    return make_staff("Security", communities=[place_a.community], username="guard_a")


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def new_incident(place_a, guard):
    def make(place=None, by=None, **kwargs):
        place = place or place_a
        fields = {"community": place.community, "kind": "elevator_entrapment",
                  "location": "3栋 2单元 电梯", "units": [place.unit],
                  "buildings": [place.building], "people_affected": 2}
        fields.update(kwargs)
        return services.create_incident(by=by or guard, **fields)

    return make


def act(incident, user, action, **kwargs):
    return services.transition_incident(incident_id=incident.pk, user=user, action=action,
                                        **kwargs)


def write_report(incident, user):
    """The written parts of the report and one line of its timeline."""
    services.add_timeline_entry(incident_id=incident.pk, user=user, text=TIMELINE_TEXT)
    return services.update_incident(incident_id=incident.pk, user=user, **REPORT)
