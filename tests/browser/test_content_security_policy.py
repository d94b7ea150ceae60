"""In a real browser: the back office (unfold, Alpine.js) and the portal work under the app's
Content-Security-Policy, with no violation reported on their pages."""

import pytest

from tests.factories.workorders import WorkOrderFactory

VIOLATIONS = """() => { window.__violations = [];
  document.addEventListener('securitypolicyviolation',
    (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


def watched(browser, **kwargs):
    page = browser.new_page(**kwargs)
    page.add_init_script(f"({VIOLATIONS})()")
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    return page, messages


def violations(page, messages) -> list:
    return page.evaluate("window.__violations") + [
        m for m in messages if "Content Security Policy" in m]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_back_office_runs_its_scripts_under_the_policy(live_server, browser, make_staff,
                                                            place_a):
    make_staff(None, username="root_live", is_superuser=True, is_staff=True)
    order = WorkOrderFactory(unit=place_a.unit)
    page, messages = watched(browser)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "root_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in ("/admin/property_service/workorder/",
                 f"/admin/property_service/workorder/{order.pk}/change/",
                 "/admin/property_service/complaint/figures/",
                 "/admin/property_service/workorder/figures/"):
        page.goto(f"{live_server.url}{path}")
        # Alpine started (it evaluates the page's x-data), and nothing was blocked.
        page.wait_for_function("window.Alpine !== undefined && document.querySelector("
                               "'[x-cloak]') === null")
        assert violations(page, messages) == [], path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_portal_language_switch_works_under_the_policy(live_server, browser):
    page, messages = watched(browser, locale="zh-CN",
                             extra_http_headers={"Accept-Language": "zh-hans"})
    page.goto(f"{live_server.url}/portal/login/")
    page.select_option("select[name=language]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert violations(page, messages) == []
