"""The report's page: scoped to the user's communities, the sections shown, the draft's
recommendations edited and the report approved through the services, refusals said in the
user's language with a 4xx and nothing changed."""

import pytest
from property_service.reports.jobs import generate_monthly_reports
from property_service.reports.models import ManagementReport

from tests.helpers import admin_url


@pytest.fixture
def reports(month_of_a, place_b):
    generate_monthly_reports()
    return (ManagementReport.objects.get(community=month_of_a),
            ManagementReport.objects.get(community=place_b.community))


def act(client, report, **data):
    return client.post(admin_url("managementreport", "act", report.pk), data)


def test_a_manager_sees_their_communitys_report_with_its_sections_and_downloads(
        client, reports, manager_a):
    a, _b = reports
    client.force_login(manager_a)
    page = client.get(admin_url("managementreport", "change", a.pk))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("Background", "Problems", "Analysis", "Recommendations",
                    "Approve the report", "Save the recommendations"):
        assert heading in html
    assert "<svg" in html
    pdf = client.get(admin_url("managementreport", "pdf", a.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(admin_url("managementreport", "xlsx", a.pk))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    listing = client.get(admin_url("managementreport", "changelist"))
    assert listing.status_code == 200
    assert "Community AAA" in listing.content.decode()
    assert "Community BBB" not in listing.content.decode()


@pytest.mark.parametrize("view", ["change", "pdf", "xlsx", "act"])
def test_a_manager_of_a_cannot_open_bs_report(client, reports, manager_a, view):
    _a, b = reports
    client.force_login(manager_a)
    if view == "act":
        response = act(client, b, action="approve")
    else:
        response = client.get(admin_url("managementreport", view, b.pk))
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.state == "draft"


def test_the_manager_edits_the_drafts_recommendations_and_then_approves_it(
        client, reports, manager_a):
    a, _b = reports
    client.force_login(manager_a)
    old_pdf = a.pdf_file.name
    response = act(client, a, action="edit", recommendations="1. Train the night shift.")
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.recommendations == "1. Train the night shift."
    assert a.pdf_file.name != old_pdf
    assert a.history.first().history_user == manager_a
    assert act(client, a, action="approve", expected_state="draft").status_code == 302
    a.refresh_from_db()
    assert (a.state, a.approved_by) == ("approved", manager_a)
    assert [e.action for e in a.events.all()] == ["generated", "recommendations_edited",
                                                  "approve"]


def test_regenerating_a_draft_keeps_the_recommendations_the_manager_wrote(
        client, reports, manager_a):
    a, _b = reports
    client.force_login(manager_a)
    act(client, a, action="edit", recommendations="Mine.")
    assert act(client, a, action="regenerate").status_code == 302
    a.refresh_from_db()
    assert a.recommendations == "Mine."
    assert a.events.last().action == "regenerated"


def test_approving_twice_is_refused_with_a_message_and_changes_nothing(
        client, reports, manager_a):
    a, _b = reports
    client.force_login(manager_a)
    act(client, a, action="approve")
    a.refresh_from_db()
    approved_at = a.approved_at
    response = act(client, a, action="approve")
    assert response.status_code == 403
    assert "is not possible while" in response.content.decode()
    a.refresh_from_db()
    assert a.approved_at == approved_at and a.events.count() == 2


def test_editing_an_approved_report_is_refused_in_the_users_language(
        client, reports, manager_a):
    a, _b = reports
    client.force_login(manager_a)
    act(client, a, action="approve")
    a.refresh_from_db()
    text = a.recommendations
    response = client.post(admin_url("managementreport", "act", a.pk),
                           {"action": "edit", "recommendations": "Later."},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert "已批准" in response.content.decode()
    for action in ("regenerate", "edit"):
        assert act(client, a, action=action, recommendations="x").status_code == 403
    a.refresh_from_db()
    assert a.recommendations == text


def test_empty_recommendations_or_an_unknown_action_are_a_400(client, reports, manager_a):
    a, _b = reports
    client.force_login(manager_a)
    text = a.recommendations
    assert act(client, a, action="edit", recommendations="  ").status_code == 400
    assert act(client, a, action="publish").status_code == 400
    a.refresh_from_db()
    assert a.recommendations == text and a.state == "draft"


def test_a_cs_supervisor_may_read_reports_but_not_approve_or_edit_them(
        client, reports, supervisor):
    a, _b = reports
    client.force_login(supervisor)
    page = client.get(admin_url("managementreport", "change", a.pk))
    assert page.status_code == 200
    assert "Approve the report" not in page.content.decode()
    assert act(client, a, action="approve").status_code == 403
    assert act(client, a, action="edit", recommendations="x").status_code == 403
    a.refresh_from_db()
    assert a.state == "draft"


def test_a_cs_agent_does_not_see_the_reports(client, reports, agent_a):
    a, _b = reports
    client.force_login(agent_a)
    assert client.get(admin_url("managementreport", "changelist")).status_code == 403
    for view in ("change", "pdf", "xlsx"):
        assert client.get(admin_url("managementreport", view, a.pk)).status_code == 403


def test_in_chinese_the_report_is_drafted_and_shown_without_english(
        client, month_of_a, place_b, manager_a, settings):
    import re

    settings.LANGUAGE_CODE = "zh-hans"
    generate_monthly_reports()
    a = ManagementReport.objects.get(community=month_of_a)
    assert a.recommendations.startswith("1. 维修满意度 70.0 分（满分 100），目标 85 分。")
    client.force_login(manager_a)
    page = client.get(admin_url("managementreport", "change", a.pk),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    html = page[page.index('id="management-report"'):].split(">", 1)[1]
    html = html[:html.index("</textarea>")]
    text = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", html, flags=re.S)
    # The records' own names (community, building, categories, teams, numbers) are data.
    for data in ("Community AAA", "Electrical", "Plumbing", "Team East", "Team West",
                 "AAA-1栋", "WO-R-", "TS-R-", "PDF", "Excel"):
        text = text.replace(data, "")
    assert re.findall(r"[A-Za-z]{2,}", text) == []


def test_regenerating_a_draft_recomputes_the_figures_and_redrafts_untouched_recommendations(
        client, reports, manager_a, place_a):
    from property_service.workorders.models import WorkOrder

    a, _b = reports
    # A corrected order: the cancelled one was not cancelled after all (completed late), and
    # it was a repeated report.
    WorkOrder.objects.filter(number="WO-R-0005").update(state="closed", is_repeat=True)
    client.force_login(manager_a)
    assert act(client, a, action="regenerate").status_code == 302
    a.refresh_from_db()
    late = a.figures["problems"]["late_completions"]
    assert late["count"] == 4 and "WO-R-0005" in late["items"]
    assert "2 repeated reports (WO-R-0003, WO-R-0005)" in a.recommendations
    assert a.events.last().action == "regenerated"
