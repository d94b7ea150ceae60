"""Tests that edit the company's data files: a copy of fixtures/ with some values changed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings as django_settings


def edited_fixtures(settings, tmp_path: Path, name: str, sections: dict | None = None,
                    **values) -> Path:
    """Copy fixtures/ to ``tmp_path``, set the first ``key = value`` in ``name`` (the first
    section holding the key; ``sections``: {section: {key: value}}, the key within that
    section) and use the copy."""
    source = Path(django_settings.BASE_DIR) / "fixtures"
    target = tmp_path / "fixtures"
    shutil.copytree(source, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"(?m)^{key} = \d+", f"{key} = {value}", text, count=1)
        assert count == 1, key
    for section, keys in (sections or {}).items():
        head = text.index(f"\n[{section}]\n")
        for key, value in keys.items():
            rest, count = re.subn(rf"(?m)^{key} = \d+", f"{key} = {value}", text[head:],
                                  count=1)
            assert count == 1, (section, key)
            text = text[:head] + rest
    path.write_text(text, encoding="utf-8")
    settings.PROPERTY_SERVICE = {**django_settings.PROPERTY_SERVICE, "FIXTURES_DIR": target}
    return target
