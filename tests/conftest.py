"""Shared personas: two communities (A and B) with a unit and a resident each, and one staff
user per role, either limited to community A or seeing all communities."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from property_service.access.models import StaffProfile
from property_service.access.roles import apply_roles, load_roles
from property_service.workorders.standards import load_standards

from tests.factories.registry import (
    BuildingFactory,
    CommunityFactory,
    OccupancyFactory,
    UnitFactory,
    UserFactory,
)

ROLES = load_roles()
ROLE_NAMES = [role.name for role in ROLES.values()]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        apply_roles()
        load_standards()
        # Transactional tests (serialized_rollback=True) restore this state, roles included.
        for connection in connections.all():
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def clock(monkeypatch):
    """The time every service reads (``timezone.now``): ``clock.set("2026-11-25 10:00")``
    (Asia/Shanghai) or an aware datetime; 2026-11-25 10:00 until set."""
    import datetime

    from django.utils import timezone

    class Clock:
        now = None

        def set(self, moment):
            if isinstance(moment, str):
                moment = timezone.make_aware(
                    datetime.datetime.strptime(moment, "%Y-%m-%d %H:%M"))
            self.now = moment
            return moment

    fixed = Clock()
    fixed.set("2026-11-25 10:00")
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read messages in English unless they ask for Chinese explicitly.
    settings.LANGUAGE_CODE = "en"
    # Fast hashing for the many test users (slow hashes made elsewhere still verify).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@dataclass
class Place:
    community: object
    building: object
    unit: object
    resident: object
    occupancy: object


def make_place(code: str, phone: str, id_number: str) -> Place:
    community = CommunityFactory(code=code, name=f"Community {code}")
    building = BuildingFactory(community=community, name=f"{code}-1栋")
    unit = UnitFactory(building=building, number="301")
    occupancy = OccupancyFactory(unit=unit, resident__phone=phone, resident__id_number=id_number,
                                 resident__name=f"Resident {code}")
    return Place(community, building, unit, occupancy.resident, occupancy)


# Distinctive personal data, so a leak anywhere in a response is found by a plain search.
PHONE_A, ID_A = "13912345671", "11010519491231002X"
PHONE_B, ID_B = "13712345672", "440305198001010013"


@pytest.fixture
def place_a(db) -> Place:
    return make_place("AAA", PHONE_A, ID_A)


@pytest.fixture
def place_b(db) -> Place:
    return make_place("BBB", PHONE_B, ID_B)


@pytest.fixture
def make_staff(db):
    """``make_staff("CS Agent", communities=[a])``; ``communities=None`` sees all."""

    def make(role: str | None, *, communities=None, **kwargs):
        user = UserFactory(**kwargs)
        if role:
            user.groups.add(Group.objects.get(name=role))
        profile = StaffProfile.objects.create(user=user, all_communities=communities is None)
        if communities:
            profile.communities.set(communities)
        return user

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles count in the cache: each test starts with no attempts counted.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
