"""Where the company's standards and rules are read from: the TOML files of fixtures/."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

from django.conf import settings


def fixtures_dir() -> Path:
    configured = getattr(settings, "PROPERTY_SERVICE", {}).get("FIXTURES_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "fixtures"


# What each file held when last read, by path, modification time and size: pages read the
# targets several times a request, and an edited file is read again.
_read: dict[tuple, dict] = {}


def read_fixture(name: str) -> dict:
    """The TOML file ``name`` of the fixtures, parsed (a copy of its last reading while the
    file is unchanged)."""
    path = fixtures_dir() / name
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _read:
        with open(path, "rb") as f:
            _read[key] = tomllib.load(f)
    return copy.deepcopy(_read[key])
