"""Workflows as data: each domain declares its actions (from which states to which, fired with
which permission) in its ``states.py``; its services apply them with the same checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    # The permission (from the roles file) a user needs to fire it.
    permission: str
    # Only on the user's own records (a technician's assigned or team-pooled orders).
    own_records_only: bool = False
    needs_comment: bool = False


def index(actions: Iterable[Action]) -> dict[str, Action]:
    return {action.name: action for action in actions}


def actions_from(actions: dict[str, Action], state: str) -> list[Action]:
    return [action for action in actions.values() if state in action.sources]
