"""Demo data: two communities, about 600 units and 900 residents with realistic Chinese names,
and one user per role. Deterministic (a fixed seed), and loaded once: a second run changes
nothing."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .access.models import StaffProfile
from .core.validators import id_number_check_code
from .registry.models import (
    Building,
    Community,
    Occupancy,
    ParkingSpace,
    Resident,
    Unit,
    Vehicle,
)
from .workorders.models import Team, TeamMember
from .workorders.standards import load_standards

DEMO_PASSWORD = "demo-pass-2026"
# The residents' portal login (/portal/): the owner of the first unit of the first community.
DEMO_RESIDENT = "resident"
SEED = 20261124

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞鑫宇浩然子涵欣怡梓轩雨萱"
    "思远嘉琪文博晨阳佳怡俊杰一诺若曦宏志建国海燕春梅晓东丹丹志强淑珍秀英德明慧敏婷婷振华"
)
MOBILE_PREFIXES = ("138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "186",
                   "187", "188", "130", "131", "132", "155", "156", "133", "153", "180", "189",
                   "177", "199")
PLATE_LETTERS = "ABCDEFGHJKLMN"


@dataclass(frozen=True)
class DemoCommunity:
    code: str
    name: str
    city: str
    district: str
    address: str
    region_code: str  # first six digits of locals' ID numbers
    plate_prefix: str
    buildings: int
    entrances: int
    floors: int
    flats_per_floor: int


COMMUNITIES = (
    DemoCommunity("JXHY", "锦绣花园", "上海市", "浦东新区", "上海市浦东新区锦绣路1888弄",
                  "310115", "沪", buildings=6, entrances=2, floors=15, flats_per_floor=2),
    DemoCommunity("CHTD", "翠湖天地", "深圳市", "南山区", "深圳市南山区沙河西路3011号",
                  "440305", "粤", buildings=5, entrances=2, floors=12, flats_per_floor=2),
)

# username -> (role, limited to the first community?)
DEMO_USERS = {
    "admin": ("System Manager", False),
    "manager": ("Property Manager", True),
    "cs_supervisor": ("CS Supervisor", False),
    "cs_agent": ("CS Agent", True),
    "frontdesk": ("Front Desk", False),
    "maintenance": ("Maintenance", True),
    "cleaning": ("Cleaning", False),
    "security": ("Security", False),
    "finance": ("Admin & Finance", False),
}
TARGET_RESIDENTS = 900


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.phones: set[str] = set()
        self.ids: set[str] = set()
        self.plates: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def id_number(self, region: str, born_from: int, born_to: int) -> str:
        while True:
            birth = datetime.date(born_from, 1, 1) + datetime.timedelta(
                days=self.rng.randrange((born_to - born_from) * 365))
            first17 = f"{region}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
            number = first17 + id_number_check_code(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def plate(self, prefix: str) -> str:
        while True:
            area = self.rng.choice(PLATE_LETTERS)
            tail = [self.rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5)]
            # A plate's five characters hold at most two letters (沪A·12B3C, never 沪A·BCDEF).
            letters = [i for i, c in enumerate(tail) if c.isalpha()]
            for i in letters[2:]:
                tail[i] = str(ord(tail[i]) % 10)
            plate = prefix + area + "".join(tail)
            if plate not in self.plates:
                self.plates.add(plate)
                return plate

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days))


def demo_loaded() -> bool:
    return Community.objects.filter(code=COMMUNITIES[0].code).exists()


@transaction.atomic
def load_demo(*, seed: int = SEED, today: datetime.date | None = None) -> dict[str, int]:
    """Create the demo communities, registry and users, unless they are already there."""
    if demo_loaded():
        return {}
    load_standards()
    today = today or datetime.date.today()
    gen = _Generator(seed)
    communities, units_by_community = [], {}
    for spec in COMMUNITIES:
        community = Community.objects.create(
            code=spec.code, name=spec.name, city=spec.city, district=spec.district,
            address=spec.address, service_phone=f"0{gen.rng.randrange(20, 99)}-"
                                                f"{gen.rng.randrange(10**7, 10**8)}")
        communities.append(community)
        buildings = bulk_create_with_history(
            [Building(community=community, name=f"{b}栋", floors=spec.floors,
                      entrances=spec.entrances) for b in range(1, spec.buildings + 1)],
            Building)
        units = []
        for building in buildings:
            for entrance in range(1, spec.entrances + 1):
                for floor in range(1, spec.floors + 1):
                    for flat in range(1, spec.flats_per_floor + 1):
                        units.append(Unit(
                            building=building, entrance=str(entrance), floor=floor,
                            number=f"{floor}{flat:02d}",
                            area=Decimal(gen.rng.choice((68, 89, 96, 118, 125, 143)))
                            + Decimal(gen.rng.randrange(100)) / 100,
                        ))
        units_by_community[community.pk] = bulk_create_with_history(units, Unit, batch_size=500)

    residents, occupancies = [], []
    people_per_unit: list[tuple[Unit, Community, DemoCommunity]] = []
    for community, spec in zip(communities, COMMUNITIES, strict=True):
        for unit in units_by_community[community.pk]:
            if gen.rng.random() < 0.86:
                people_per_unit.append((unit, community, spec))
    gen.rng.shuffle(people_per_unit)
    # Owners first, then family members and tenants until the target is reached.
    plan: list[tuple[Unit, Community, DemoCommunity, str]] = [
        (u, c, s, Occupancy.Relation.OWNER) for u, c, s in people_per_unit]
    while len(plan) < TARGET_RESIDENTS:
        unit, community, spec = gen.rng.choice(people_per_unit)
        relation = gen.rng.choice((Occupancy.Relation.FAMILY, Occupancy.Relation.FAMILY,
                                   Occupancy.Relation.TENANT))
        plan.append((unit, community, spec, relation))
    for unit, community, spec, relation in plan:
        local = gen.rng.random() < 0.7
        region = spec.region_code if local else gen.rng.choice(
            ("110105", "320102", "330106", "420106", "510104", "610113"))
        has_id = relation == Occupancy.Relation.OWNER or gen.rng.random() < 0.6
        resident = Resident(
            community=community, name=gen.name(), phone=gen.phone(),
            id_number=gen.id_number(region, 1950, 2004) if has_id else None,
            language=Resident.Language.EN if gen.rng.random() < 0.03 else Resident.Language.ZH_HANS,
        )
        residents.append(resident)
        start = gen.date_between(datetime.date(2012, 1, 1), today - datetime.timedelta(days=30))
        occupancies.append(Occupancy(
            unit=unit, resident=resident, relation=relation, start_date=start,
            is_primary_contact=relation == Occupancy.Relation.OWNER,
        ))
    residents = bulk_create_with_history(residents, Resident, batch_size=500)
    for occupancy, resident in zip(occupancies, residents, strict=True):
        occupancy.resident = resident
    # A few tenants have already moved out: they show in the units' history.
    for occupancy in occupancies:
        if occupancy.relation == Occupancy.Relation.TENANT and gen.rng.random() < 0.3:
            occupancy.end_date = gen.date_between(occupancy.start_date, today)
    bulk_create_with_history(occupancies, Occupancy, batch_size=500)
    occupied = {o.unit.pk for o in occupancies if o.end_date is None}
    Unit.objects.filter(pk__in=occupied).update(status=Unit.Status.OCCUPIED)
    renovating = [u.pk for u in gen.rng.sample(
        [u for units in units_by_community.values() for u in units], 12)]
    Unit.objects.filter(pk__in=renovating).update(status=Unit.Status.RENOVATING)

    vehicles, spaces = [], []
    owners = [o for o in occupancies if o.relation == Occupancy.Relation.OWNER]
    for occupancy in gen.rng.sample(owners, 220):
        community = occupancy.resident.community
        spec = COMMUNITIES[[c.pk for c in communities].index(community.pk)]
        vehicles.append(Vehicle(
            community=community, plate=gen.plate(spec.plate_prefix), owner=occupancy.resident,
            kind=gen.rng.choice((Vehicle.Kind.CAR, Vehicle.Kind.CAR, Vehicle.Kind.EV)),
            brand=gen.rng.choice(("白色大众", "黑色丰田", "银色本田", "蓝色比亚迪", "白色特斯拉",
                                  "灰色理想")),
        ))
    vehicles = bulk_create_with_history(vehicles, Vehicle)
    for community in communities:
        own = [v for v in vehicles if v.community_id == community.pk]
        for i in range(1, 151):
            vehicle = own[i - 1] if i <= len(own) and i % 3 else None
            spaces.append(ParkingSpace(
                community=community, code=f"B1-{i:03d}",
                kind=ParkingSpace.Kind.OWNED if i <= 40 else ParkingSpace.Kind.LEASED,
                status=ParkingSpace.Status.ALLOCATED if vehicle else ParkingSpace.Status.FREE,
                holder=vehicle.owner if vehicle else None, vehicle=vehicle,
                start_date=datetime.date(today.year, 1, 1) if vehicle else None,
                end_date=datetime.date(today.year, 12, 31) if vehicle else None,
            ))
    bulk_create_with_history(spaces, ParkingSpace)

    _create_demo_users(first_community=communities[0])
    orders = _create_demo_work_orders(gen, units=units_by_community[communities[0].pk])
    complaints = _create_demo_complaints(gen, units=units_by_community[communities[0].pk])
    agreements = _create_demo_agreements(communities=communities, today=today)
    incidents = _create_demo_incidents(gen, units=units_by_community[communities[0].pk])
    notices = _create_demo_notices(community=communities[0])
    _create_demo_seasonal_reminders(community=communities[0], today=today)
    _create_demo_claim()
    _create_demo_resident(units=units_by_community[communities[0].pk])
    surveys = _create_demo_survey(gen, community=communities[0], today=today)
    activities = _create_demo_activities(community=communities[0], seed=seed)
    _create_demo_special_services(units=units_by_community[communities[0].pk])
    return {
        "communities": len(communities),
        "units": sum(len(u) for u in units_by_community.values()),
        "residents": len(residents),
        "occupancies": len(occupancies),
        "vehicles": len(vehicles),
        "parking_spaces": len(spaces),
        "users": len(DEMO_USERS),
        "work_orders": orders,
        "complaints": complaints,
        "contracts_and_policies": agreements,
        "incidents": incidents,
        "notices": notices,
        "survey_responses": surveys,
        "activities": activities,
    }


def _create_demo_users(*, first_community: Community) -> None:
    User = get_user_model()
    for username, (role, limited) in DEMO_USERS.items():
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=True,
                                        is_superuser=username == "admin",
                                        first_name=DEMO_NAMES.get(username, ""))
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        profile = StaffProfile.objects.create(user=user, all_communities=not limited)
        if limited:
            profile.communities.add(first_community)
        if username in DEMO_TEAMS:
            TeamMember.objects.create(team=Team.objects.get(code=DEMO_TEAMS[username]),
                                      user=user, is_lead=True)


# The demo staff's names (a Chinese name whole, as staff see it; the login stays the username).
DEMO_NAMES = {"admin": "赵磊", "manager": "李明", "cs_supervisor": "陈静", "cs_agent": "王芳",
              "frontdesk": "刘洋", "maintenance": "张伟", "cleaning": "杨丽", "security": "黄强",
              "finance": "周敏"}

# Demo technicians and the team each works in (each its team's lead).
DEMO_TEAMS = {"maintenance": "maintenance", "cleaning": "cleaning", "security": "security"}

DEMO_REPORTS = {
    "water_leak": ["卫生间天花板漏水", "厨房水管爆裂", "楼上渗水到客厅"],
    "electrical": ["插座没电", "跳闸后无法合闸"],
    "lighting": ["楼道灯不亮", "门厅灯闪烁"],
    "plumbing": ["下水道堵塞", "马桶堵了"],
    "elevator": ["电梯异响", "电梯门关不上"],
    "door_access": ["门禁卡刷不开", "单元门锁坏了"],
    "cleaning": ["楼道有垃圾未清理", "电梯厅地面油污"],
    "appointment": ["预约更换水龙头", "预约检查热水器"],
}


def _create_demo_work_orders(gen: _Generator, *, units) -> int:
    """About forty orders in the first community, at every stage of the pipeline."""
    from django.utils import timezone

    from .workorders import services
    from .workorders.models import WorkOrderCategory

    User = get_user_model()
    agent, supervisor = User.objects.get(username="cs_agent"), User.objects.get(
        username="cs_supervisor")
    technician, cleaner = User.objects.get(username="maintenance"), User.objects.get(
        username="cleaning")
    now = timezone.now()
    stages = ["new", "dispatched", "accepted", "in_progress", "completed", "follow_up",
              "closed", "closed", "cancelled"]
    count = 0
    for i in range(40):
        code = gen.rng.choice(list(DEMO_REPORTS))
        unit = gen.rng.choice(units)
        order = services.create_work_order(
            by=agent, community=unit.building.community, unit=unit,
            channel=gen.rng.choice(["phone", "walk_in", "app", "patrol"]),
            category=WorkOrderCategory.objects.get(code=code),
            description=gen.rng.choice(DEMO_REPORTS[code]),
            reported_at=now - datetime.timedelta(hours=gen.rng.randrange(1, 24 * 20)))
        count += 1
        worker = cleaner if code == "cleaning" else technician
        steps = [("dispatch", agent, {"assignee": worker}), ("accept", worker, {}),
                 ("start", worker, {}), ("complete", worker, {}),
                 ("pass_acceptance", agent, {}), ("close", agent, {})]
        stage = stages[i % len(stages)]
        if stage == "cancelled":
            services.transition_work_order(order_id=order.pk, user=supervisor, action="cancel",
                                           comment="住户已自行修好")
            continue
        for action, user, extra in steps[:stages.index(stage)]:
            services.transition_work_order(order_id=order.pk, user=user, action=action, **extra)
    return count


DEMO_COMPLAINTS = [
    ("noise", "general", "楼上夜间装修噪音", "要求物业制止夜间施工"),
    ("cleaning", "general", "垃圾桶满了两天没人清", "尽快清理并增加清运次数"),
    ("parking", "general", "车位被外来车辆占用", "请安保处理"),
    ("staff_attitude", "major", "前台人员态度恶劣", "要求道歉"),
    ("fees", "general", "物业费账单有误", "核对并更正"),
    ("security", "major", "单元门禁损坏导致陌生人进入", "尽快修复并加强巡逻"),
]


def _create_demo_complaints(gen: _Generator, *, units) -> int:
    """A handful of complaints in the first community, from just received to closed."""
    from .complaints import services

    User = get_user_model()
    desk, supervisor, manager, agent = (User.objects.get(username=u) for u in (
        "frontdesk", "cs_supervisor", "manager", "cs_agent"))
    for i, (category, severity, content, request) in enumerate(DEMO_COMPLAINTS):
        unit = gen.rng.choice(units)
        complaint = services.create_complaint(
            by=desk, community=unit.building.community, unit=unit, channel="phone",
            category=category, severity=severity, content=content, request=request,
            emotional=severity == "major")
        steps = i  # the first stays received, the last goes furthest
        if steps >= 1:
            services.transition_complaint(complaint_id=complaint.pk, user=desk, action="assign",
                                          supervisor=supervisor)
        if steps >= 2:
            services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                          action="contact")
        if steps >= 3:
            services.record_answer(complaint_id=complaint.pk, user=supervisor,
                                   answer="已与住户沟通，正在处理")
            if severity == "major":
                services.acknowledge_major(complaint_id=complaint.pk, user=manager)
            services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                          action="agree_plan", comment="与住户商定处理方案")
        if steps >= 4:
            services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                          action="resolve", comment="已处理完毕")
        if steps >= 5:
            services.record_follow_up(complaint_id=complaint.pk, user=agent, satisfied=True,
                                      satisfaction=4)
    return len(DEMO_COMPLAINTS)


# (community index, kind, number, counterparty, value, days from today to the end, state)
DEMO_CONTRACTS = [
    (0, "property_service", "JXHY-WY-2024-001", "锦绣花园业主委员会", "3860000.00", 150, "active"),
    (0, "vendor_maintenance", "JXHY-DT-2025-003", "上海三菱电梯有限公司", "186000.00", 25,
     "negotiating"),
    (0, "cleaning", "JXHY-BJ-2026-002", "上海洁净保洁服务有限公司", "420000.00", 400, "active"),
    (0, "security", "JXHY-BA-2025-004", "上海卫安保安服务有限公司", "960000.00", -5, "active"),
    (1, "property_service", "CHTD-WY-2023-001", "春华天地业主委员会", "2950000.00", 320,
     "active"),
    (1, "parking_lease", "CHTD-CW-2026-007", "上海春华停车管理有限公司", "240000.00", 6,
     "active"),
]
# (community index, kind, policy number, insurer, sum insured, premium, days to the end)
DEMO_POLICIES = [
    (0, "public_liability", "PA-2026-310115-0081", "中国平安财产保险股份有限公司", "5000000.00",
     "18600.00", 80),
    (0, "equipment", "CPIC-2026-DT-0532", "中国太平洋财产保险股份有限公司", "3000000.00",
     "12400.00", 300),
    (1, "property", "PICC-2026-CC-1207", "中国人民财产保险股份有限公司", "80000000.00",
     "56000.00", 170),
]


def _create_demo_agreements(*, communities, today: datetime.date) -> int:
    """Contracts and policies at every distance from their end, then the renewal scan as the
    nightly job would run it (so the reminders and the expired contract are there)."""
    from .contracts.models import Contract
    from .insurance.models import InsurancePolicy
    from .renewals import services
    from .renewals.scan import run_renewal_scan

    User = get_user_model()
    finance, manager = User.objects.get(username="finance"), User.objects.get(username="manager")

    def enter(model, spec: dict, days_left: int, state: str = "active"):
        end = today + datetime.timedelta(days=days_left)
        first = spec["community"] == communities[0]
        agreement = services.create_agreement(
            model=model, by=finance, start_date=end - datetime.timedelta(days=3 * 365 - 1),
            end_date=end, responsible=manager if first else finance, **spec)
        approver = manager if first else User.objects.get(username="admin")
        actions = ["activate", "negotiate"] if state == "negotiating" else ["activate"]
        for action in actions:
            services.transition_agreement(model=model, pk=agreement.pk, user=approver,
                                          action=action)

    for index, kind, number, counterparty, value, days_left, state in DEMO_CONTRACTS:
        enter(Contract, {"community": communities[index], "kind": kind, "number": number,
                         "counterparty": counterparty, "value": value}, days_left, state)
    for index, kind, number, insurer, sum_insured, premium, days_left in DEMO_POLICIES:
        enter(InsurancePolicy, {"community": communities[index], "kind": kind,
                                "policy_number": number, "insurer": insurer,
                                "sum_insured": sum_insured, "premium": premium}, days_left)
    run_renewal_scan(today=today)
    return len(DEMO_CONTRACTS) + len(DEMO_POLICIES)


def _create_demo_incidents(gen: _Generator, *, units) -> int:
    """Three incidents in the first community: a lift entrapment being handled, a power cut
    with its outage notice drafted, and a small fire whose report the manager approved."""
    from django.utils import timezone

    from .incidents import services
    from .workorders.models import WorkOrderCategory

    User = get_user_model()
    guard, manager = User.objects.get(username="security"), User.objects.get(username="manager")
    now = timezone.now()
    unit = gen.rng.choice(units)
    building = unit.building

    lift = services.create_incident(
        by=guard, community=building.community, kind="elevator_entrapment",
        location=f"{building.name} 1单元 1号电梯", units=[unit], people_affected=2,
        reported_at=now - datetime.timedelta(hours=2))
    for step in lift.checklist.all()[:4]:
        services.tick_checklist_item(incident_id=lift.pk, item_id=step.pk, user=guard)
    for minutes, text in ((3, "对讲联系轿厢，两名住户情绪稳定"),
                          (28, "维保公司到场，开门救出被困人员")):
        services.add_timeline_entry(incident_id=lift.pk, user=guard, text=text,
                                    at=lift.reported_at + datetime.timedelta(minutes=minutes))
    services.update_incident(incident_id=lift.pk, user=guard,
                             contained_at=lift.reported_at + datetime.timedelta(minutes=28),
                             summary="1号电梯停在9层与10层之间，两名住户被困约25分钟，无人受伤。")
    services.transition_incident(incident_id=lift.pk, user=guard, action="contain")
    services.raise_work_orders(incident_id=lift.pk, user=guard,
                               category=WorkOrderCategory.objects.get(code="elevator"),
                               description="困人故障后全面检修")

    power = services.create_incident(
        by=guard, community=building.community, kind="power_cut", location="2号配电房",
        buildings=[building], people_affected=180,
        reported_at=now - datetime.timedelta(minutes=40))
    services.tick_checklist_item(incident_id=power.pk, item_id=power.checklist.first().pk,
                                 user=guard)
    services.raise_outage_notice(incident_id=power.pk, user=guard)

    fire = services.create_incident(
        by=guard, community=building.community, kind="fire", location="地下车库电动车充电区",
        people_affected=0, reported_at=now - datetime.timedelta(days=6))
    for step in fire.checklist.all():
        services.tick_checklist_item(incident_id=fire.pk, item_id=step.pk, user=guard)
    for minutes, text in ((2, "巡逻保安发现充电区冒烟，报告监控中心"),
                          (12, "明火扑灭，切断充电区电源")):
        services.add_timeline_entry(incident_id=fire.pk, user=guard, text=text,
                                    at=fire.reported_at + datetime.timedelta(minutes=minutes))
    services.update_incident(
        incident_id=fire.pk, user=guard,
        contained_at=fire.reported_at + datetime.timedelta(minutes=12),
        summary="一辆电动自行车充电时电池起火，巡逻保安发现后用灭火器扑灭，12分钟内控制。",
        actions_taken="拨打119，疏散车库人员，使用两具干粉灭火器扑救，切断充电区电源。",
        injuries_damage="无人员受伤；一辆电动车烧毁，充电桩一处损坏。",
        cause="电动车电池老化，充电时短路。",
        corrective_actions="更换损坏充电桩；充电区加装自动灭火装置；向住户发放电动车安全充电提示。")
    services.transition_incident(incident_id=fire.pk, user=guard, action="contain")
    services.transition_incident(incident_id=fire.pk, user=guard, action="draft_report")
    services.transition_incident(incident_id=fire.pk, user=manager, action="approve",
                                 comment="处理及时，整改措施同意")
    return 3


def _create_demo_notices(*, community) -> int:
    """Two notices besides the drafted outage notice: one published, one draft."""
    from .notices import services

    User = get_user_model()
    desk, supervisor = User.objects.get(username="frontdesk"), User.objects.get(
        username="cs_supervisor")
    tank = services.create_notice(
        by=desk, community=community, kind="service", title="二次供水水箱清洗通知",
        body="各位住户：本周六9:00-12:00清洗二次供水水箱，期间暂停供水，请提前储水。")
    services.transition_notice(notice_id=tank.pk, user=supervisor, action="publish")
    services.create_notice(
        by=desk, community=community, kind="major_matter", title="关于召开业主大会的公告",
        body="定于下月15日召开业主大会，审议物业服务合同续签事宜。")
    return 2


def _create_demo_seasonal_reminders(*, community, today: datetime.date) -> None:
    """The first community's own reminder dates, one of them three days ahead, and the drafts
    the daily job writes for them (and for a holiday near ``today``) awaiting approval."""
    from .seasonal.jobs import draft_seasonal_notices
    from .seasonal.models import GreetingTemplate, SeasonalReminder

    soon = today + datetime.timedelta(days=3)
    for code, name, month, day in (("typhoon_season", "台风季防汛防台", 7, 1),
                                   ("summer_water_safety", "暑期防溺水", 7, 10),
                                   ("winter_fire_safety", "冬季消防安全", soon.month, soon.day)):
        template = GreetingTemplate.objects.get(community=None, code=code)
        SeasonalReminder.objects.create(community=community, name=name, template=template,
                                        month=month, day=day)
    draft_seasonal_notices(today=today)


def _create_demo_claim() -> None:
    """The burnt-out electric bike of the demo fire, claimed on the public liability policy."""
    from .incidents.models import Incident
    from .insurance import claims
    from .insurance.models import InsurancePolicy

    User = get_user_model()
    finance, manager = User.objects.get(username="finance"), User.objects.get(username="manager")
    fire = Incident.objects.get(kind="fire")
    claim = claims.create_claim(
        by=finance, policy=InsurancePolicy.objects.get(policy_number="PA-2026-310115-0081"),
        incident=fire, loss_date=timezone.localdate(fire.reported_at),
        description="地下车库电动车充电区起火：一辆电动车烧毁，充电桩一处损坏。",
        amount_claimed="12800.00")
    claims.transition_claim(claim_id=claim.pk, user=manager, action="submit",
                            insurer_reference="PA-LP-2026-11-0087")


def _create_demo_resident(*, units) -> None:
    """A portal login for the owner of the first unit, with a repair reported in the portal
    and another one repaired and waiting for their acceptance; and an invitation code for the
    next unit."""
    from .portal import services as portal
    from .workorders import services
    from .workorders.models import WorkOrderCategory

    User = get_user_model()
    unit = units[0]
    owner = Occupancy.objects.filter(unit=unit, relation=Occupancy.Relation.OWNER).first()
    account = portal.create_account(by=None, resident=owner.resident, username=DEMO_RESIDENT,
                                    password=DEMO_PASSWORD)
    agent, technician = (User.objects.get(username=u) for u in ("cs_agent", "maintenance"))
    portal.report_repair(user=account.user, unit_id=unit.pk,
                         category=WorkOrderCategory.objects.get(code="lighting"),
                         description="阳台灯不亮，换了灯泡也不行")
    done = portal.report_repair(user=account.user, unit_id=unit.pk,
                                category=WorkOrderCategory.objects.get(code="plumbing"),
                                description="厨房下水道堵塞")
    for action, user, extra in (("dispatch", agent, {"assignee": technician}),
                                ("accept", technician, {}), ("start", technician, {}),
                                ("complete", technician, {})):
        services.transition_work_order(order_id=done.pk, user=user, action=action, **extra)
    portal.create_invitation(by=agent, unit=units[1])


def _create_demo_survey(gen: _Generator, *, community, today: datetime.date) -> int:
    """This quarter's satisfaction survey of the first community, open, with about a fifth of
    its households' answers taken by phone and on paper (the demo resident's household has
    not answered yet: they can, in the portal)."""
    from .surveys import services
    from .surveys.models import Questionnaire
    from .surveys.quarters import quarter_of

    User = get_user_model()
    supervisor, agent = (User.objects.get(username=u) for u in ("cs_supervisor", "cs_agent"))
    questionnaire = Questionnaire.objects.get(code="quarterly")
    survey = services.survey_create(by=supervisor, community=community,
                                    questionnaire=questionnaire, period=quarter_of(today))
    services.survey_transition(survey_id=survey.pk, user=supervisor, action="open")
    questions = list(questionnaire.questions.prefetch_related("options"))
    comments = ["电梯高峰期等待时间太长", "希望增加儿童游乐设施", "夜间巡逻很到位，感谢",
                "垃圾分类点的清运可以更及时", "客服态度很好"]
    resident_unit = Occupancy.objects.filter(
        resident__portal_account__isnull=False).values_list("unit_id", flat=True).first()
    units = [r.unit for r in survey.recipients.select_related("unit").order_by("unit_id")
             if r.unit_id != resident_unit]
    answered = 0
    for unit in gen.rng.sample(units, min(len(units), max(1, len(units) // 5))):
        mood = gen.rng.choice((5, 5, 4, 4, 4, 3, 2))
        answers = []
        for q in questions:
            if q.kind == "scale_5":
                answers.append({"question": q.pk, "value": max(1, min(5, mood + gen.rng.choice(
                    (-1, 0, 0, 1))))})
            elif q.kind == "scale_10":
                answers.append({"question": q.pk, "value": min(10, mood * 2)})
            elif q.kind == "choice":
                options = list(q.options.all())
                answers.append({"question": q.pk,
                                "option": options[min(len(options) - 1, 5 - mood)].pk})
            elif gen.rng.random() < 0.3:
                answers.append({"question": q.pk, "text": gen.rng.choice(comments)})
        services.survey_record_response(by=agent, survey_id=survey.pk, unit=unit,
                                        channel=gen.rng.choice(("phone", "paper")),
                                        answers=answers)
        answered += 1
    return answered


def _create_demo_activities(*, community, seed: int) -> int:
    """Three community activities: a Mid-Autumn party held three weeks ago, closed with its
    attendance and feedback (its figures show on its page); a family day published for
    sign-up; a health talk still planned, waiting for the manager."""
    from .activities import services
    from .activities.models import Activity, ActivityEvent, ActivityFeedback, ActivitySignup

    rng = random.Random(seed + 17)  # its own stream: the rest of the demo stays as it was
    User = get_user_model()
    agent, manager = User.objects.get(username="cs_agent"), User.objects.get(username="manager")
    zone = timezone.get_current_timezone()
    today = timezone.localdate()

    def moment(day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)

    held_on = today - datetime.timedelta(days=21)
    party = Activity.objects.create(
        community=community, title="中秋赏月会", title_en="Mid-Autumn moon party",
        description="赏月、猜灯谜、品月饼，欢迎全家参加。", place="中心花园",
        starts_at=moment(held_on, 19), ends_at=moment(held_on, 21),
        signup_closes_at=moment(held_on - datetime.timedelta(days=2), 18), capacity=400,
        household_limit=4, state="closed", created_by=agent, published_by=manager,
        published_at=moment(held_on - datetime.timedelta(days=35), 10),
        held_at=moment(held_on, 21), closed_at=moment(held_on + datetime.timedelta(days=7), 10))
    units = list(Unit.objects.filter(building__community=community,
                                     status=Unit.Status.OCCUPIED).order_by("pk"))
    signups = []
    for unit in rng.sample(units, min(len(units), 120)):
        people = rng.randint(1, 4)
        came = rng.random() < 0.9
        signups.append(ActivitySignup(
            activity=party, unit=unit, people=people, channel=rng.choice(("portal", "desk")),
            signed_up_at=party.published_at + datetime.timedelta(days=rng.randint(1, 30)),
            attendance="attended" if came else "no_show",
            attended_people=people if came else None, recorded_by=agent))
    signups = bulk_create_with_history(signups, ActivitySignup)
    feedback = []
    for signup in signups:
        if signup.attendance == "attended" and rng.random() < 0.7:
            rating = rng.choice((7, 8, 8, 9, 9, 9, 10, 10))
            feedback.append(ActivityFeedback(
                signup=signup, rating=rating, satisfied=rating >= 7 and rng.random() < 0.97,
                channel=signup.channel, given_at=party.ends_at + datetime.timedelta(days=1),
                recorded_by=agent if signup.channel == "desk" else None))
    bulk_create_with_history(feedback, ActivityFeedback)
    for action, by, at, to_state in (("created", agent, party.published_at, "planned"),
                                     ("publish", manager, party.published_at, "published"),
                                     ("mark_held", agent, party.held_at, "held"),
                                     ("close", agent, party.closed_at, "closed")):
        ActivityEvent.objects.create(activity=party, action=action, by=by, at=at,
                                     to_state=to_state)

    family_day = today + datetime.timedelta(days=40)
    day = services.activity_create(
        by=agent, community=community, title="亲子运动会", title_en="Family sports day",
        description="亲子接力、趣味投篮，小朋友须由家长陪同。", place="小区篮球场",
        starts_at=moment(family_day, 9), ends_at=moment(family_day, 12),
        signup_closes_at=moment(family_day - datetime.timedelta(days=3), 18), capacity=120,
        household_limit=3)
    services.transition_activity(activity_id=day.pk, user=manager, action="publish")
    talk_day = today + datetime.timedelta(days=50)
    services.activity_create(
        by=agent, community=community, title="急救知识讲座", title_en="First-aid talk",
        description="社区医院医生讲解心肺复苏和常见急救。", place="会所二楼",
        starts_at=moment(talk_day, 14), ends_at=moment(talk_day, 16),
        signup_closes_at=moment(talk_day - datetime.timedelta(days=2), 18), capacity=60,
        household_limit=2)
    return 3


def _create_demo_special_services(*, units) -> None:
    """The demo resident's paid special services: indoor repairs quoted on site and waiting
    for their answer in the portal, and a home cleaning done, charged, paid, accepted and
    followed up."""
    from .specialservices import services
    from .specialservices.models import SpecialService
    from .workorders import services as work_orders

    User = get_user_model()
    account = User.objects.get(username=DEMO_RESIDENT)
    agent, technician, cleaner, desk = (User.objects.get(username=u) for u in (
        "cs_agent", "maintenance", "cleaning", "frontdesk"))
    unit = units[0]
    repair = services.order_special_service(
        by=account, unit=unit, notes="卧室衣柜门铰链松脱，需要更换",
        service_id=SpecialService.objects.get(community=None, code="indoor_repair").pk)
    work_orders.transition_work_order(order_id=repair.work_order_id, user=agent,
                                      action="dispatch", assignee=technician)
    work_orders.transition_work_order(order_id=repair.work_order_id, user=technician,
                                      action="accept")
    services.quote(order_id=repair.pk, user=technician, amount="180", note="更换两副铰链，含材料")
    cleaning = services.order_special_service(
        by=desk, unit=unit, resident=account.resident_account.resident, channel="phone",
        notes="搬家前全屋保洁", service_id=SpecialService.objects.get(
            community=None, code="home_cleaning").pk)
    for action, user in (("dispatch", agent), ("take", cleaner), ("start", cleaner),
                         ("complete", cleaner)):
        work_orders.transition_work_order(order_id=cleaning.work_order_id, user=user,
                                          action=action)
    services.record_charge(order_id=cleaning.pk, user=cleaner, amount="135", quantity="3")
    services.record_payment(order_id=cleaning.pk, user=agent, method="wechat")
    work_orders.transition_work_order(order_id=cleaning.work_order_id, user=account,
                                      action="pass_acceptance")
    work_orders.record_follow_up(order_id=cleaning.work_order_id, user=agent, answered=True,
                                 result="fixed", satisfaction=5, note="打扫得很干净")
