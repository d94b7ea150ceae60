import datetime

import pytest

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory

TODAY = datetime.date(2026, 11, 25)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _clock_on_today(clock):
    # Services that read the clock (putting in force, terminating) see the tests' TODAY.
    clock.set(f"{TODAY.isoformat()} 10:00")


@pytest.fixture
def finance(make_staff, place_a):
    return make_staff("Admin & Finance", communities=[place_a.community], username="fin_a",
                      email="fin_a@example.com")


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_a",
                      email="mgr_a@example.com")


@pytest.fixture
def manager_b(make_staff, place_b):
    return make_staff("Property Manager", communities=[place_b.community], username="mgr_b")


@pytest.fixture(params=["contract", "policy"])
def make_agreement(request, place_a, finance, manager, manager_b):
    """A contract or (the same tests again) an insurance policy of community A, in force."""
    factory = ContractFactory if request.param == "contract" else InsurancePolicyFactory

    def make(end_in_days: int, **kwargs):
        return factory(community=place_a.community, responsible=finance,
                       start_date=days(end_in_days - 365), end_date=days(end_in_days), **kwargs)

    return make
