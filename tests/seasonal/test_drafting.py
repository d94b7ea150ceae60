"""Greetings before the statutory holidays and reminders on the communities' own dates: drafted
by the daily job N days ahead, once; approved, published as a notice residents see."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.models import Notification
from property_service.notices.models import Notice
from property_service.notices.states import State as NoticeState
from property_service.seasonal import services
from property_service.seasonal.jobs import draft_seasonal_notices
from property_service.seasonal.models import GreetingTemplate, ScheduledNotice, SeasonalReminder
from property_service.seasonal.states import State

from tests.workorders.conftest import at

D = datetime.date
NATIONAL_DAY = "holiday:national_day"  # 2026-10-01 to 10-07 in the shipped 2026 notice


def run(clock, day: str):
    clock.set(f"{day} 00:40")
    return draft_seasonal_notices(today=datetime.date.fromisoformat(day))


def drafts(community, key=NATIONAL_DAY):
    return list(ScheduledNotice.objects.filter(community=community, occasion_key=key))


def approval_notes(user):
    kind = ContentType.objects.get_for_model(ScheduledNotice)
    return list(Notification.objects.filter(user=user, kind="notice_approval", target_type=kind)
                .values_list("target_id", flat=True))


def test_the_greeting_is_drafted_five_days_ahead_exactly_once_for_each_community(
        clock, place_a, place_b, manager, supervisor, agent, manager_b):
    run(clock, "2026-09-25")
    assert drafts(place_a.community) == drafts(place_b.community) == []
    run(clock, "2026-09-26")
    second = run(clock, "2026-09-26")
    assert second == {"holidays": 0, "reminders": 0}
    run(clock, "2026-09-27")  # the next day's run: still one
    (draft,) = drafts(place_a.community)
    (draft_b,) = drafts(place_b.community)
    assert (draft.state, draft.year, draft.starts_on, draft.ends_on) == (
        State.PENDING, 2026, D(2026, 10, 1), D(2026, 10, 7))
    assert draft.title == "Happy National Day from Community AAA"
    assert "from 1 October 2026 to 7 October 2026 (7 days)" in draft.body
    assert [e.action for e in draft.events.all()] == ["drafted"]
    # The community's managers and supervisors are told, once; the agents are not; community
    # B's manager only of B's draft.
    assert approval_notes(manager).count(draft.pk) == 1
    assert approval_notes(supervisor).count(draft.pk) == 1
    assert approval_notes(agent) == []
    assert draft.pk not in approval_notes(manager_b) and draft_b.pk in approval_notes(manager_b)
    # Residents see nothing before approval.
    assert not Notice.objects.exists()


def test_a_holiday_already_begun_is_not_greeted_late(clock, place_a):
    run(clock, "2026-10-02")
    assert drafts(place_a.community) == []


def test_approval_publishes_the_notice_the_residents_of_that_community_see(
        client, clock, place_a, place_b, manager, resident_a, resident_b):
    run(clock, "2026-09-26")
    (draft,) = drafts(place_a.community)
    clock.set("2026-09-27 10:00")
    draft = services.scheduled_notice_transition(draft_id=draft.pk, user=manager,
                                                 action="approve")
    notice = draft.notice
    assert draft.state == State.PUBLISHED and draft.decided_by == manager
    assert (notice.state, notice.community_id, notice.title, notice.body) == (
        NoticeState.PUBLISHED, place_a.community.pk, draft.title, draft.body)
    assert notice.published_by == manager and notice.expire_at == at("2026-10-08 00:00")
    # Published by the notices' own service: its log says so.
    assert [e.action for e in notice.events.all()] == ["created", "publish"]
    client.force_login(resident_a)
    assert draft.title in client.get(reverse("portal:notices")).content.decode()
    client.force_login(resident_b)
    assert draft.title not in client.get(reverse("portal:notices")).content.decode()
    with pytest.raises(NotAllowed):
        services.scheduled_notice_transition(draft_id=draft.pk, user=manager,
                                             action="approve")
    assert Notice.objects.count() == 1


def test_only_the_communitys_approvers_may_approve_and_a_rejection_needs_a_reason(
        clock, place_a, place_b, agent, supervisor, manager_b):
    run(clock, "2026-09-26")
    (draft,) = drafts(place_a.community)
    for user in (agent, manager_b):
        with pytest.raises(NotAllowed):
            services.scheduled_notice_transition(draft_id=draft.pk, user=user,
                                                 action="approve")
    with pytest.raises(ActionError, match="comment is required"):
        services.scheduled_notice_transition(draft_id=draft.pk, user=supervisor,
                                             action="reject")
    assert ScheduledNotice.objects.get(pk=draft.pk).state == State.PENDING
    draft = services.scheduled_notice_transition(draft_id=draft.pk, user=supervisor,
                                                 action="reject", comment="今年另发通知")
    assert (draft.state, draft.reject_reason, draft.notice) == (State.REJECTED, "今年另发通知",
                                                                None)
    assert not Notice.objects.exists()


def test_a_community_sets_its_own_reminder_date_and_its_own_text(
        clock, place_a, place_b, manager):
    typhoon = GreetingTemplate.objects.get(code="typhoon_season", community=None)
    reminder = SeasonalReminder.objects.create(community=place_a.community, name="台风季防汛",
                                               template=typhoon, month=7, day=1)
    company = GreetingTemplate.objects.get(code="national_day", community=None)
    GreetingTemplate.objects.create(
        community=place_a.community, code="national_day", occasion="holiday", lead_days=8,
        name_zh="国庆", name_en="National Day", title_zh="{community}国庆通知",
        body_zh="{start}起放假",
        title_en="{community}: {occasion} notice", body_en="Off from {start}.")
    assert run(clock, "2026-06-25") == {"holidays": 0, "reminders": 0}
    assert run(clock, "2026-06-26") == {"holidays": 0, "reminders": 1}
    assert run(clock, "2026-06-27")["reminders"] == 0
    (draft,) = drafts(place_a.community, key=f"reminder:{reminder.pk}")
    assert draft.reminder == reminder and draft.starts_on == D(2026, 7, 1)
    assert draft.title == "Community AAA: typhoon season safety reminder"
    assert not ScheduledNotice.objects.filter(community=place_b.community).exists()
    # Community A's own template: its own lead (8 days) and text; B keeps the company's.
    run(clock, "2026-09-23")
    (own,) = drafts(place_a.community)
    assert (own.template.community_id, own.title, own.body) == (
        place_a.community.pk, "Community AAA: National Day notice", "Off from 1 October 2026.")
    assert drafts(place_b.community) == []
    run(clock, "2026-09-26")
    (company_draft,) = drafts(place_b.community)
    assert company_draft.template == company
    assert len(drafts(place_a.community)) == 1


def test_an_inactive_community_or_reminder_gets_nothing(clock, place_a, place_b):
    typhoon = GreetingTemplate.objects.get(code="typhoon_season", community=None)
    SeasonalReminder.objects.create(community=place_a.community, name="台风季",
                                    template=typhoon, month=7, day=1, is_active=False)
    place_b.community.is_active = False
    place_b.community.save()
    run(clock, "2026-06-28")
    run(clock, "2026-09-26")
    assert not ScheduledNotice.objects.filter(occasion_key__startswith="reminder:").exists()
    assert drafts(place_b.community) == [] and len(drafts(place_a.community)) == 1


def test_the_draft_is_written_in_chinese_on_a_chinese_site(clock, settings, place_a):
    settings.LANGUAGE_CODE = "zh-hans"
    run(clock, "2026-09-26")
    (draft,) = drafts(place_a.community)
    assert draft.language == "zh-hans"
    assert draft.title == "Community AAA恭祝全体业主国庆节快乐"
    assert "2026年10月1日至2026年10月7日放假7天" in draft.body
    assert "{" not in draft.body


def test_a_draft_is_rewritten_before_approval_only(clock, place_a, manager, agent):
    run(clock, "2026-09-26")
    (draft,) = drafts(place_a.community)
    with pytest.raises(NotAllowed):
        services.scheduled_notice_correct(draft_id=draft.pk, user=agent, title="x", body="y")
    with pytest.raises(ActionError):
        services.scheduled_notice_correct(draft_id=draft.pk, user=manager, title=" ", body="y")
    draft = services.scheduled_notice_correct(draft_id=draft.pk, user=manager,
                                              title="国庆快乐", body=draft.body)
    assert [e.action for e in draft.events.all()] == ["drafted", "corrected"]
    services.scheduled_notice_transition(draft_id=draft.pk, user=manager, action="approve")
    assert Notice.objects.get().title == "国庆快乐"
    with pytest.raises(ActionError):
        services.scheduled_notice_correct(draft_id=draft.pk, user=manager, title="改",
                                          body="改")


def test_the_job_is_scheduled_daily():
    from django.utils.module_loading import import_string
    from property_service.schedules import SCHEDULES

    job = next(j for j in SCHEDULES if j.func.endswith("seasonal.jobs.draft_seasonal_notices"))
    assert job.schedule_type == "D" and import_string(job.func) is draft_seasonal_notices
