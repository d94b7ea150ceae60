"""The company's catalogue of special services from fixtures/special_services.toml, created when
missing (an item edited in the back office is kept)."""

from __future__ import annotations

from ..core.fixtures import read_fixture
from ..workorders.models import Team, WorkOrderCategory
from .models import SpecialService
from .rules import money, price_problems
from .states import PriceUnit, Pricing

FIELDS = {"name", "name_en", "description", "category", "team", "pricing", "price", "price_min",
          "price_max", "unit"}


def load_special_services() -> int:
    """How many company items were created."""
    created = 0
    for code, row in read_fixture("special_services.toml").get("items", {}).items():
        unknown = set(row) - FIELDS
        if unknown:
            raise ValueError(f"special_services.toml: {code}: unknown fields {sorted(unknown)}")
        if row["pricing"] not in Pricing.values or row.get("unit", "per_visit") not in \
                PriceUnit.values:
            raise ValueError(f"special_services.toml: {code}: unknown pricing or unit")
        prices = {k: money(row.get(k)) for k in ("price", "price_min", "price_max")}
        if problems := price_problems(row["pricing"], **prices):
            raise ValueError(f"special_services.toml: {code}: {problems}")
        _, new = SpecialService.objects.get_or_create(
            community=None, code=code, defaults={
                "name": row["name"], "name_en": row.get("name_en", ""),
                "description": row.get("description", ""),
                "category": WorkOrderCategory.objects.get(code=row["category"]),
                "team": Team.objects.get(code=row["team"]) if row.get("team") else None,
                "pricing": row["pricing"], "unit": row.get("unit", PriceUnit.PER_VISIT),
                **prices})
        created += new
    return created
