"""What the browser draws in Simplified Chinese holds no English: each demo role logs in through
the login form and reads the pages reachable from its home with the theme's scripted parts open
(user menu with the theme and language switchers, the filter panel, selects). The server-side
crawl (tests/test_chinese_pages.py) reads every page's HTML; this one reads a few pages of each
kind per role as drawn, and keeps a screenshot of each page that fails."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from property_service.demo import DEMO_PASSWORD, DEMO_RESIDENT, DEMO_USERS, load_demo

from tests.english import DATA_CELLS, DATA_LABEL, english_words, page_kind
from tests.test_chinese_pages import SKIP

PAGES_PER_ROLE = 14
# What a reader sees: visible text nodes, the options of visible selects, the attributes read
# aloud or shown on hover, and the title. Icons, data fields and English-marked text are not.
READ_PAGE = """([dataCells, dataLabel]) => {
  const label = new RegExp(dataLabel);
  const skipped = (el) => {
    if (el.closest('script,style,svg,textarea,template,[class*="material-symbols"],[lang^="en"]'))
      return true;
    if (dataCells.some((c) => el.closest('.' + c))) return true;
    const readonly = el.closest('.readonly');
    const line = readonly && readonly.closest('.field-line, .form-row');
    const name = line && line.querySelector('label');
    return !!(name && label.test(name.textContent.trim()));
  };
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (text && el && !skipped(el) && el.checkVisibility()) out.push(text);
  }
  for (const select of document.querySelectorAll('select')) {
    if (!skipped(select) && select.checkVisibility())
      for (const option of select.options) out.push(option.textContent.trim());
  }
  for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],[alt]')) {
    if (skipped(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      const value = el.getAttribute(name);
      if (value) out.push(value);
    }
  }
  return out;
}"""
# Opens what the theme keeps closed until clicked (user menu, filter panel, dropdowns).
OPEN_MENUS = """() => {
  if (!window.Alpine) return 0;
  let opened = 0;
  for (const el of document.querySelectorAll('[x-data]')) {
    const data = window.Alpine.$data(el);
    for (const key of ['openUserLinks', 'filterOpen', 'openTheme', 'open']) {
      if (key in data && data[key] === false) { data[key] = true; opened += 1; }
    }
  }
  return opened;
}"""
LINK = re.compile(r"^/(admin|portal)/")


def kind_of(url: str) -> str:
    path = urlsplit(url).path
    if path.endswith("/add/"):
        return "add"
    if path.endswith("/change/"):
        return "change"
    if "?" in url:
        return "filter"
    return "page"


def read_in_chinese(page, url: str, screenshot, name: str, read: set) -> list[str]:
    page.goto(url, wait_until="load")
    if page.evaluate(OPEN_MENUS):
        page.wait_for_timeout(250)  # the menus' transitions
    texts = page.evaluate(READ_PAGE, [list(DATA_CELLS), DATA_LABEL.pattern])
    read.update(texts)
    english = sorted({text for text in texts if english_words(text)})
    if english:
        screenshot(page, name)
    return english


def links_on(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h and LINK.match(h) and not any(s in h for s in SKIP)]


def crawl_role(browser, base: str, username: str, screenshot, read: set) -> dict[str, list[str]]:
    context = browser.new_context(locale="zh-CN",
                                  extra_http_headers={"Accept-Language": "zh-hans"})
    page = context.new_page()
    home = "/portal/" if username == DEMO_RESIDENT else "/admin/"
    page.goto(f"{base}{home}login/")
    found = {}
    login_english = read_in_chinese(page, f"{base}{home}login/", screenshot, f"{username}-login",
                                    read)
    if login_english:
        found[f"{home}login/"] = login_english
    if home == "/admin/":
        # The back office's home (field staff would otherwise land in the field app, which
        # the crawl reaches through the user menu's link).
        page.goto(f"{base}{home}login/?next={home}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{home}")
    # Breadth first, taking the kinds of page in turn (lists, add forms, change forms, filters)
    # so that a few pages per role see each kind.
    queues = {kind: deque() for kind in ("page", "add", "change", "filter")}
    queues["page"].append(home)
    kinds, pages = set(), 0
    while pages < PAGES_PER_ROLE and any(queues.values()):
        for queue in queues.values():
            while queue and page_kind(queue[0]) in kinds:
                queue.popleft()
            if not queue or pages >= PAGES_PER_ROLE:
                continue
            url = queue.popleft()
            kinds.add(page_kind(url))
            pages += 1
            english = read_in_chinese(page, f"{base}{url}", screenshot, f"{username}-{pages}",
                                      read)
            if english:
                found[url] = english
            for link in links_on(page, base):
                queues[kind_of(link)].append(link)
    context.close()
    assert pages >= min(PAGES_PER_ROLE, 4), f"{username} reached only {pages} pages"
    return found


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_demo_role_sees_its_pages_in_chinese_in_a_browser(live_server, browser, screenshot,
                                                               settings):
    settings.LANGUAGE_CODE = "zh-hans"
    load_demo()
    read = {username: set() for username in [*DEMO_USERS, DEMO_RESIDENT]}
    found = {username: crawl_role(browser, live_server.url, username, screenshot, texts)
             for username, texts in read.items()}
    # The closed parts were read too: the user menu's theme switcher, the filter panel.
    assert {"浅色", "深色", "跟随系统"} <= read["admin"]
    assert any(text.startswith("以 ") for text in read["admin"])  # a filter: "以 状态"
    assert any("欢迎回到" in text for text in read["cs_agent"])
    found = {username: pages for username, pages in found.items() if pages}
    assert found == {}, "\n".join(f"{user} {url}: {texts}" for user, pages in found.items()
                                  for url, texts in pages.items())
