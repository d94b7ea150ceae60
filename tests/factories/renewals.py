import datetime
from decimal import Decimal

import factory
from property_service.contracts.models import Contract
from property_service.insurance.models import InsurancePolicy

from tests.factories.registry import CommunityFactory, UserFactory


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract in force (``state`` is set at creation, as the workflow's field is protected)."""

    class Meta:
        model = Contract

    community = factory.SubFactory(CommunityFactory)
    kind = "vendor_maintenance"
    number = factory.Sequence(lambda n: f"HT-2026-{n:04d}")
    counterparty = "上海迅达电梯有限公司"
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2027, 12, 31)
    value = Decimal("120000.00")
    responsible = factory.SubFactory(UserFactory)
    state = "active"


class InsurancePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsurancePolicy

    community = factory.SubFactory(CommunityFactory)
    kind = "public_liability"
    insurer = "中国平安财产保险股份有限公司"
    policy_number = factory.Sequence(lambda n: f"PA-2026-{n:05d}")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    sum_insured = Decimal("5000000.00")
    premium = Decimal("18000.00")
    responsible = factory.SubFactory(UserFactory)
    state = "active"
