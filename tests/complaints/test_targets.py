"""The complaint targets and the unhappy score are data: change the file, the rule follows."""

from django.urls import reverse
from property_service.complaints import services
from property_service.complaints.figures import figures
from property_service.complaints.states import State

from tests.complaints.test_pipeline import walk
from tests.helpers import xlsx_rows
from tests.targets import edited_fixtures


def test_the_figures_are_set_against_the_targets_in_the_data(settings, tmp_path, client,
                                                             make_staff):
    assert {f.key: f.target for f in figures()} == {
        "on_time_rate": 95, "resolution_rate": 90, "reopen_rate": None,
        "mean_satisfaction": 85}
    edited_fixtures(settings, tmp_path, "service_targets.toml", on_time_rate=97,
                    satisfaction=88)
    assert {f.key: f.target for f in figures()}["on_time_rate"] == 97
    client.force_login(make_staff("CS Supervisor", communities=None))
    sheet = xlsx_rows(client.get(reverse("admin:property_service_complaint_figures"),
                                 {"format": "xlsx"}).content)
    assert "On time (%), target 97" in sheet[0]
    assert "Satisfaction (out of 100), target 88" in sheet[0]


def test_a_score_is_unhappy_up_to_the_limit_in_the_data(settings, tmp_path, new_complaint,
                                                        front_desk, supervisor, agent):
    complaint = walk(new_complaint(), front_desk, supervisor)
    complaint = services.record_follow_up(complaint_id=complaint.pk, user=agent,
                                          satisfied=True, satisfaction=3)
    assert complaint.state == State.CLOSED
    edited_fixtures(settings, tmp_path, "service_targets.toml", unhappy_at_most=3)
    complaint = walk(new_complaint(), front_desk, supervisor)
    complaint = services.record_follow_up(complaint_id=complaint.pk, user=agent,
                                          satisfied=True, satisfaction=3)
    assert complaint.state == State.REOPENED
