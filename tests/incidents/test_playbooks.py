"""The response playbooks are data: every type of incident has one, in both languages, and
loading them again keeps what staff edited."""

from property_service.incidents.models import Kind, PlaybookStep
from property_service.incidents.playbooks import load_playbooks
from property_service.workorders.standards import load_standards


def test_every_type_of_incident_has_a_playbook_in_chinese_and_english(db):
    for kind in Kind.values:
        steps = list(PlaybookStep.objects.filter(incident_kind=kind))
        assert len(steps) >= 3, kind
        assert [s.position for s in steps] == list(range(1, len(steps) + 1))
        assert all(s.text_zh and s.text_en for s in steps)
    fire = PlaybookStep.objects.get(incident_kind="fire", position=1)
    assert "119" in fire.text_zh and "119" in fire.text_en


def test_loading_again_creates_nothing_and_keeps_edited_steps(db):
    step = PlaybookStep.objects.get(incident_kind="power_cut", position=1)
    step.text_zh = "本小区：先确认是否为市政停电"
    step.save()
    assert load_playbooks() == 0
    assert load_standards()["playbook_steps"] == 0
    step.refresh_from_db()
    assert step.text_zh == "本小区：先确认是否为市政停电"


def test_a_deleted_step_comes_back_on_the_next_load(db):
    PlaybookStep.objects.filter(incident_kind="flooding", position=2).delete()
    assert load_playbooks() == 1
    assert PlaybookStep.objects.filter(incident_kind="flooding", position=2).exists()
