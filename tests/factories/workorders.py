import factory
from django.utils import timezone
from property_service.workorders.models import Team, TeamMember, WorkOrder, WorkOrderCategory

from .registry import UnitFactory


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"team{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.MAINTENANCE


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkOrderCategory

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    default_team = factory.SubFactory(TeamFactory)


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """An order in any state, for tests of what happens next (intake goes through services)."""

    class Meta:
        model = WorkOrder

    number = factory.Sequence(lambda n: f"WO-TEST-{n:05d}")
    unit = factory.SubFactory(UnitFactory)
    community = factory.SelfAttribute("unit.building.community")
    channel = "phone"
    category = factory.SubFactory(CategoryFactory)
    priority = "normal"
    description = "漏水"
    team = factory.SelfAttribute("category.default_team")
    reported_at = factory.LazyFunction(timezone.now)
