import factory
from django.utils import timezone
from property_service.incidents.models import Incident
from property_service.notices.models import Notice

from .registry import CommunityFactory


class IncidentFactory(factory.django.DjangoModelFactory):
    """An incident in any state, for tests of what happens next (intake goes through
    services)."""

    class Meta:
        model = Incident

    number = factory.Sequence(lambda n: f"YJ-TEST-{n:05d}")
    community = factory.SubFactory(CommunityFactory)
    kind = "power_cut"
    location = "配电房"
    reported_at = factory.LazyFunction(timezone.now)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"通知{n}")
    body = "请各位住户留意。"
