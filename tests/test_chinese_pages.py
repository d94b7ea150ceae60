"""Every page a demo user reaches, in Simplified Chinese, holds no English: the back office
(lists, filters, add and change forms, the theme's own words), the residents' portal and the
error pages. Server-rendered text only; tests/browser/test_chinese_pages.py reads what the
browser draws (the theme's scripted widgets)."""

import html
import re

import pytest
from property_service.demo import DEMO_RESIDENT, DEMO_USERS, load_demo

from tests.english import english_in_html, page_kind
from tests.test_demo import delete_demo

LINK = re.compile(r'href="(/(?:admin|portal)/[^"#]*)"')
# Leaving, downloads and pages that change something on GET are not read; nor the import pages,
# which list the column names a file must carry (identifiers: "community, name, phone").
SKIP = ("/logout", "/delete/", "/password/", "/export/", "/import/", "/i18n/", "/jsi18n/",
        "/report/", "/pdf", "/photo", "/attachment", "/download")
PAGES_PER_ROLE = 120


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()
    yield
    with django_db_blocker.unblock():
        delete_demo()


@pytest.fixture
def chinese(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def crawl_for_english(client, start: str, limit: int = PAGES_PER_ROLE) -> dict[str, str]:
    """Breadth first from ``start``, one page of each kind; English text -> the page it is on."""
    kinds, queue, found, pages = set(), [start], {}, 0
    while queue and pages < limit:
        url = queue.pop(0)
        if page_kind(url) in kinds or any(part in url for part in SKIP):
            continue
        kinds.add(page_kind(url))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        text = response.content.decode()
        for part in english_in_html(text):
            found.setdefault(part, url)
        queue += [html.unescape(link) for link in LINK.findall(text)]
    assert pages > 3, f"only {pages} pages reached from {start}"
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("username", [*DEMO_USERS, DEMO_RESIDENT])
def test_every_page_a_demo_user_reaches_in_chinese_is_free_of_english(demo, chinese, username):
    from django.contrib.auth import get_user_model

    chinese.force_login(get_user_model().objects.get(username=username))
    start = "/portal/" if username == DEMO_RESIDENT else "/admin/"
    found = crawl_for_english(chinese, start)
    assert found == {}, "English on the pages:\n" + "\n".join(
        f"{url}: {text[:200]!r}" for text, url in found.items())


@pytest.mark.django_db
def test_the_login_pages_are_in_chinese_and_lead_nowhere_back_to_themselves(chinese):
    for url in ("/admin/login/", "/portal/login/"):
        page = chinese.get(url).content.decode()
        assert english_in_html(page) == []
        assert 'href="/"' not in page  # "/" is the back office, which is this login again
    assert "欢迎回到" in chinese.get("/admin/login/").content.decode()


@pytest.mark.django_db
def test_the_error_pages_are_in_chinese_with_a_way_home(chinese, make_staff):
    chinese.force_login(make_staff("CS Agent"))
    missing = chinese.get("/admin/no-such-page/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()
    assert english_in_html(missing.content.decode()) == []
    refused = chinese.get("/admin/auth/user/add/")
    assert refused.status_code == 403
    assert "您无权打开此页面" in refused.content.decode()
    assert english_in_html(refused.content.decode()) == []
    portal = chinese.get("/portal/no-such-page/")
    assert portal.status_code == 404 and 'href="/portal/"' in portal.content.decode()


@pytest.mark.django_db
def test_the_error_pages_are_in_english_for_english_readers(client, make_staff):
    client.force_login(make_staff("CS Agent"))
    page = client.get("/admin/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found" in page and "页面" not in page


def test_the_server_error_page_says_what_happened_in_chinese(rf):
    from django.utils import translation
    from property_service.core.errorpages import server_error

    with translation.override("zh-hans"):
        response = server_error(rf.get("/portal/repairs/"))
    page = response.content.decode()
    assert response.status_code == 500 and "出错了" in page and 'href="/portal/"' in page
    assert english_in_html(page) == []


def test_the_check_finds_english_words_and_passes_codes_and_data():
    from tests.english import english_words

    assert english_words("漏水 / Water leak") == ["Water", "leak"]
    assert english_words("暂停SLA计时") == ["SLA"]
    assert english_words("Select value") == ["Select", "value"]
    for data in ("WO-202611-00025", "沪A12B34", "water_leak", "resident@example.com",
                 "138****5678", "邀请码 BSMVUCEX", "导出 Excel", "/admin/"):
        assert english_words(data) == [], data
    page = ('<p>工单</p><span class="material-symbols-outlined">search</span>'
            '<input placeholder="Type to search"><script>var x = "English";</script>')
    assert english_in_html(page) == ["Type to search"]
