"""Mixed traffic for a load run (`make load`, benchmarks/load.py): the back office's staff, the
residents' portal and API clients, each logged in as a demo user of the site (the generated
data sets load the demo first, so its logins exist at every scale).

- Staff (``cs_agent``, ``manager``, ``admin``): the work-order list and its queues, the
  complaint, resident and unit lists, a search, a work order's change page, the figures.
- Residents (``resident``): the portal's home, repairs (and one of them), complaints, notices.
- API clients (a token as ``admin`` or ``cs_agent``): work orders, a filter, cursor pages
  following ``next``, the figures.

Each request is named ``<group>: <what>`` (group: staff, portal, api); a request fails when it
answers anything but the page expected (a login form where a page was asked for counts as a
failure). With LOAD_SAMPLES set, every request's group, name, time and outcome are written there
as JSON when the run stops (benchmarks/load.py turns them into the results).
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-pass-2026")
STAFF = ("cs_agent", "manager", "admin")
API_USERS = ("admin", "cs_agent")
RESIDENT = "resident"
QUEUES = ("mine", "due_soon", "overdue", "pool", "repeats", "follow_up", "paused")
CURSOR_PAGES = 5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_samples: list[tuple[str, float, bool]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    _samples.append((name, response_time, exception is None))


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    target = os.environ.get("LOAD_SAMPLES")
    if target:
        with open(target, "w") as out:
            json.dump(_samples, out)


def _login(client, path: str, username: str, next_url: str, name: str) -> None:
    """A Django login form: its CSRF token, then the post; fails unless it lands on
    ``next_url``."""
    form = client.get(path, name=f"{name} form")
    token = CSRF.search(form.text)
    with client.post(path, data={"username": username, "password": PASSWORD,
                                 "csrfmiddlewaretoken": token.group(1) if token else "",
                                 "next": next_url},
                     headers={"Referer": form.url}, name=name, catch_response=True) as answer:
        if answer.status_code != 200 or "/login/" in answer.url:
            answer.failure(f"{username} was not logged in ({answer.status_code} {answer.url})")


def _page(client, path: str, name: str, *, must_contain: str = "") -> str:
    with client.get(path, name=name, catch_response=True) as answer:
        if answer.status_code != 200:
            answer.failure(f"{answer.status_code}")
        elif "/login/" in answer.url:
            answer.failure("sent to the login page")
        elif must_contain and must_contain not in answer.text:
            answer.failure(f"no {must_contain!r} in the page")
        return answer.text


class Staff(HttpUser):
    """A back-office user working the lists."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.username = random.choice(STAFF)
        _login(self.client, "/admin/login/", self.username, "/admin/", "staff: login")
        # A few of the user's own orders (their scope), for searches and change pages.
        answer = self.client.get("/api/v1/work-orders/", name="staff: api sample")
        self.orders = answer.json().get("results", []) if answer.ok else []

    def _order(self) -> dict | None:
        return random.choice(self.orders) if self.orders else None

    @task(4)
    def work_order_list(self):
        _page(self.client, "/admin/property_service/workorder/", "staff: work-order list",
              must_contain="result_list")

    @task(4)
    def work_order_queue(self):
        _page(self.client, f"/admin/property_service/workorder/?queue={random.choice(QUEUES)}",
              "staff: work-order queue")

    @task(2)
    def complaint_list(self):
        _page(self.client, "/admin/property_service/complaint/", "staff: complaint list")

    @task(1)
    def resident_list(self):
        _page(self.client, "/admin/property_service/resident/", "staff: resident list")

    @task(1)
    def unit_list(self):
        _page(self.client, "/admin/property_service/unit/", "staff: unit list")

    @task(2)
    def search(self):
        order = self._order()
        term = order["number"] if order else "1502"
        _page(self.client, f"/admin/property_service/workorder/?q={term}", "staff: search")

    @task(2)
    def change_page(self):
        order = self._order()
        if order:
            _page(self.client, f"/admin/property_service/workorder/{order['id']}/change/",
                  "staff: work-order change page")

    @task(1)
    def home(self):
        _page(self.client, "/admin/", "staff: workspace")

    @task(1)
    def figures(self):
        _page(self.client, "/admin/property_service/workorder/figures/", "staff: figures")


class Resident(HttpUser):
    """A resident on the portal, on a phone."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        _login(self.client, "/portal/login/", RESIDENT, "/portal/", "portal: login")
        self.repairs = []

    @task(3)
    def home(self):
        _page(self.client, "/portal/", "portal: home")

    @task(3)
    def repairs_list(self):
        text = _page(self.client, "/portal/repairs/", "portal: repairs")
        self.repairs = sorted(set(re.findall(r'/portal/repairs/(\d+)/"', text))) or self.repairs

    @task(2)
    def repair(self):
        if self.repairs:
            _page(self.client, f"/portal/repairs/{random.choice(self.repairs)}/",
                  "portal: a repair")

    @task(1)
    def complaints(self):
        _page(self.client, "/portal/complaints/", "portal: complaints")

    @task(1)
    def notices(self):
        _page(self.client, "/portal/notices/", "portal: notices")


class ApiClient(HttpUser):
    """An integration reading the REST API with a token."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        username = random.choice(API_USERS)
        with self.client.post("/api/v1/auth/token/",
                              json={"username": username, "password": PASSWORD},
                              name="api: token", catch_response=True) as answer:
            token = answer.json().get("token") if answer.status_code == 200 else None
            if not token:
                answer.failure(f"no token for {username} ({answer.status_code})")
        self.client.headers["Authorization"] = f"Token {token}"

    def _json(self, path: str, name: str) -> dict:
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
                return {}
            return answer.json()

    @task(4)
    def work_orders(self):
        self._json("/api/v1/work-orders/", "api: work orders")

    @task(2)
    def work_orders_by_state(self):
        self._json(f"/api/v1/work-orders/?state={random.choice(['dispatched', 'closed'])}",
                   "api: work orders by state")

    @task(2)
    def cursor_pages(self):
        page = self._json("/api/v1/work-orders/", "api: work orders")
        for _ in range(CURSOR_PAGES):
            if not page.get("next"):
                break
            page = self._json(page["next"], "api: work orders, next page")

    @task(1)
    def complaints(self):
        self._json("/api/v1/complaints/", "api: complaints")

    @task(1)
    def figures(self):
        self._json("/api/v1/figures/work-orders/", "api: repair figures")
        self._json("/api/v1/figures/complaints/", "api: complaint figures")
