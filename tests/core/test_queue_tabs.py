"""The queues as tabs above the work-order and complaint lists: each with its size (capped as
the lists cap counts), the active one marked, other filters and the search kept, and no query
more than the queue filter's own counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from property_service.complaints import services as complaint_services
from property_service.complaints.selectors import queue_conditions as complaint_queues
from property_service.workorders.selectors import queue_conditions as order_queues
from property_service.workorders.states import State

from tests.factories.workorders import WorkOrderFactory
from tests.helpers import admin_url
from tests.workorders.conftest import at

ORDERS = admin_url("workorder", "changelist")
COMPLAINTS = admin_url("complaint", "changelist")


def tabs_of(response) -> dict[str, tuple[str, bool, str]]:
    """queue name -> (count shown, active, link) of the tab strip."""
    html = response.content.decode()
    strip = html[html.index('id="queue-tabs"'):]
    strip = strip[:strip.index("</nav>")]
    found = {}
    for match in re.finditer(r'<a href="([^"]*)" data-queue="(\w+)"( class="active")?[^>]*>'
                             r'(.*?)</a>', strip, re.S):
        link, name, active, inner = match.groups()
        count = re.search(r'queue-count[^>]*>([^<]*)<', inner)
        found[name] = (count.group(1) if count else "", bool(active), link.replace("&amp;", "&"))
    return found


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def new_complaint(place_a, make_staff):
    desk = make_staff("Front Desk", communities=[place_a.community], username="desk_a")

    def make():
        return complaint_services.create_complaint(
            by=desk, community=place_a.community, unit=place_a.unit, channel="phone",
            category="cleaning", content="楼道垃圾三天没人清理", request="尽快清理",
            severity="general")

    return make


@pytest.fixture
def overdue_orders(clock, place_a, agent):
    clock.set("2026-11-25 12:00")
    return [WorkOrderFactory(unit=place_a.unit, state=State.NEW, reported_at=at("2026-11-25 08:00"),
                             respond_by=at("2026-11-25 09:00"), complete_by=at("2026-11-26 09:00"))
            for _ in range(3)]


def test_the_work_order_list_shows_each_queue_as_a_tab_with_its_count(
        client, agent, overdue_orders):
    client.force_login(agent)
    tabs = tabs_of(client.get(ORDERS))
    assert list(tabs) == ["all", *order_queues(agent, at("2026-11-25 12:00"))]
    assert tabs["overdue"][0] == "3"
    assert tabs["pool"][0] == "0"
    assert tabs["all"][1] is True and not tabs["overdue"][1]


def test_the_chosen_queue_is_the_active_tab_and_lists_only_its_orders(
        client, agent, overdue_orders, place_a):
    WorkOrderFactory(unit=place_a.unit, state=State.CLOSED)
    client.force_login(agent)
    response = client.get(ORDERS, {"queue": "overdue"})
    tabs = tabs_of(response)
    assert tabs["overdue"][1] is True and not tabs["all"][1]
    assert sorted(o.pk for o in response.context["cl"].result_list) == sorted(
        o.pk for o in overdue_orders)


def test_a_tab_keeps_the_other_filters_and_the_search_and_starts_on_the_first_page(
        client, agent, overdue_orders):
    client.force_login(agent)
    tabs = tabs_of(client.get(ORDERS, {"q": "301", "priority__exact": "normal", "p": "2",
                                       "queue": "pool"}))
    link = tabs["overdue"][2]
    assert "queue=overdue" in link and "q=301" in link and "priority__exact=normal" in link
    assert "p=2" not in link
    assert "queue=" not in tabs["all"][2] and "q=301" in tabs["all"][2]


def test_a_tab_count_stops_at_the_lists_cap(client, agent, overdue_orders, settings):
    settings.LIST_COUNT_CAP = 2
    client.force_login(agent)
    assert tabs_of(client.get(ORDERS))["overdue"][0] == "2+"


def test_the_tabs_add_no_query_to_the_list(client, agent, overdue_orders):
    """The tabs show the sizes the queue filter counted: the page counts every queue (capped) in
    one statement, whatever the tabs."""
    client.force_login(agent)
    client.get(ORDERS)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ORDERS)
    assert 'id="queue-tabs"' in response.content.decode()
    # Quoted the same way on every backend (MariaDB quotes names with backticks).
    sqls = [q["sql"].replace("`", '"') for q in queries.captured_queries]
    counts = [sql for sql in sqls
              if sql.startswith('SELECT COUNT(*) FROM (SELECT "property_service_workorder"')]
    queue_counts = [sql for sql in sqls if sql.startswith("SELECT (SELECT COUNT(*) FROM (")]
    queues = len(order_queues(agent, at("2026-11-25 12:00")))
    # The queues' counts in one statement and the list's own capped count, nothing more.
    assert len(queue_counts) == 1 and len(counts) == 1
    assert queue_counts[0].count("(SELECT COUNT(*) FROM (") == queues


@pytest.mark.parametrize("url", [ORDERS, COMPLAINTS])
def test_the_tabs_read_in_chinese(client, supervisor, url):
    client.force_login(supervisor)
    with translation.override("zh-hans"):
        html = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    strip = html[html.index('id="queue-tabs"'):]
    strip = strip[:strip.index("</nav>")]
    titles = " ".join(re.sub(r"<[^>]*>", "", inner) for inner in
                      re.findall(r'data-queue="\w+"[^>]*>(.*?)</a>', strip, re.S))
    assert "已超时" in titles and "全部" in titles
    assert not re.search(r"[A-Za-z]{2,}", titles)


def test_the_complaint_list_shows_its_queues_as_tabs(client, clock, supervisor, new_complaint):
    clock.set("2026-11-25 10:00")
    new_complaint()
    late = new_complaint()
    clock.set(late.handover_by + datetime.timedelta(minutes=1))
    client.force_login(supervisor)
    tabs = tabs_of(client.get(COMPLAINTS, {"queue": "pool"}))
    assert list(tabs) == ["all", *complaint_queues(supervisor, clock.now)]
    assert tabs["pool"] == ("2", True, tabs["pool"][2])
    assert tabs["overdue"][0] == "2"
    assert tabs["mine"][0] == "0"
