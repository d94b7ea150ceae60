"""Where the company's standards and rules are read from: the TOML files of fixtures/."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings


def fixtures_dir() -> Path:
    configured = getattr(settings, "PROPERTY_SERVICE", {}).get("FIXTURES_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "fixtures"


def read_fixture(name: str) -> dict:
    with open(fixtures_dir() / name, "rb") as f:
        return tomllib.load(f)
