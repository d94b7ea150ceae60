"""A known month of community A (November 2026, with October to compare): work orders with
their deadlines met or missed, follow-up scores, repeated reports, and complaints."""

from __future__ import annotations

import datetime
import itertools
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from property_service.complaints.deadlines import BY_NAME
from property_service.complaints.models import Complaint
from property_service.complaints.states import State as ComplaintState
from property_service.workorders.models import FollowUp, WorkOrder, WorkOrderCategory
from property_service.workorders.states import State

from tests.factories.registry import UnitFactory
from tests.factories.workorders import TeamFactory, WorkOrderFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTE, HOUR = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
NOVEMBER, OCTOBER = datetime.date(2026, 11, 1), datetime.date(2026, 10, 1)
# When the monthly job runs for November.
JOB_TIME = "2026-12-01 01:00"
_numbers = itertools.count(1)  # complaint numbers
_COMPLAINT_BUDGETS = {name: datetime.timedelta(minutes=m) for name, m in (
    ("handover", 10), ("contact", 30), ("plan", 120), ("answer", 240),
    ("resolve", 2 * 24 * 60), ("follow_up", 3 * 24 * 60))}


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def order(number, unit, reported_at, *, category, team, state=State.CLOSED, respond=10 * MINUTE,
          complete=HOUR, **fields) -> WorkOrder:
    """An order whose response is due 2 h and completion 48 h after the report, responded
    ``respond`` and completed ``complete`` after it."""
    return WorkOrderFactory(
        number=number, unit=unit,
        category=WorkOrderCategory.objects.get(code=category), team=team, state=state,
        reported_at=reported_at, respond_by=reported_at + 2 * HOUR,
        responded_at=reported_at + respond, complete_by=reported_at + 48 * HOUR,
        completed_at=reported_at + complete, first_completed_at=reported_at + complete,
        **fields)


def scored(work_order, satisfaction: int) -> FollowUp:
    done = work_order.first_completed_at
    return FollowUp.objects.create(
        work_order=work_order, due_at=done + 24 * HOUR, overdue_at=done + 48 * HOUR,
        status=FollowUp.Status.DONE, done_at=done + HOUR, satisfaction=satisfaction)


def complaint(place, received_at, state, *, category="repairs", missed=(), due=None,
              **fields) -> Complaint:
    """A complaint whose deadlines (those in ``due``; all by default) were met a minute early,
    except those in ``missed``, met a minute late."""
    due = set(_COMPLAINT_BUDGETS) if due is None else set(due)
    for name, budget in _COMPLAINT_BUDGETS.items():
        d = BY_NAME[name]
        if name in due:
            fields[d.due_field] = received_at + budget
            late = datetime.timedelta(minutes=1 if name in missed else -1)
            fields.setdefault(d.done_field, received_at + budget + late)
    return Complaint.objects.create(
        number=f"TS-R-{next(_numbers):05d}", community=place.community, channel="phone",
        category=category, content="测试", state=state, received_at=received_at, **fields)


@pytest.fixture
def teams(db):
    return TeamFactory(name="Team East"), TeamFactory(name="Team West")


@pytest.fixture
def month_of_a(clock, place_a, place_b, teams):
    """Community A, November 2026: five orders (one cancelled), three of them from one unit,
    one a repeated report; three complaints (one reopened, one still being handled).
    October: two orders and one complaint, every deadline met."""
    clock.set(JOB_TIME)
    east, west = teams
    other_unit = UnitFactory(building=place_a.building, entrance="2", number="502")
    unit = place_a.unit
    o1 = order("WO-R-0001", unit, local(2026, 11, 2, 9), category="electrical", team=east)
    scored(o1, 5)
    # Responded in 130 min (due in 120), completed in 50 h (due in 48): both late.
    o2 = order("WO-R-0002", unit, local(2026, 11, 9, 9), category="electrical", team=east,
               respond=130 * MINUTE, complete=50 * HOUR)
    scored(o2, 2)
    order("WO-R-0003", unit, local(2026, 11, 16, 9), category="electrical", team=west,
          complete=60 * HOUR, is_repeat=True)
    order("WO-R-0004", other_unit, local(2026, 11, 20, 9), category="plumbing", team=west,
          complete=70 * HOUR)
    order("WO-R-0005", other_unit, local(2026, 11, 21, 9), category="plumbing", team=west,
          state=State.CANCELLED, complete=90 * HOUR)
    # An order of community B must not count.
    order("WO-R-0006", place_b.unit, local(2026, 11, 3, 9), category="electrical", team=east,
          complete=90 * HOUR)
    p1 = order("WO-R-0007", unit, local(2026, 10, 5, 9), category="electrical", team=east)
    scored(p1, 5)
    order("WO-R-0008", other_unit, local(2026, 10, 6, 9), category="plumbing", team=west)

    complaint(place_a, local(2026, 11, 4, 9), ComplaintState.CLOSED, satisfaction=5)
    complaint(place_a, local(2026, 11, 5, 9), ComplaintState.CLOSED, missed=["contact"],
              satisfaction=4, reopen_count=1)
    complaint(place_a, local(2026, 11, 6, 9), ComplaintState.PLAN_AGREED, category="noise",
              due=("handover", "contact", "plan"))
    complaint(place_b, local(2026, 11, 6, 9), ComplaintState.RECEIVED, due=["handover"],
              assigned_at=None)
    complaint(place_a, local(2026, 10, 7, 9), ComplaintState.CLOSED, satisfaction=5)
    return place_a.community


def with_targets(settings, tmp_path: Path, **targets) -> None:
    """Use a copy of fixtures/ whose repair figures have these targets
    (``on_time_completion_rate=95``)."""
    source = Path(django_settings.BASE_DIR) / "fixtures"
    target = tmp_path / "fixtures"
    shutil.copytree(source, target)
    path = target / "service_targets.toml"
    lines = "".join(f"{key} = {value}\n" for key, value in targets.items())
    text, count = re.subn(r"(?m)^\[work_orders\]\n", "[work_orders]\n" + lines,
                          path.read_text(encoding="utf-8"))
    assert count == 1
    path.write_text(text, encoding="utf-8")
    settings.PROPERTY_SERVICE = {**django_settings.PROPERTY_SERVICE, "FIXTURES_DIR": target}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The reports' files go to a directory of the test's own.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def manager_a(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community],
                      username="manager_a", email="manager_a@example.com")


@pytest.fixture
def manager_b(make_staff, place_b):
    return make_staff("Property Manager", communities=[place_b.community],
                      username="manager_b")


@pytest.fixture
def supervisor(make_staff):
    return make_staff("CS Supervisor", communities=None, username="cs_supervisor")


@pytest.fixture
def agent_a(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")
