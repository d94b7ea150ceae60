"""The catalogue: the company's seeded items, a community's own items and prices, and who
sees which."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from property_service.access.scoping import scope
from property_service.specialservices.models import SpecialService
from property_service.specialservices.selectors import catalogue_for
from property_service.workorders.models import WorkOrderCategory

from .conftest import item


def own_item(community, code="b_window", **fields):
    defaults = {"name": "擦窗", "name_en": "Window cleaning",
                "category": WorkOrderCategory.objects.get(code="cleaning"),
                "pricing": "fixed", "price": Decimal("60")}
    defaults.update(fields)
    return SpecialService.objects.create(community=community, code=code, **defaults)


def test_the_company_catalogue_is_seeded_from_the_fixture(db):
    assert item("drain_unblocking").price == Decimal("80.00")
    assert item("drain_unblocking").category.code == "plumbing"
    indoor = item("indoor_repair")
    assert indoor.pricing == "quoted" and (indoor.price_min, indoor.price_max) == (
        Decimal("50.00"), Decimal("500.00"))
    assert indoor.name == "室内维修" and indoor.name_en == "Indoor repairs"
    assert item("home_cleaning").get_unit_display() == "per hour"


def test_a_community_sees_the_company_items_and_its_own_not_anothers(place_a, place_b):
    own_item(place_b.community)
    codes_a = set(catalogue_for(place_a.community.pk).values_list("code", flat=True))
    codes_b = set(catalogue_for(place_b.community.pk).values_list("code", flat=True))
    assert "b_window" not in codes_a and "b_window" in codes_b
    assert {"indoor_repair", "drain_unblocking", "home_cleaning"} <= codes_a & codes_b


def test_a_communitys_own_price_replaces_the_company_item_there_only(place_a, place_b):
    mine = own_item(place_b.community, code="drain_unblocking", name="管道疏通",
                    category=WorkOrderCategory.objects.get(code="plumbing"),
                    price=Decimal("100"))
    in_b = catalogue_for(place_b.community.pk).filter(code="drain_unblocking")
    assert list(in_b) == [mine]
    assert catalogue_for(place_a.community.pk).get(code="drain_unblocking").price == 80
    mine.is_active = False
    mine.save()
    assert not catalogue_for(place_b.community.pk).filter(code="drain_unblocking").exists()


def test_staff_see_the_company_items_and_their_communitys(place_a, place_b, make_staff):
    own_item(place_b.community)
    staff_a = make_staff("CS Agent", communities=[place_a.community])
    visible = scope(SpecialService.objects.all(), staff_a)
    assert not visible.filter(code="b_window").exists()
    assert visible.filter(code="indoor_repair").exists()


@pytest.mark.parametrize("fields, field", [
    ({"pricing": "fixed", "price": None}, "price"),
    ({"pricing": "fixed", "price": Decimal("-1")}, "price"),
    ({"pricing": "quoted", "price": None, "price_min": Decimal("9"),
      "price_max": Decimal("5")}, "price_max"),
])
def test_a_bad_price_is_refused_by_the_model(place_a, fields, field):
    bad = SpecialService(community=place_a.community, code="x", name="x",
                         category=WorkOrderCategory.objects.get(code="cleaning"), **fields)
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert field in refused.value.message_dict


def test_labels_follow_the_language(db):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert item("home_cleaning").label == "家庭保洁"
        assert "每小时" in item("home_cleaning").price_label
    with translation.override("en"):
        assert item("home_cleaning").price_label == "¥45.00 per hour"
        assert item("indoor_repair").price_label == \
            "quoted on site (¥50.00–¥500.00 per visit)"
