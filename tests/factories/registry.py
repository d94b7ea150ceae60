import datetime

import factory
from django.contrib.auth import get_user_model
from property_service.core.validators import id_number_check_code
from property_service.registry.models import (
    Building,
    Community,
    Occupancy,
    ParkingSpace,
    Resident,
    Unit,
    Vehicle,
)


def valid_id_number(n: int) -> str:
    first17 = f"310115{datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 15000):%Y%m%d}" \
              f"{n % 1000:03d}"
    return first17 + id_number_check_code(first17)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"社区{n}")
    city = "上海市"


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"{n}栋")
    floors = 18


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    entrance = "1"
    floor = 3
    number = factory.Sequence(lambda n: f"{300 + n}")
    area = 89


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"张{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = factory.Sequence(valid_id_number)


class OccupancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupancy

    unit = factory.SubFactory(UnitFactory)
    resident = factory.SubFactory(ResidentFactory,
                                  community=factory.SelfAttribute("..unit.building.community"))
    relation = Occupancy.Relation.OWNER
    start_date = datetime.date(2020, 1, 1)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    community = factory.SubFactory(CommunityFactory)
    owner = factory.SubFactory(ResidentFactory, community=factory.SelfAttribute("..community"))
    plate = factory.Sequence(lambda n: f"沪A{n:05d}")


class ParkingSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParkingSpace

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"B1-{n:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("test-pass-2026")
