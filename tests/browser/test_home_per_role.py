"""In a real browser, in Chinese: each role's home page (its workspace and the sidebar by work
area), with a screenshot of each."""

import pytest
from property_service.registry.models import Unit
from property_service.workorders.models import Team
from property_service.workorders.states import State

from tests.factories.workorders import TeamMemberFactory, WorkOrderFactory
from tests.workorders.conftest import at
from tests.workspace.conftest import data_set  # noqa: F401  (the home page's data set)

# (login, role, communities: "A" or every one)
LOGINS = [
    ("admin", None, None), ("manager", "Property Manager", "A"),
    ("cs_supervisor", "CS Supervisor", None), ("cs_agent", "CS Agent", "A"),
    ("frontdesk", "Front Desk", None), ("maintenance", "Maintenance", "A"),
    ("cleaning", "Cleaning", None), ("security", "Security", None),
    ("finance", "Admin & Finance", None),
]
# What each one's home shows first.
HEADINGS = {
    "admin": "未完成工单", "manager": "未完成工单", "cs_supervisor": "未完成工单",
    "cs_agent": "未完成工单", "frontdesk": "受理", "maintenance": "我的工作",
    "cleaning": "我的工作", "security": "我的工作", "finance": "即将到期",
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_roles_home_page_in_chinese(live_server, browser, screenshot, make_staff,
                                         data_set):  # noqa: F811
    a, _b = data_set
    unit = Unit.objects.filter(building__community=a).first()
    for login, role, communities in LOGINS:
        user = make_staff(role, username=login, is_superuser=role is None,
                          communities=[a] if communities == "A" else None)
        team = {"maintenance": "maintenance", "cleaning": "cleaning",
                "security": "security"}.get(login)
        if team:
            TeamMemberFactory(team=Team.objects.get(code=team), user=user)
            # Their own work: one order of theirs reported this morning, due this afternoon.
            WorkOrderFactory(unit=unit, team=Team.objects.get(code=team), assignee=user,
                             state=State.ACCEPTED, reported_at=at("2026-11-25 08:30"),
                             complete_by=at("2026-11-25 16:00"), description="楼道灯不亮")

    errors = []
    for login, _role, _communities in LOGINS:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900},
                                      extra_http_headers={"Accept-Language": "zh-hans"})
        page = context.new_page()
        page.on("pageerror", lambda error, who=login: errors.append((who, str(error))))
        # Straight to the back office's home (field staff would otherwise land in the field app).
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("input[name=username]", login)
        page.fill("input[name=password]", "test-pass-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        workspace = page.locator("#workspace")
        assert HEADINGS[login] in workspace.locator("section h2").first.inner_text(), login
        sidebar = page.locator("#nav-sidebar-apps").inner_text()
        assert "客服中心" in sidebar or login == "finance", login
        if page.locator("[data-chart]").count():
            # The charts are drawn by the theme's own Chart.js.
            page.wait_for_function("document.querySelectorAll('canvas.chart').length > 0 && "
                                   "[...document.querySelectorAll('canvas.chart')]"
                                   ".every(c => c.width > 0)")
        screenshot(page, login)
        context.close()
    assert errors == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_demo_login_reads_its_home_in_chinese_without_english(live_server, browser,
                                                                   screenshot, settings):
    """The demo's own logins and data (``make run``): each one's home, its menus open, holds
    no English word; a screenshot of each."""
    from property_service.demo import DEMO_PASSWORD, DEMO_USERS, load_demo

    from tests.browser.test_chinese_pages import OPEN_MENUS, READ_PAGE
    from tests.english import DATA_CELLS, DATA_LABEL, english_words

    settings.LANGUAGE_CODE = "zh-hans"
    load_demo()
    found, errors = {}, []
    for login in DEMO_USERS:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900},
                                      extra_http_headers={"Accept-Language": "zh-hans"})
        page = context.new_page()
        page.on("pageerror", lambda error, who=login: errors.append((who, str(error))))
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("input[name=username]", login)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        workspace = page.locator("#workspace")
        assert HEADINGS[login] in workspace.locator("section h2").first.inner_text(), login
        if page.locator("[data-chart]").count():
            page.wait_for_function("document.querySelectorAll('canvas.chart').length > 0")
        screenshot(page, login)
        if page.evaluate(OPEN_MENUS):
            page.wait_for_timeout(250)
        texts = page.evaluate(READ_PAGE, [list(DATA_CELLS), DATA_LABEL.pattern])
        english = sorted({text for text in texts if english_words(text)})
        if english:
            found[login] = english
            screenshot(page, f"{login}-english")
        context.close()
    assert found == {}
    assert errors == []
