"""The portal: a resident sees the published activities of their community, signs up their
household, cancels while sign-up is open, and gives feedback once after it was held."""

from property_service.activities.models import ActivityFeedback, ActivitySignup

from tests.activities.conftest import act


def test_a_resident_sees_published_activities_of_their_community_only(client, published,
                                                                      plan, resident_a,
                                                                      make_staff, place_b):
    shown = published()
    draft = plan(title="草稿活动")
    other = plan(place=place_b, title="别的小区活动",
                 by=make_staff("CS Agent", communities=[place_b.community]))
    client.force_login(resident_a)
    page = client.get("/portal/activities/").content.decode()
    assert shown.title in page or shown.title_en in page
    assert "草稿活动" not in page and "别的小区活动" not in page
    assert client.get(f"/portal/activities/{draft.pk}/").status_code == 404
    assert client.get(f"/portal/activities/{other.pk}/").status_code == 404


def test_a_resident_signs_up_and_cancels(client, published, resident_a, place_a):
    activity = published()
    client.force_login(resident_a)
    page = client.get(f"/portal/activities/{activity.pk}/")
    assert page.status_code == 200 and 'id="signup-form"' in page.content.decode()
    client.post(f"/portal/activities/{activity.pk}/sign-up/",
                {"unit": place_a.unit.pk, "people": 2})
    signup = ActivitySignup.objects.get()
    assert (signup.people, signup.channel, signup.status) == (2, "portal", "confirmed")
    page = client.get(f"/portal/activities/{activity.pk}/").content.decode()
    assert 'id="my-signup" data-status="confirmed"' in page
    client.post(f"/portal/activities/{activity.pk}/cancel/")
    assert ActivitySignup.objects.get().status == "cancelled"


def test_more_people_than_allowed_is_refused_with_a_message(client, published, resident_a,
                                                            place_a):
    activity = published()
    client.force_login(resident_a)
    response = client.post(f"/portal/activities/{activity.pk}/sign-up/",
                           {"unit": place_a.unit.pk, "people": 9}, follow=True)
    assert response.status_code == 200 and not ActivitySignup.objects.exists()


def test_feedback_in_the_portal_after_the_activity_was_held(client, published, resident_a,
                                                            agent, place_a, clock):
    from property_service.activities import services

    activity = published()
    signup = services.activity_sign_up(activity_id=activity.pk, user=resident_a,
                                       unit=place_a.unit, people=1)
    clock.set("2027-01-20 19:30")
    services.attendance_record(signup_id=signup.pk, user=agent, attended=True)
    client.force_login(resident_a)
    assert 'id="feedback-form"' not in client.get(
        f"/portal/activities/{activity.pk}/").content.decode()
    act(activity, agent, "mark_held")
    assert 'id="feedback-form"' in client.get(
        f"/portal/activities/{activity.pk}/").content.decode()
    client.post(f"/portal/activities/{activity.pk}/feedback/",
                {"rating": 9, "satisfied": "yes", "comment": "很好"})
    client.post(f"/portal/activities/{activity.pk}/feedback/",
                {"rating": 1, "satisfied": "no"})
    feedback = ActivityFeedback.objects.get()
    assert (feedback.rating, feedback.satisfied, feedback.channel) == (9, True, "portal")


def test_staff_are_sent_to_the_back_office(client, agent):
    client.force_login(agent)
    assert client.get("/portal/activities/").status_code == 302
