"""Roles (groups) and their permissions, declared once in the roles file and applied to the
database idempotently.

The file (TOML) maps each role to models and actions::

    [roles.cs_agent]
    name = "CS Agent"
    [roles.cs_agent.models]
    resident = ["view", "add", "change", "view_personal_data"]

Models without an app label belong to this app; ``auth.user`` names another app's model.
``view``/``add``/``change``/``delete`` are Django's model permissions; any other action is a
permission codename declared on that model (e.g. ``view_personal_data`` on Resident).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from ..core.language import in_language

APP_LABEL = "property_service"
MODEL_ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    label_zh: str
    description: str
    # (app_label, model_name) -> actions
    models: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def actions_on(self, app_label: str, model_name: str) -> tuple[str, ...]:
        return self.models.get((app_label, model_name), ())

    def permission_keys(self) -> list[tuple[str, str, str]]:
        """(app_label, model_name, codename) of every permission this role grants."""
        keys = []
        for (app_label, model_name), actions in self.models.items():
            for action in actions:
                codename = f"{action}_{model_name}" if action in MODEL_ACTIONS else action
                keys.append((app_label, model_name, codename))
        return keys


def may_export(user, model) -> bool:
    """Whether ``user`` may export ``model``'s register (a download of its rows, always within
    their scope): the model's own ``export_<model>`` permission, which seeing the rows alone
    does not give."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.export_{opts.model_name}")


def roles_file() -> Path:
    """``PROPERTY_SERVICE["ROLES_FILE"]``, else ``fixtures/roles.toml`` of the host project."""
    configured = getattr(settings, "PROPERTY_SERVICE", {}).get("ROLES_FILE")
    if configured:
        return Path(configured)
    base_dir = getattr(settings, "BASE_DIR", None)
    if base_dir is None:
        raise ImproperlyConfigured("Set PROPERTY_SERVICE = {'ROLES_FILE': <path of roles.toml>}")
    return Path(base_dir) / "fixtures" / "roles.toml"


def load_roles(path: Path | None = None) -> dict[str, Role]:
    """Read the roles file; raise ImproperlyConfigured with the offending entry if malformed."""
    path = path or roles_file()
    with open(path, "rb") as f:
        data = tomllib.load(f)
    roles = {}
    for key, entry in data.get("roles", {}).items():
        if "name" not in entry:
            raise ImproperlyConfigured(f"{path}: role '{key}' has no name")
        models = {}
        for model_key, actions in entry.get("models", {}).items():
            app_label, _, model_name = model_key.rpartition(".")
            if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
                raise ImproperlyConfigured(f"{path}: role '{key}', model '{model_key}': "
                                           "actions must be a list of strings")
            models[(app_label or APP_LABEL, model_name.lower())] = tuple(actions)
        roles[key] = Role(key=key, name=entry["name"], label_zh=entry.get("label_zh", ""),
                          description=entry.get("description", ""), models=models)
    return roles


_names: dict[tuple[str, float], dict[str, str]] = {}


def role_name(key: str) -> str:
    """The group name of the role ``key`` of the roles file (read again when it changes)."""
    path = roles_file()
    stamp = (str(path), path.stat().st_mtime)
    if stamp not in _names:
        _names.clear()
        _names[stamp] = {k: role.name for k, role in load_roles(path).items()}
    return _names[stamp][key]


_labels: dict[tuple[str, float], dict[str, str]] = {}


def role_label(group_name: str) -> str:
    """A role's name in the active language (the roles file's ``label_zh`` in Chinese); a group
    the roles file does not declare keeps its own name."""
    path = roles_file()
    key = (str(path), path.stat().st_mtime)
    if key not in _labels:
        _labels.clear()
        _labels[key] = {role.name: role.label_zh for role in load_roles(path).values()}
    return in_language(_labels[key].get(group_name) or group_name, group_name)


def resolve_permissions(role: Role) -> list[Permission]:
    """The Permission rows of ``role``; unknown models or permissions raise with a clear message."""
    perms = []
    for app_label, model_name, codename in role.permission_keys():
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model_name)
        except ContentType.DoesNotExist:
            raise ImproperlyConfigured(
                f"Role '{role.name}': unknown model {app_label}.{model_name}"
            ) from None
        try:
            perms.append(Permission.objects.get(content_type=ct, codename=codename))
        except Permission.DoesNotExist:
            raise ImproperlyConfigured(
                f"Role '{role.name}': model {app_label}.{model_name} has no permission "
                f"'{codename}'"
            ) from None
    return perms


@transaction.atomic
def apply_roles(*, roles: dict[str, Role] | None = None) -> dict[str, tuple[int, int]]:
    """Make each role's group hold exactly the declared permissions.

    Idempotent: running it twice changes nothing the second time. Returns, per role, how many
    permissions were added and removed.
    """
    roles = roles if roles is not None else load_roles()
    changes = {}
    for role in roles.values():
        group, _ = Group.objects.get_or_create(name=role.name)
        wanted = {p.pk for p in resolve_permissions(role)}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted - current:
            group.permissions.add(*(wanted - current))
        if current - wanted:
            group.permissions.remove(*(current - wanted))
        changes[role.name] = (len(wanted - current), len(current - wanted))
    return changes
