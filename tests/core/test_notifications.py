"""Notifications: stored once per user and key, emailed once after commit, each user's own in the
back office and the API."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError
from django.test import RequestFactory
from django.urls import include, path, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from property_service.api.notifications import NotificationViewSet
from property_service.core import notifications
from property_service.core.models import Notification
from property_service.core.notifications import (
    account_links,
    mark_read,
    notify,
    unread_badge,
    unread_count,
)
from rest_framework.routers import DefaultRouter

from tests.helpers import admin_url

ASSIGNED = Notification.Kind.ASSIGNED
CONTRACT_FIELDS = {"kind", "message", "created_at", "read", "target_type", "target_id"}


@pytest.fixture
def alice(make_staff):
    return make_staff("Cleaning", username="alice", email="alice@example.com")


@pytest.fixture
def bob(make_staff):
    return make_staff("Cleaning", username="bob", email="bob@example.com")


def test_notify_creates_one_row_per_user(alice, bob, place_a):
    created = notify(users=[alice, bob, alice, None], kind=ASSIGNED, message="Unit 301: leak",
                     target=place_a.unit)
    assert [n.user for n in created] == [alice, bob]
    assert Notification.objects.count() == 2
    row = Notification.objects.get(user=alice)
    assert row.kind == ASSIGNED and row.message == "Unit 301: leak" and not row.read
    assert row.target_type == ContentType.objects.get_for_model(place_a.unit)
    assert row.target_id == place_a.unit.pk


def test_the_same_dedupe_key_notifies_a_user_once(alice, bob):
    first = notify(users=[alice], kind=ASSIGNED, message="m", dedupe_key="order-1:assigned")
    assert len(first) == 1
    assert notify(users=[alice], kind=ASSIGNED, message="m", dedupe_key="order-1:assigned") == []
    again = notify(users=[alice, bob], kind=ASSIGNED, message="m", dedupe_key="order-1:assigned")
    assert [n.user for n in again] == [bob]
    assert Notification.objects.filter(user=alice).count() == 1


def test_a_duplicate_stored_concurrently_is_skipped_not_raised(alice, monkeypatch):
    notify(users=[alice], kind=ASSIGNED, message="m", dedupe_key="k")
    # As if another process stored the key between our check and our insert.
    real_filter = Notification.objects.filter
    monkeypatch.setattr(Notification.objects, "filter", lambda **kw: real_filter(pk=-1))
    assert notify(users=[alice], kind=ASSIGNED, message="m", dedupe_key="k") == []
    monkeypatch.undo()
    assert Notification.objects.filter(user=alice).count() == 1


def test_without_a_dedupe_key_every_call_notifies(alice):
    notify(users=[alice], kind=ASSIGNED, message="m")
    notify(users=[alice], kind=ASSIGNED, message="m")
    assert Notification.objects.filter(user=alice).count() == 2


def test_the_database_refuses_a_second_row_with_the_same_key(alice):
    notify(users=[alice], kind=ASSIGNED, message="m", dedupe_key="k")
    with pytest.raises(IntegrityError):
        Notification.objects.create(user=alice, kind=ASSIGNED, message="m", dedupe_key="k")


def test_inactive_users_get_nothing(make_staff, alice):
    gone = make_staff("Cleaning", is_active=False, email="gone@example.com")
    assert [n.user for n in notify(users=[gone, alice], kind=ASSIGNED, message="m")] == [alice]
    assert not Notification.objects.filter(user=gone).exists()


def test_an_unknown_kind_is_a_programming_error(alice):
    with pytest.raises(ValueError):
        notify(users=[alice], kind="nonsense", message="m")


def test_an_email_is_sent_once_after_commit(alice, mailoutbox,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (created,) = notify(users=[alice], kind=ASSIGNED,
                            message="Work order 12 assigned to you\nUnit 301, leaking pipe",
                            dedupe_key="wo-12")
        assert mailoutbox == []  # nothing before the commit
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "Notification: Work order 12 assigned to you"
    assert "leaking pipe" in mail.body
    created.refresh_from_db()
    assert created.emailed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[alice], kind=ASSIGNED, message="again", dedupe_key="wo-12")
    assert len(mailoutbox) == 1


def test_users_without_an_email_get_no_mail(make_staff, mailoutbox,
                                            django_capture_on_commit_callbacks):
    user = make_staff("Cleaning", email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (created,) = notify(users=[user], kind=ASSIGNED, message="m")
    assert callbacks == [] and mailoutbox == []
    created.refresh_from_db()
    assert created.emailed_at is None


def test_a_failing_mail_server_fails_nothing_and_leaves_the_mail_unsent(
        alice, bob, mailoutbox, monkeypatch, django_capture_on_commit_callbacks):
    real_send_mail = notifications.send_mail

    def flaky_send_mail(subject, message, from_email, recipient_list, **kwargs):
        if recipient_list == ["alice@example.com"]:
            raise OSError("mail server down")
        return real_send_mail(subject, message, from_email, recipient_list, **kwargs)

    monkeypatch.setattr(notifications, "send_mail", flaky_send_mail)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[alice, bob], kind=ASSIGNED, message="m")
    assert [m.to for m in mailoutbox] == [["bob@example.com"]]
    assert Notification.objects.get(user=alice).emailed_at is None
    assert Notification.objects.get(user=bob).emailed_at is not None


def test_only_the_owner_marks_a_notification_read_and_only_once(alice, bob):
    (notification,) = notify(users=[alice], kind=ASSIGNED, message="m")
    with pytest.raises(Notification.DoesNotExist):
        mark_read(user=bob, notification_id=notification.pk)
    with pytest.raises(Notification.DoesNotExist):
        mark_read(user=alice, notification_id=notification.pk + 1000)
    first = mark_read(user=alice, notification_id=notification.pk).read_at
    assert first is not None
    assert mark_read(user=alice, notification_id=notification.pk).read_at == first
    assert unread_count(alice) == 0


def test_the_unread_count_is_the_users_own(alice, bob):
    notify(users=[alice, bob], kind=ASSIGNED, message="one")
    (second,) = notify(users=[alice], kind=ASSIGNED, message="two")
    assert (unread_count(alice), unread_count(bob)) == (2, 1)
    mark_read(user=alice, notification_id=second.pk)
    assert unread_count(alice) == 1


def test_the_unread_badge_shows_the_callers_count_or_nothing(alice, bob):
    request = RequestFactory().get("/admin/")
    request.user = alice
    assert unread_badge(request) == ""
    notify(users=[alice, alice], kind=ASSIGNED, message="one")
    notify(users=[alice, bob], kind=ASSIGNED, message="two")
    assert unread_badge(request) == 2


def test_a_pile_of_unread_notifications_is_counted_only_up_to_the_cap(alice, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(notifications, "UNREAD_CAP", 3)
    request = RequestFactory().get("/admin/")
    request.user = alice
    for n in range(3):
        notify(users=[alice], kind=ASSIGNED, message=f"message {n}")
    assert unread_badge(request) == 3
    notify(users=[alice], kind=ASSIGNED, message="one more")
    with CaptureQueriesContext(connection) as queries:
        assert unread_badge(request) == "3+"
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "LIMIT 4" in sql


def test_the_user_menu_links_to_the_notifications_with_the_unread_count(client, alice):
    notify(users=[alice], kind=ASSIGNED, message="one")
    request = RequestFactory().get("/admin/")
    request.user = alice
    links = account_links(request)
    assert links[0] == {"title": "Notifications (1 unread)",
                        "link": admin_url("notification", "changelist")}
    assert links[1]["link"] == reverse("admin:password_change")  # unfold's default stays
    client.force_login(alice)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Notifications (1 unread)" in page


# The back office


def test_the_admin_list_shows_only_the_callers_notifications(client, make_staff, place_a):
    me, other = make_staff("Cleaning"), make_staff("Cleaning")
    (mine,) = notify(users=[me], kind=ASSIGNED, message="mine about the unit",
                     target=place_a.unit)
    notify(users=[other], kind=ASSIGNED, message="someone else's")
    client.force_login(me)
    response = client.get(admin_url("notification", "changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "mine about the unit" in page and "someone else" not in page
    # The record is named by its kind and number, and opening it marks the notification read.
    assert f'href="{admin_url("notification", "open", mine.pk)}">Unit 301</a>' in page
    opened = client.get(admin_url("notification", "open", mine.pk))
    assert opened.url == admin_url("unit", "change", place_a.unit.pk)


def test_superusers_too_see_only_their_own_notifications(client, make_staff):
    boss, other = make_staff(None, is_superuser=True), make_staff("Cleaning")
    notify(users=[boss], kind=ASSIGNED, message="for the boss")
    (theirs,) = notify(users=[other], kind=ASSIGNED, message="someone else's")
    client.force_login(boss)
    page = client.get(admin_url("notification", "changelist")).content.decode()
    assert "for the boss" in page and "someone else" not in page
    assert client.get(admin_url("notification", "change", theirs.pk)).status_code == 302


def test_a_user_without_a_role_can_open_their_notifications(client, make_staff):
    user = make_staff(None)
    (notification,) = notify(users=[user], kind=ASSIGNED, message="hello there")
    client.force_login(user)
    response = client.get(admin_url("notification", "changelist"))
    assert response.status_code == 200 and "hello there" in response.content.decode()
    assert client.get(admin_url("notification", "change", notification.pk)).status_code == 200
    apps = client.get(reverse("admin:index")).context["app_list"]
    assert [m["object_name"] for a in apps for m in a["models"]] == ["Notification"]


def test_the_read_filter_lists_unread_or_read_notifications(client, make_staff):
    user = make_staff("Cleaning")
    (seen,) = notify(users=[user], kind=ASSIGNED, message="already seen")
    notify(users=[user], kind=Notification.Kind.SLA_BREACH, message="still new")
    mark_read(user=user, notification_id=seen.pk)
    client.force_login(user)
    url = admin_url("notification", "changelist")
    unread = client.get(url, {"read": "no"}).content.decode()
    assert "still new" in unread and "already seen" not in unread
    read = client.get(url, {"read": "yes"}).content.decode()
    assert "already seen" in read and "still new" not in read
    by_kind = client.get(url, {"kind__exact": "sla_breach"}).content.decode()
    assert "still new" in by_kind and "already seen" not in by_kind


def test_nobody_adds_changes_or_deletes_notifications_in_the_admin(client, make_staff):
    for user in (make_staff("System Manager"), make_staff(None, is_superuser=True)):
        (notification,) = notify(users=[user], kind=ASSIGNED, message="m")
        client.force_login(user)
        assert client.get(admin_url("notification", "add")).status_code == 403
        assert client.post(admin_url("notification", "add"), {}).status_code == 403
        change = admin_url("notification", "change", notification.pk)
        assert client.post(change, {"message": "edited"}).status_code == 403
        delete = admin_url("notification", "delete", notification.pk)
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        notification.refresh_from_db()
        assert notification.message == "m"


def test_the_mark_as_read_action_marks_only_the_callers_notifications(client, make_staff):
    me, other = make_staff("Cleaning"), make_staff("Cleaning")
    mine = notify(users=[me], kind=ASSIGNED, message="one") + notify(
        users=[me], kind=ASSIGNED, message="two")
    (theirs,) = notify(users=[other], kind=ASSIGNED, message="three")
    client.force_login(me)
    response = client.post(admin_url("notification", "changelist"), {
        "action": "mark_as_read", "_selected_action": [n.pk for n in mine] + [theirs.pk]})
    assert response.status_code == 302
    assert unread_count(me) == 0
    assert unread_count(other) == 1


# The API


@pytest.fixture
def api(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_the_api_lists_only_the_callers_notifications(api, make_staff, place_a):
    me, other = make_staff("Cleaning"), make_staff("Cleaning")
    notify(users=[me, other], kind=Notification.Kind.RENEWAL_DUE, message="Renew the lift contract",
           target=place_a.unit)
    client = api(me)
    response = client.get("/api/v1/notifications/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert set(row) >= CONTRACT_FIELDS | {"id", "kind_label", "read_at"}
    assert row["kind"] == "renewal_due" and row["kind_label"] == "Renewal due"
    assert row["message"] == "Renew the lift contract"
    assert row["read"] is False and row["read_at"] is None
    assert row["target_type"] == "property_service.unit"
    assert row["target_id"] == place_a.unit.pk
    assert Notification.objects.get(pk=row["id"]).user == me


def test_the_api_filters_by_read_state_and_kind(api, make_staff):
    me = make_staff("Cleaning")
    (seen,) = notify(users=[me], kind=ASSIGNED, message="seen")
    (new,) = notify(users=[me], kind=Notification.Kind.SLA_BREACH, message="new")
    mark_read(user=me, notification_id=seen.pk)
    client = api(me)

    def ids(query):
        return [r["id"] for r in client.get("/api/v1/notifications/", query).json()["results"]]

    assert ids({"read": "false"}) == [new.pk]
    assert ids({"read": "true"}) == [seen.pk]
    assert ids({"kind": "sla_breach"}) == [new.pk]
    assert ids({}) == [new.pk, seen.pk]
    assert client.get("/api/v1/notifications/", {"kind": "nonsense"}).status_code == 400


def test_posting_read_marks_the_callers_notification_read(api, make_staff):
    me, other = make_staff("Cleaning"), make_staff("Cleaning")
    (mine,) = notify(users=[me], kind=ASSIGNED, message="mine")
    (theirs,) = notify(users=[other], kind=ASSIGNED, message="theirs")
    client = api(me)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True and response.json()["read_at"]
    read_at = Notification.objects.get(pk=mine.pk).read_at
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read"] is True
    assert Notification.objects.get(pk=mine.pk).read_at == read_at
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notifications_cannot_be_written_through_the_api(api, make_staff):
    me = make_staff("System Manager")
    (mine,) = notify(users=[me], kind=ASSIGNED, message="mine")
    client = api(me)
    assert client.post("/api/v1/notifications/", {"kind": "assigned", "message": "x"},
                       content_type="application/json").status_code == 405
    assert client.patch(f"/api/v1/notifications/{mine.pk}/", {"message": "x"},
                        content_type="application/json").status_code == 405
    assert client.delete(f"/api/v1/notifications/{mine.pk}/").status_code == 405


def test_the_api_refuses_anonymous_callers_notifications(client, make_staff):
    (notification,) = notify(users=[make_staff("Cleaning")], kind=ASSIGNED, message="m")
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    response = client.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code in (401, 403)
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_schema_describes_the_notifications_without_warnings():
    router = DefaultRouter()
    router.register("notifications", NotificationViewSet, basename="notification")
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/", include(router.urls))]).get_schema(
        request=None, public=True)
    assert not GENERATOR_STATS
    paths = schema["paths"]
    assert set(paths["/api/v1/notifications/"]) == {"get"}
    assert set(paths["/api/v1/notifications/{id}/read/"]) == {"post"}
    fields = schema["components"]["schemas"]["Notification"]["properties"]
    assert set(fields) >= CONTRACT_FIELDS


# The bell in the top bar


def bell_of(page: str) -> str:
    start = page.index('id="notification-bell"')
    return page[start:page.index("</nav>", start)]


def test_the_bell_in_the_top_bar_shows_the_unread_count_and_links_to_the_list(client, alice):
    client.force_login(alice)
    assert 'id="notification-badge"' not in bell_of(
        client.get(reverse("admin:index")).content.decode())
    notify(users=[alice], kind=ASSIGNED, message="one")
    notify(users=[alice], kind=ASSIGNED, message="two")
    bell = bell_of(client.get(reverse("admin:index")).content.decode())
    assert re.search(r'id="notification-badge"[^>]*>2<', bell)
    assert f'href="{admin_url("notification", "changelist")}"' in bell


def test_the_bell_says_99_plus_past_the_cap(client, alice):
    Notification.objects.bulk_create(
        [Notification(user=alice, kind=ASSIGNED, message=f"n{n}") for n in range(100)])
    client.force_login(alice)
    bell = bell_of(client.get(reverse("admin:index")).content.decode())
    assert re.search(r'id="notification-badge"[^>]*>99\+<', bell)


def test_the_bell_and_the_user_menu_count_the_unread_once_per_page(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    notify(users=[alice], kind=ASSIGNED, message="one")
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:index")).content.decode()
    assert "Notifications (1 unread)" in page and 'id="notification-badge"' in page
    assert len([q for q in queries.captured_queries
                if "property_service_notification" in q["sql"]]) == 1


def test_the_bells_drop_down_lists_the_newest_unread_and_opening_one_marks_it_read(
        client, alice, bob):
    old = notify(users=[alice], kind=ASSIGNED, message="old one")[0]
    for n in range(6):
        notify(users=[alice], kind=ASSIGNED, message=f"news {n}")
    notify(users=[bob], kind=ASSIGNED, message="bob's")
    mark_read(user=alice, notification_id=old.pk)
    client.force_login(alice)
    items = client.get(admin_url("notification", "unread")).content.decode()
    assert re.findall(r"news \d", items) == ["news 5", "news 4", "news 3", "news 2", "news 1"]
    assert "bob" not in items and "old one" not in items
    newest = Notification.objects.filter(user=alice).order_by("-id").first()
    response = client.get(admin_url("notification", "open", newest.pk))
    assert response.status_code == 302
    newest.refresh_from_db()
    assert newest.read


def test_nobody_opens_another_users_notification(client, alice, bob):
    (bobs,) = notify(users=[bob], kind=ASSIGNED, message="bob's")
    client.force_login(alice)
    assert client.get(admin_url("notification", "open", bobs.pk)).status_code == 404
    bobs.refresh_from_db()
    assert not bobs.read
