"""The field app (外勤): server-rendered pages for technicians and security staff on a phone.
Orders are reached only through ``selectors.field_orders`` (the user's scope): another team's
order is "not found" like a missing one. Every write is a work-order service."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access.scoping import scope
from ..core.errors import ActionError
from ..core.files import file_response
from ..core.masking import mask
from ..workorders import services as work_order_services
from ..workorders.models import WorkOrderPhoto
from ..workorders.permissions import available_actions, may_call_resident, may_fire
from ..workorders.sla import SlaState, order_sla_state
from ..workorders.states import SITE_ACTIONS
from . import services
from .forms import AcceptForm, PartForm, PhotoForm
from .selectors import field_orders, lands_in_field_app, my_orders, time_left, uses_field_app

LOGIN_URL = "field:login"


def field_staff_required(view):
    """Logged in as staff who work orders themselves; others go to the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse(LOGIN_URL)}?next={request.path}")
        if not uses_field_app(request.user):
            messages.error(request, _("The field app is for staff who work orders on site. "
                                      "Use the back office."))
            return redirect(LOGIN_URL)
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


class LoginView(auth_views.LoginView):
    template_name = "field/login.html"

    def get_default_redirect_url(self):
        return reverse("field:home")


def landing(request):
    """Where a login without a ``next`` lands: the field app for those who work their own
    orders, the back office for everyone else."""
    if lands_in_field_app(request.user):
        return redirect("field:home")
    return redirect("admin:index")


@field_staff_required
def home(request):
    now = timezone.now()
    orders = list(my_orders(request.user, now))
    for order in orders:
        order.time_left = None if order.paused_at else time_left(order.complete_by, now)
    return render(request, "field/home.html", {"orders": orders,
                                               "paused_label": SlaState.LABELS[SlaState.PAUSED]})


def _order(request, pk):
    return get_object_or_404(field_orders(request.user), pk=pk)


def _timeline(order):
    """The order's events; each "signed" event carries the signature it recorded (the n-th
    signature with the n-th "signed" event)."""
    events = list(order.events.select_related("by").order_by("at", "id"))
    signatures = list(order.photos.filter(kind=WorkOrderPhoto.Kind.SIGNATURE)
                      .order_by("uploaded_at", "id"))
    for event in events:
        event.signature = signatures.pop(0) if event.action == "signed" and signatures else None
    return events


def _render_order(request, order, *, status=200, **forms):
    user, now = request.user, timezone.now()
    names = {action.name for action in available_actions(order, user)}
    photos = [p for p in order.photos.all() if p.kind != WorkOrderPhoto.Kind.SIGNATURE]
    resident = order.resident
    phone = resident.phone if resident is not None else ""
    add_photo, record_part = SITE_ACTIONS["add_photo"], SITE_ACTIONS["record_part"]
    take_or_accept = "take" if "take" in names else "accept" if "accept" in names else ""
    context = {
        "order": order,
        "sla_state": order_sla_state(order, now),
        "sla_labels": SlaState.LABELS,
        "time_left": None if order.paused_at else time_left(order.complete_by, now),
        "show_resident": resident is not None and user.has_perm(
            "property_service.view_resident"),
        "masked_phone": mask(phone),
        "can_call": bool(phone) and may_call_resident(order, user),
        "photos": photos,
        "parts": order.parts.all(),
        "events": _timeline(order),
        "take_or_accept": take_or_accept,
        "accept_form": forms.get("accept_form") or AcceptForm(
            initial={"expected_state": order.state}),
        "can_start": "start" in names,
        "can_add_photo": order.state in add_photo.sources and may_fire(order, user, add_photo),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "can_record_part": order.state in record_part.sources
        and may_fire(order, user, record_part),
        "part_form": forms.get("part_form") or PartForm(),
        "can_finish": "complete" in names,
    }
    return render(request, "field/order.html", context, status=status)


@field_staff_required
def order_page(request, pk):
    return _render_order(request, _order(request, pk))


def _refused(request, order, error: ActionError, **forms):
    # Nothing changed (the service's transaction was undone): the order as loaded is current.
    messages.error(request, error.message)
    return _render_order(request, order, status=error.status_code, **forms)


def _done(request, order, message: str):
    messages.success(request, message)
    return redirect("field:order", order.pk)


@require_POST
@field_staff_required
def accept(request, pk):
    order = _order(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        error = ActionError(" ".join(e for errors in form.errors.values() for e in errors))
        return _refused(request, order, error, accept_form=form)
    action = "take" if order.assignee_id is None else "accept"
    try:
        work_order_services.transition_work_order(
            order_id=order.pk, user=request.user, action=action,
            expected_state=form.cleaned_data["expected_state"] or None,
            appointment_at=form.cleaned_data["appointment_at"])
    except ActionError as error:
        return _refused(request, order, error, accept_form=form)
    return _done(request, order, _("Accepted: the appointment is recorded."))


@require_POST
@field_staff_required
def start(request, pk):
    order = _order(request, pk)
    try:
        work_order_services.transition_work_order(
            order_id=order.pk, user=request.user, action="start",
            expected_state=request.POST.get("expected_state") or None)
    except ActionError as error:
        return _refused(request, order, error)
    return _done(request, order, _("Work started."))


@require_POST
@field_staff_required
def photos(request, pk):
    order = _order(request, pk)
    form = PhotoForm(request.POST)
    if not form.is_valid():
        error = ActionError(" ".join(e for errors in form.errors.values() for e in errors))
        return _refused(request, order, error, photo_form=form)
    try:
        stored = services.work_order_add_photos(
            order_id=order.pk, user=request.user, kind=form.cleaned_data["kind"],
            photos=request.FILES.getlist("photos"))
    except ActionError as error:
        return _refused(request, order, error, photo_form=form)
    return _done(request, order, _("%(n)d photo(s) added.") % {"n": len(stored)})


@require_POST
@field_staff_required
def part(request, pk):
    order = _order(request, pk)
    form = PartForm(request.POST)
    if not form.is_valid():
        error = ActionError(" ".join(e for errors in form.errors.values() for e in errors))
        return _refused(request, order, error, part_form=form)
    try:
        services.work_order_record_part(order_id=order.pk, user=request.user,
                                        name=form.cleaned_data["name"],
                                        quantity=form.cleaned_data["quantity"])
    except ActionError as error:
        return _refused(request, order, error, part_form=form)
    return _done(request, order, _("Part recorded."))


@require_POST
@field_staff_required
def finish(request, pk):
    order = _order(request, pk)
    try:
        services.work_order_finish(
            order_id=order.pk, user=request.user, signature=request.POST.get("signature", ""),
            accept_in_portal=request.POST.get("accept_in_portal") == "yes",
            expected_state=request.POST.get("expected_state") or None)
    except ActionError as error:
        return _refused(request, order, error)
    return _done(request, order, _("Finished: the order awaits the resident's acceptance."))


@require_POST
@field_staff_required
def call(request, pk):
    """Reveal the resident's number to call them (logged): JSON for the page's script, a small
    page with the number to tap without it."""
    order = _order(request, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        phone = services.work_order_reveal_phone(order_id=order.pk, user=request.user)
    except ActionError as error:
        if wants_json:
            return JsonResponse({"detail": str(error.message)}, status=error.status_code)
        return _refused(request, order, error)
    if wants_json:
        return JsonResponse({"phone": phone, "tel": f"tel:{phone}"})
    return render(request, "field/call.html", {"order": order, "phone": phone})


@field_staff_required
def photo(request, pk):
    item = get_object_or_404(scope(WorkOrderPhoto.objects.all(), request.user)
                             .filter(work_order__in=field_orders(request.user)), pk=pk)
    return file_response(item.image)


def manifest(request):
    """The web app manifest: the field app installs on a phone's home screen."""
    return JsonResponse({
        "name": _("Field service"),
        "short_name": _("Field"),
        "start_url": reverse("field:home"),
        "scope": reverse("field:home"),
        "display": "standalone",
        "background_color": "#f3f4f6",
        "theme_color": "#1d4ed8",
        "icons": [
            {"src": static("field/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


