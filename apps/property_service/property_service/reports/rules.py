"""The rules of the monthly management report, as data (fixtures/management_report.toml) and
small pure functions: which way a figure moved, whether it met its target, and which
recommendations the figures draft.

The sentences are the app's translations, named by the rules; each is filled with the
figure's value and target and the group that did worst (category, team, subject) or with the
problem's count and examples."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..core.fixtures import read_fixture

FIXTURE = "management_report.toml"

UP, DOWN, SAME = "up", "down", "same"


def problem_thresholds() -> dict[str, int]:
    """recurring_category_at_least, recurring_unit_at_least, recurring_subject_at_least,
    listed_at_most."""
    return {key: int(value) for key, value in read_fixture(FIXTURE)["problems"].items()}


@dataclass(frozen=True)
class Rule:
    sentence: str
    missed: str | None = None  # "<area>.<figure>"
    problem: str | None = None
    otherwise: bool = False


def recommendation_rules() -> list[Rule]:
    rules = [Rule(**row) for row in read_fixture(FIXTURE).get("recommendations", [])]
    for rule in rules:
        if rule.sentence not in SENTENCES:
            raise ValueError(f"{FIXTURE}: unknown sentence {rule.sentence!r}")
    return rules


# What each sentence says; the parameters come from the figure the rule names (value, target,
# previous, worst_category, worst_category_value, worst_team, worst_team_value, worst_subject,
# worst_subject_value) or from the problem (count, examples).
SENTENCES = {
    "work_orders_completion_missed": _(
        "Orders completed on time: %(value)s%% against a target of %(target)s%%. The category "
        "that did worst is %(worst_category)s (%(worst_category_value)s%%) and the team "
        "%(worst_team)s (%(worst_team_value)s%%): review their scheduling, staffing and spare "
        "parts."),
    "work_orders_response_missed": _(
        "Orders responded to on time: %(value)s%% against a target of %(target)s%%. The team "
        "that did worst is %(worst_team)s (%(worst_team_value)s%%) and the category "
        "%(worst_category)s (%(worst_category_value)s%%): check the duty roster and dispatch."),
    "work_orders_rework_missed": _(
        "Rework: %(value)s%% against a ceiling of %(target)s%%. The team with the most rework "
        "is %(worst_team)s (%(worst_team_value)s%%), the category %(worst_category)s "
        "(%(worst_category_value)s%%): check the work before it is handed over."),
    "work_orders_satisfaction_missed": _(
        "Repair satisfaction: %(value)s out of 100 against a target of %(target)s. The "
        "category residents were least happy with is %(worst_category)s "
        "(%(worst_category_value)s), the team %(worst_team)s (%(worst_team_value)s): go "
        "through the unhappy follow-up calls with them."),
    "complaints_on_time_missed": _(
        "Complaints handled on time: %(value)s%% against a target of %(target)s%%. The subject "
        "handled late most is %(worst_subject)s (%(worst_subject_value)s%%): hand such "
        "complaints over and contact the resident sooner."),
    "complaints_resolution_missed": _(
        "Complaints resolved: %(value)s%% against a target of %(target)s%%. The subject least "
        "resolved is %(worst_subject)s (%(worst_subject_value)s%%): follow the open ones up "
        "every week until they are resolved."),
    "complaints_satisfaction_missed": _(
        "Complaint satisfaction: %(value)s out of 100 against a target of %(target)s. The "
        "subject residents were least happy with is %(worst_subject)s "
        "(%(worst_subject_value)s): review the answers given with the team."),
    "repeats_found": _(
        "%(count)s repeated reports (%(examples)s): find and fix the cause of the fault rather "
        "than repairing it again."),
    "recurring_units_found": _(
        "Units reporting again and again: %(examples)s. Visit them with the maintenance team "
        "and check the installations."),
    "recurring_categories_found": _(
        "Categories that recur: %(examples)s. Plan a preventive inspection of these "
        "installations."),
    "reopened_complaints_found": _(
        "%(count)s complaints were reopened (%(examples)s): check with the residents why the "
        "first answer did not settle them."),
    "all_targets_met": _(
        "Every figure met its target this month: keep the present arrangements and watch the "
        "figures that fell since last month."),
}

NOT_KNOWN = "—"


def direction(value, previous) -> str | None:
    """Which way a figure moved since last month (None when either month has no value)."""
    if value is None or previous is None:
        return None
    return UP if value > previous else DOWN if value < previous else SAME


def improved(value, previous, *, higher_is_better: bool) -> bool | None:
    """Whether the move since last month is for the better (None: no move, or unknown)."""
    moved = direction(value, previous)
    if moved in (None, SAME):
        return None
    return (moved == UP) == higher_is_better


def meets(value, target, *, higher_is_better: bool) -> bool | None:
    """Whether ``value`` meets ``target`` (a floor, or a ceiling when lower is better)."""
    if value is None or target is None:
        return None
    return value >= target if higher_is_better else value <= target


def worst(rows: list[tuple[str, float | None]], *, higher_is_better: bool
          ) -> tuple[str, float] | None:
    """The (name, value) that did worst among ``rows`` (those without a value left out; ties
    by name), or None."""
    known = [(name, value) for name, value in rows if value is not None]
    if not known:
        return None
    sign = 1 if higher_is_better else -1
    return min(known, key=lambda row: (sign * row[1], row[0]))


def drafted(rules: list[Rule], *, analysis: list[dict], problems: dict) -> list[dict]:
    """The recommendations the rules draft: ``{"sentence": name, "params": {...}}`` each.

    ``analysis``: one row per figure (``area``, ``key``, ``value``, ``target``, ``met`` and
    the sentence parameters in ``params``); ``problems``: per problem, ``count`` and
    ``examples`` (labels)."""
    figures = {f"{row['area']}.{row['key']}": row for row in analysis}
    found = []
    for rule in rules:
        if rule.missed is not None:
            row = figures.get(rule.missed)
            if row is not None and row["met"] is False:
                found.append({"sentence": rule.sentence, "params": {
                    "value": row["value"], "target": row["target"], **row.get("params", {})}})
        elif rule.problem is not None:
            problem = problems.get(rule.problem) or {}
            if problem.get("count"):
                found.append({"sentence": rule.sentence, "params": {
                    "count": problem["count"],
                    "examples": ", ".join(str(e) for e in problem.get("examples", []))}})
        elif rule.otherwise and not found:
            found.append({"sentence": rule.sentence, "params": {}})
    return found


class _Missing(dict):
    def __missing__(self, key):
        return NOT_KNOWN


def sentence_text(recommendation: dict) -> str:
    """The recommendation in the active language (a parameter it lacks shows as "—")."""
    params = _Missing({key: NOT_KNOWN if value is None else value
                       for key, value in recommendation["params"].items()})
    return str(SENTENCES[recommendation["sentence"]]) % params


def recommendations_text(recommendations: list[dict]) -> str:
    """The drafted recommendations as the editable text: one numbered paragraph each."""
    return "\n".join(f"{i}. {sentence_text(r)}" for i, r in enumerate(recommendations, 1))
