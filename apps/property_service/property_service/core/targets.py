"""The company's service targets and the score below which a resident is unhappy: data, in
fixtures/service_targets.toml, read here and nowhere else."""

from __future__ import annotations

from .fixtures import read_fixture

FIXTURE = "service_targets.toml"


def complaint_targets() -> dict[str, int]:
    """Target per complaint figure: on_time_rate, resolution_rate (percent), satisfaction (out
    of 100)."""
    return dict(read_fixture(FIXTURE)["complaints"])


def unhappy_at_most() -> int:
    return int(read_fixture(FIXTURE)["follow_up"]["unhappy_at_most"])


def is_unhappy(score: int) -> bool:
    """A follow-up score (1-5) that says the resident is unhappy."""
    return score <= unhappy_at_most()


def work_order_targets() -> dict[str, int]:
    """Target per repair figure that has one (figure key -> number); see the fixture."""
    return {key: value for key, value in read_fixture(FIXTURE).get("work_orders", {}).items()
            if not isinstance(value, dict)}


def dispatch_standards() -> dict[str, int]:
    """Minutes from intake within which an order of each priority is dispatched (priorities
    without a standard are absent)."""
    return {priority: int(minutes) for priority, minutes in read_fixture(FIXTURE).get(
        "work_orders", {}).get("dispatch_within_minutes", {}).items()}


def households_per_cs_agent() -> int:
    """The most households one customer-service agent looks after (the staffing standard)."""
    return int(read_fixture(FIXTURE)["staffing"]["households_per_cs_agent"])


def satisfaction_target() -> int:
    """The company's satisfaction target out of 100 (monthly satisfaction ≥ 85): the
    complaints' figure's, which the quarterly survey score is held against too."""
    return int(read_fixture(FIXTURE)["complaints"]["satisfaction"])


def activity_targets() -> dict[str, float]:
    """Target per community-activity figure: household_share and satisfaction_share (percent),
    average_rating (out of 10)."""
    return {key: float(value) for key, value in read_fixture(FIXTURE).get(
        "activities", {}).items()}
