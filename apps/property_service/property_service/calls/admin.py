"""The call-intake desk page (来电登记): one search box for whatever the caller says, the picked
unit's open orders, recent complaints and repeats, and the forms that file a repair or a
complaint with the deadlines shown before saving. Reads are ``selectors``, writes ``services``;
who may use it is the roles' permission to record work orders or complaints."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from ..core.errors import ActionError
from ..core.models import PersonalDataAccess
from ..core.params import id_param, parse_id
from . import selectors, services
from .forms import ComplaintForm, EnquiryForm, RepairForm
from .models import CallDesk

UNIT_NOT_FOUND = _("Pick the caller's unit again: it is not among the units you may see.")


def may_take_calls(user) -> bool:
    return bool(user and user.is_active and user.is_staff) and (
        user.has_perm("property_service.add_workorder")
        or user.has_perm("property_service.add_complaint")
        or user.has_perm("property_service.add_enquiry"))


@admin.register(CallDesk)
class CallDeskAdmin(ModelAdmin):
    def has_module_permission(self, request):
        return may_take_calls(request.user)

    def has_view_permission(self, request, obj=None):
        return may_take_calls(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.desk_view), name="property_service_calldesk_changelist"),
            path("preview/", view(self.preview_view), name="property_service_calldesk_preview"),
        ]

    # The page ------------------------------------------------------------------------------

    def desk_view(self, request):
        user = request.user
        if not may_take_calls(user):
            raise PermissionDenied
        now = timezone.now()
        term = request.GET.get("q", "")
        unit, resident = selectors.picked(user=user, unit_id=id_param(request.GET, "unit"),
                                          resident_id=id_param(request.GET, "resident"))
        repair = complaint = enquiry = None
        status = 200
        if request.method == "POST":
            unit, resident, repair, complaint, enquiry, outcome = self._file(request)
            if not isinstance(outcome, int):
                return outcome
            status = outcome
            if unit is None:
                messages.error(request, UNIT_NOT_FOUND)
        matches = selectors.find_callers(user=user, term=term,
                                         channel=PersonalDataAccess.Channel.ADMIN) \
            if term and unit is None else None
        if matches is not None and matches.refused:
            messages.error(request, matches.refused)
        initial = {"unit": unit, "resident": resident}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Call intake desk"),
            "opts": self.model._meta,
            "term": term,
            "matches": matches,
            "unit": unit,
            "resident": resident,
            "on_file": selectors.unit_on_file(user=user, unit=unit, now=now) if unit else None,
            "may_file_repair": user.has_perm("property_service.add_workorder"),
            "may_file_complaint": user.has_perm("property_service.add_complaint"),
            "may_file_enquiry": user.has_perm("property_service.add_enquiry"),
            "preview_url": reverse("admin:property_service_calldesk_preview"),
        }
        saved = selectors.saved_record(user=user, token=request.GET.get("saved", ""))
        if saved is not None:
            context.update(saved=saved, saved_url=reverse(
                f"admin:property_service_{saved._meta.model_name}_change", args=[saved.pk]))
        if unit is not None:
            repair = repair or RepairForm(user=user, initial=initial)
            complaint = complaint or ComplaintForm(user=user, initial=initial)
            enquiry = enquiry or EnquiryForm(user=user, initial=initial)
            context.update(repair_form=repair, complaint_form=complaint, enquiry_form=enquiry,
                           **self._previews(user, unit, repair, complaint, now))
        return TemplateResponse(request, "property_service/call_desk.html", context,
                                status=status)

    def _file(self, request):
        """Save the posted repair, complaint or enquiry. Returns the page's unit, resident and
        forms, and the redirect once saved, or the status of the refusal (the page is shown
        again with the reason; nothing was saved)."""
        user = request.user
        kind = request.POST.get("kind")
        form_class = {"repair": RepairForm, "enquiry": EnquiryForm}.get(kind, ComplaintForm)
        unit, resident = selectors.picked(user=user,
                                          unit_id=parse_id(request.POST.get("unit")),
                                          resident_id=parse_id(request.POST.get("resident")))
        if request.POST.get("action") == "preview":
            # Shown again with its deadlines (without a script), not saved.
            form = form_class(user=user, initial=request.POST.dict())
            return (unit, resident, *_placed(form), 200)
        form = form_class(request.POST, user=user)
        if not form.is_valid():
            return (unit, resident, *_placed(form), 400)
        try:
            saved = self._save(user, kind, form)
        except ActionError as error:
            form.add_error(None, error.message)
            return (unit, resident, *_placed(form), error.status_code)
        return (unit, resident, *_placed(form), self._saved(
            request, saved, form.cleaned_data["unit"], form.cleaned_data.get("resident")))

    @staticmethod
    def _save(user, kind, form):
        data = form.cleaned_data
        if kind == "repair":
            try:
                dispatch, assignee = form.dispatch_to()
            except ValidationError as error:  # a technician id that is no user
                raise ActionError(" ".join(error.messages)) from None
            return services.file_repair_call(
                by=user, unit=data["unit"], resident=data.get("resident"),
                category=data["category"], priority=data.get("priority") or None,
                description=data["description"], channel=data["channel"], dispatch=dispatch,
                assignee=assignee)
        if kind == "enquiry":
            return services.file_enquiry_call(
                by=user, unit=data["unit"], resident=data.get("resident"), topic=data["topic"],
                question=data["question"], channel=data["channel"],
                complex=data.get("complex", False), answer=data.get("answer", ""))
        return services.file_complaint_call(
            by=user, unit=data["unit"], resident=data.get("resident"),
            category=data["category"], severity=data["severity"], content=data["content"],
            channel=data["channel"])

    def _saved(self, request, saved, unit, resident):
        opts = saved._meta
        messages.success(request, _("Saved as %(number)s.") % {"number": saved.number})
        query = {"unit": unit.pk, "saved": f"{opts.model_name}:{saved.pk}"}
        if resident is not None:
            query["resident"] = resident.pk
        return HttpResponseRedirect(f"{reverse('admin:property_service_calldesk_changelist')}"
                                    f"?{urlencode(query)}")

    def _previews(self, user, unit, repair, complaint, now):
        context = {"repair_preview": None, "complaint_preview": None}
        category = _field_value(repair, "category", RepairForm.base_fields["category"])
        if category is not None:
            preview = selectors.repair_preview(
                user=user, unit=unit, category=category,
                priority=_field_value(repair, "priority", RepairForm.base_fields["priority"]),
                now=now)
            shown = repair.data if repair.is_bound else repair.initial
            if "send_to" in shown:
                preview.send_to = shown.get("send_to") or ""
            context["repair_preview"] = preview
        severity = _field_value(complaint, "severity", ComplaintForm.base_fields["severity"])
        context["complaint_preview"] = selectors.complaint_preview(
            unit=unit, severity=severity or "general", now=now)
        return context

    # The deadlines before saving, as a fragment the page's script puts in place -------------

    def preview_view(self, request):
        user = request.user
        if not may_take_calls(user):
            raise PermissionDenied
        unit, _resident = selectors.picked(user=user, unit_id=id_param(request.GET, "unit"),
                                           resident_id=None)
        if unit is None:
            return HttpResponse(status=404)
        now = timezone.now()
        kind = request.GET.get("kind")
        if kind == "complaint":
            severity = _clean(ComplaintForm.base_fields["severity"], request.GET.get("severity"))
            return TemplateResponse(request, "property_service/call_desk_complaint_preview.html",
                                    {"complaint_preview": selectors.complaint_preview(
                                        unit=unit, severity=severity or "general", now=now)})
        category = _clean(RepairForm.base_fields["category"], request.GET.get("category"))
        if category is None:
            return HttpResponse("")
        preview = selectors.repair_preview(
            user=user, unit=unit, category=category,
            priority=_clean(RepairForm.base_fields["priority"], request.GET.get("priority")),
            now=now)
        return TemplateResponse(request, "property_service/call_desk_repair_preview.html",
                                {"repair_preview": preview})


def _placed(form):
    """(repair form, complaint form, enquiry form): ``form`` in its place, None elsewhere."""
    return tuple(form if isinstance(form, kind) else None
                 for kind in (RepairForm, ComplaintForm, EnquiryForm))


def _clean(field, value):
    """``value`` through the form ``field``, or None when it is not one of its choices."""
    try:
        return field.clean(value) or None
    except ValidationError:
        return None


def _field_value(form, name, field):
    if form is None:
        return None
    if form.is_bound:
        if hasattr(form, "cleaned_data") and name in form.cleaned_data:
            return form.cleaned_data[name] or None
        return _clean(field, form.data.get(name))
    return _clean(field, form.initial.get(name))
