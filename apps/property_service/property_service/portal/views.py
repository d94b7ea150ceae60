"""The residents' portal (业主端): server-rendered pages for phones. Each view reaches data only
through the portal services and ``scope``: another resident's rows are "not found"."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access.scoping import is_resident, resident_unit_ids, scope
from ..activities import services as activity_services
from ..activities.models import ActivitySignup
from ..activities.rules import signup_open
from ..activities.selectors import activities_for_resident, household_signup, with_places_taken
from ..activities.states import State as ActivityState
from ..complaints import services as complaint_services
from ..complaints.deadlines import deadline_rows
from ..complaints.models import ComplaintAttachment
from ..complaints.states import State as ComplaintState
from ..core.errors import ActionError
from ..core.files import file_response
from ..core.throttle import Throttled
from ..enquiries.deadlines import deadline_rows as enquiry_deadline_rows
from ..notices.selectors import mark_read, notices_for_resident
from ..specialservices import services as special_services_services
from ..specialservices.models import SpecialServiceOrder
from ..specialservices.selectors import catalogue_for
from ..specialservices.states import QuoteStatus
from ..surveys import selectors as survey_selectors
from ..surveys import services as survey_services
from ..surveys.forms import answers_from_post, question_rows
from ..workorders import services as work_order_services
from ..workorders.models import FollowUp, WorkOrderPhoto
from ..workorders.permissions import available_actions
from ..workorders.sla import order_sla_state
from ..workorders.states import State as OrderState
from . import services
from .forms import (
    ActivityFeedbackForm,
    ActivitySignupForm,
    ComplaintForm,
    EnquiryForm,
    RatingForm,
    RegisterForm,
    RepairForm,
    SpecialServiceForm,
)

LOGIN_URL = "portal:login"


def resident_required(view):
    """Logged in with a resident's account; staff and anonymous users go to the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse(LOGIN_URL)}?next={request.path}")
        if not is_resident(request.user):
            messages.error(request, _("This portal is for residents. Staff use the back "
                                      "office."))
            return redirect(LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapper


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("portal:home")


def register(request):
    form = RegisterForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            account = services.register_with_code(**form.cleaned_data,
                                                  client=request.META.get("REMOTE_ADDR", ""))
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = error.status_code if isinstance(error, Throttled) else 200
            return render(request, "portal/register.html", {"form": form}, status=status)
        else:
            login(request, account.user,
                  backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:home")
    return render(request, "portal/register.html", {"form": form})


@resident_required
def home(request):
    user = request.user
    orders = services.my_work_orders(user)
    complaints = services.my_complaints(user)
    return render(request, "portal/home.html", {
        "resident": user.resident_account.resident,
        "notices": notices_for_resident(user)[:5],
        "units": services.my_units(user),
        "open_orders": orders.exclude(state__in=(OrderState.CLOSED, OrderState.CANCELLED))
        .order_by("-reported_at")[:5],
        "surveys_waiting": survey_selectors.waiting_for(user),
        "open_complaints": complaints.exclude(
            state__in=(ComplaintState.CLOSED, ComplaintState.WITHDRAWN)).order_by(
            "-received_at")[:5],
    })


@resident_required
def repairs(request):
    return render(request, "portal/repairs.html", {
        "orders": services.my_work_orders(request.user).order_by("-reported_at")})


@resident_required
def repair_new(request):
    form = RepairForm(request.POST or None, request.FILES or None,
                      units=services.my_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.report_repair(
                user=request.user, unit_id=data["unit"], category=data["category"],
                description=data["description"], photos=request.FILES.getlist("photos"))
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Thank you: your request %(number)s was received.")
                             % {"number": order.number})
            return redirect("portal:repair", order.pk)
    return render(request, "portal/repair_new.html", {"form": form})


def _my_order(request, pk):
    return get_object_or_404(services.my_work_orders(request.user), pk=pk)


@resident_required
def repair(request, pk):
    order = _my_order(request, pk)
    pending_follow_up = order.follow_ups.filter(status=FollowUp.Status.PENDING).exists() \
        if order.state == OrderState.FOLLOW_UP else False
    return render(request, "portal/repair.html", {
        "order": order, "sla_state": order_sla_state(order, timezone.now()),
        "photos": order.photos.all(),
        "events": order.events.select_related("by").order_by("at", "id"),
        "can_accept": any(a.name == "pass_acceptance"
                          for a in available_actions(order, request.user)),
        "rating_form": RatingForm() if pending_follow_up else None,
    })


@require_POST
@resident_required
def repair_accept(request, pk):
    order = _my_order(request, pk)
    accepted = request.POST.get("accepted") == "yes"
    comment = request.POST.get("comment", "")
    try:
        work_order_services.transition_work_order(
            order_id=order.pk, user=request.user, expected_state=OrderState.COMPLETED,
            action="pass_acceptance" if accepted else "fail_acceptance",
            comment=comment or (_("Accepted by the resident.") if accepted else ""))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: recorded."))
    return redirect("portal:repair", order.pk)


@require_POST
@resident_required
def repair_rate(request, pk):
    order = _my_order(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the problem is solved and give a score."))
        return redirect("portal:repair", order.pk)
    data = form.cleaned_data
    try:
        work_order_services.record_follow_up(
            order_id=order.pk, user=request.user, answered=True,
            result=FollowUp.Result.FIXED if data["fixed"] else FollowUp.Result.NOT_FIXED,
            satisfaction=data["satisfaction"], note=data["comment"])
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("portal:repair", order.pk)


@resident_required
def complaints(request):
    return render(request, "portal/complaints.html", {
        "complaints": services.my_complaints(request.user).order_by("-received_at")})


@resident_required
def complaint_new(request):
    form = ComplaintForm(request.POST or None, request.FILES or None,
                         units=services.my_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.file_complaint(
                user=request.user, unit_id=data["unit"], category=data["category"],
                content=data["content"], request=data["request"],
                attachments=request.FILES.getlist("attachments"))
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your complaint %(number)s was received. A supervisor "
                                        "will contact you.") % {"number": complaint.number})
            return redirect("portal:complaint", complaint.pk)
    return render(request, "portal/complaint_new.html", {"form": form})


def _my_complaint(request, pk):
    return get_object_or_404(services.my_complaints(request.user), pk=pk)


@resident_required
def complaint(request, pk):
    item = _my_complaint(request, pk)
    return render(request, "portal/complaint.html", {
        "complaint": item, "deadlines": deadline_rows(item, timezone.now()),
        "attachments": item.attachments.all(),
        # A resident's only complaint actions are the follow-up verdict's.
        "rating_form": RatingForm() if complaint_services.available_actions(
            item, request.user) else None,
    })


@require_POST
@resident_required
def complaint_rate(request, pk):
    item = _my_complaint(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the problem is solved and give a score."))
        return redirect("portal:complaint", item.pk)
    data = form.cleaned_data
    try:
        complaint_services.record_follow_up(
            complaint_id=item.pk, user=request.user, satisfied=data["fixed"],
            satisfaction=data["satisfaction"], note=data["comment"])
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("portal:complaint", item.pk)


@resident_required
def photo(request, pk):
    item = get_object_or_404(scope(WorkOrderPhoto.objects.all(), request.user), pk=pk)
    return file_response(item.image)


@resident_required
def attachment(request, pk):
    item = get_object_or_404(scope(ComplaintAttachment.objects.all(), request.user), pk=pk)
    return file_response(item.file)


@resident_required
def notices(request):
    return render(request, "portal/notices.html", {
        "notices": notices_for_resident(request.user)})


@resident_required
def notice(request, pk):
    item = get_object_or_404(notices_for_resident(request.user), pk=pk)
    mark_read(item, request.user)
    return render(request, "portal/notice.html", {"notice": item})


@resident_required
def enquiries(request):
    return render(request, "portal/enquiries.html", {
        "enquiries": services.my_enquiries(request.user).order_by("-received_at", "-id")})


@resident_required
def enquiry_new(request):
    form = EnquiryForm(request.POST or None, units=services.my_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.ask_question(user=request.user, unit_id=data["unit"],
                                         topic=data["topic"], question=data["question"])
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your question %(number)s was received. We will "
                                        "answer it soon.") % {"number": item.number})
            return redirect("portal:enquiry", item.pk)
    return render(request, "portal/enquiry_new.html", {"form": form},
                  status=400 if form.is_bound else 200)


@resident_required
def enquiry(request, pk):
    item = get_object_or_404(services.my_enquiries(request.user), pk=pk)
    return render(request, "portal/enquiry.html", {
        "enquiry": item, "deadlines": enquiry_deadline_rows(item, timezone.now())})


@resident_required
def surveys(request):
    return render(request, "portal/surveys.html", {
        "waiting": survey_selectors.waiting_for(request.user),
        "answered": survey_selectors.answered_by(request.user)[:20]})


@resident_required
def survey(request, pk, unit):
    """One survey sent to one of the resident's units: the questionnaire to answer, once."""
    sent = survey_selectors.recipient_for(request.user, pk, unit)
    if sent is None:
        raise Http404
    item = sent.survey
    answered = item.responses.filter(unit_id=unit).exists()
    questions = survey_selectors.questions_of(item.questionnaire_id)
    given, errors, refusal, status = {}, {}, "", 200
    if request.method == "POST" and not answered:
        answers, given = answers_from_post(request.POST, questions)
        try:
            survey_services.survey_record_response(by=request.user, survey_id=item.pk,
                                                   unit=sent.unit, answers=answers,
                                                   channel="portal")
        except survey_services.AnswersRefused as error:
            errors, refusal, status = error.errors, error.message, 400
        except ActionError as error:
            refusal, status = error.message, 400
        else:
            messages.success(request, _("Thank you: your answers were received."))
            return redirect("portal:surveys")
    return render(request, "portal/survey.html", {
        "survey": item, "unit": sent.unit, "answered": answered,
        "open": item.takes_answers(), "refusal": refusal,
        "questions": question_rows(questions, given, errors)}, status=status)


def _my_activity(request, pk):
    return get_object_or_404(with_places_taken(activities_for_resident(request.user))
                             .select_related("community"), pk=pk)


@resident_required
def activities(request):
    units = resident_unit_ids(request.user)
    mine = {s.activity_id: s for s in ActivitySignup.objects.filter(unit_id__in=units)
            .exclude(status=ActivitySignup.Status.CANCELLED)}
    rows = with_places_taken(activities_for_resident(request.user)).select_related(
        "community").order_by("-starts_at", "-id")
    return render(request, "portal/activities.html", {
        "activities": [(a, mine.get(a.pk)) for a in rows[:50]]})


@resident_required
def activity(request, pk):
    item = _my_activity(request, pk)
    now = timezone.now()
    signup = household_signup(item, resident_unit_ids(request.user))
    is_open = signup_open(state=item.state, opens_at=item.signup_opens_at,
                          closes_at=item.signup_closes_at, now=now)
    units = services.my_units(request.user).filter(building__community=item.community_id)
    active = signup is not None and signup.status != ActivitySignup.Status.CANCELLED
    gave_feedback = signup is not None and hasattr(signup, "feedback")
    return render(request, "portal/activity.html", {
        "activity": item, "signup": signup if active else None,
        "places_left": max(item.capacity - item.taken, 0),
        "signup_form": ActivitySignupForm(units=units, limit=item.household_limit)
        if is_open and not active else None,
        "can_cancel": is_open and active,
        "feedback": signup.feedback if gave_feedback else None,
        "feedback_form": ActivityFeedbackForm() if item.state == ActivityState.HELD
        and signup is not None and signup.attendance == ActivitySignup.Attendance.ATTENDED
        and not gave_feedback else None,
    })


@require_POST
@resident_required
def activity_sign_up(request, pk):
    item = _my_activity(request, pk)
    units = services.my_units(request.user).filter(building__community=item.community_id)
    form = ActivitySignupForm(request.POST, units=units, limit=item.household_limit)
    if not form.is_valid():
        messages.error(request, _("Choose your household and how many people come."))
        return redirect("portal:activity", item.pk)
    try:
        signup = activity_services.activity_sign_up(
            activity_id=item.pk, user=request.user,
            unit=units.get(pk=form.cleaned_data["unit"]), people=form.cleaned_data["people"])
    except ActionError as error:
        messages.error(request, error.message)
    else:
        if signup.status == ActivitySignup.Status.CONFIRMED:
            messages.success(request, _("You are signed up. See you there!"))
        else:
            messages.success(request, _("The activity is full: you are on the waiting list. "
                                        "You move up when places free up."))
    return redirect("portal:activity", item.pk)


@require_POST
@resident_required
def activity_cancel(request, pk):
    item = _my_activity(request, pk)
    signup = household_signup(item, resident_unit_ids(request.user))
    if signup is None:
        messages.error(request, _("You have not signed up for this activity."))
        return redirect("portal:activity", item.pk)
    try:
        activity_services.signup_cancel(signup_id=signup.pk, user=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect("portal:activity", item.pk)


def _my_catalogue(user):
    """The services offered in the communities of the resident's units, each once."""
    units = list(services.my_units(user))
    seen, items = set(), []
    for community_id in dict.fromkeys(u.building.community_id for u in units):
        for item in catalogue_for(community_id):
            if item.pk not in seen:
                seen.add(item.pk)
                items.append(item)
    return units, items


def _my_special_orders(user):
    return scope(SpecialServiceOrder.objects.select_related("service", "work_order",
                                                            "unit__building__community"), user)


@resident_required
def special_services(request):
    _units, items = _my_catalogue(request.user)
    return render(request, "portal/special_services.html", {
        "items": items,
        "orders": _my_special_orders(request.user).order_by("-ordered_at", "-id")})


@resident_required
def special_service_new(request):
    units, items = _my_catalogue(request.user)
    form = SpecialServiceForm(request.POST or None, units=units, services=items,
                              initial={"service": request.GET.get("service")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["unit"])
        try:
            order = special_services_services.order_special_service(
                by=request.user, service_id=data["service"], unit=unit,
                preferred_at=data["preferred_at"], notes=data["notes"])
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Thank you: your order %(number)s was received.")
                             % {"number": order.number})
            return redirect("portal:special_service", order.pk)
    return render(request, "portal/special_service_new.html", {"form": form},
                  status=400 if form.is_bound else 200)


@resident_required
def special_service(request, pk):
    order = get_object_or_404(_my_special_orders(request.user), pk=pk)
    return render(request, "portal/special_service.html", {
        "order": order, "awaiting_answer": order.quote_status == QuoteStatus.QUOTED,
        "events": order.events.order_by("at", "id")})


@require_POST
@resident_required
def activity_feedback(request, pk):
    item = _my_activity(request, pk)
    signup = household_signup(item, resident_unit_ids(request.user))
    form = ActivityFeedbackForm(request.POST)
    if signup is None or not form.is_valid():
        messages.error(request, _("Give a rating and say whether you were satisfied."))
        return redirect("portal:activity", item.pk)
    data = form.cleaned_data
    try:
        activity_services.feedback_give(signup_id=signup.pk, user=request.user,
                                        rating=data["rating"], satisfied=data["satisfied"],
                                        comment=data["comment"])
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("portal:activity", item.pk)


def special_service_quote(request, pk):
    order = get_object_or_404(_my_special_orders(request.user), pk=pk)
    try:
        special_services_services.answer_quote(
            order_id=order.pk, user=request.user,
            accepted=request.POST.get("accepted") == "yes",
            comment=request.POST.get("comment", ""))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: recorded."))
    return redirect("portal:special_service", order.pk)
