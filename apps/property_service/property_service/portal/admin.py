"""Staff side of the portal: opening a resident's login, handing out invitation codes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import ScopedAdmin
from ..core.errors import ActionError
from . import services
from .models import Invitation, ResidentAccount


class ResidentAccountForm(forms.ModelForm):
    username = forms.CharField(label=_("username"), max_length=150)
    password = forms.CharField(label=_("initial password"), widget=forms.PasswordInput,
                               help_text=_("Tell it to the resident; they can change it."))

    class Meta:
        model = ResidentAccount
        fields = ["resident"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_account(resident=data["resident"], username=data["username"],
                                   password=data["password"])
        except ActionError as error:
            raise ValidationError({error.field if error.field in self.fields else None:
                                   error.message}) from None
        return data


@admin.register(ResidentAccount)
class ResidentAccountAdmin(ScopedAdmin):
    form = ResidentAccountForm
    list_display = ["user", "resident", "created_at", "created_by"]
    list_select_related = ["user", "resident", "created_by"]
    search_fields = ["user__username", "resident__name"]
    autocomplete_fields = ["resident"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        # The form's username and password are for creating one; a saved account shows its login.
        return super().get_fields(request, obj) if obj is None else [
            "user", "resident", "created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        created = services.create_account(by=request.user, resident=form.cleaned_data["resident"],
                                          username=form.cleaned_data["username"],
                                          password=form.cleaned_data["password"])
        obj.pk, obj.user, obj._state.adding = created.pk, created.user, False


class InvitationForm(forms.ModelForm):
    valid_days = forms.IntegerField(label=_("valid for (days)"), min_value=1, max_value=90,
                                    initial=services.INVITATION_DAYS)

    class Meta:
        model = Invitation
        fields = ["unit", "relation", "resident"]

    def clean(self):
        data = super().clean()
        resident, unit = data.get("resident"), data.get("unit")
        if resident and unit and not resident.occupancies.filter(unit=unit).exists():
            raise ValidationError({"resident": _("This resident does not live in this unit.")})
        return data


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    form = InvitationForm
    list_display = ["code", "unit", "relation", "resident", "expires_at", "status",
                    "created_by"]
    list_select_related = ["unit__building__community", "resident", "created_by"]
    search_fields = ["=code", "=unit__number"]
    autocomplete_fields = ["unit", "resident"]
    readonly_fields = ["code", "expires_at", "used_at", "account"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["unit", "relation", "resident", "valid_days"]
        return ["code", "unit", "relation", "resident", "expires_at", "used_at", "account"]

    @display(description=_("status"), label={"open": "success", "used": "info",
                                              "expired": ""})
    def status(self, invitation):
        if invitation.used_at:
            return "used", _("used")
        return ("open", _("open")) if invitation.is_usable else ("expired", _("expired"))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = services.create_invitation(by=request.user, unit=data["unit"],
                                             relation=data["relation"],
                                             resident=data.get("resident"),
                                             valid_days=data["valid_days"])
        obj.pk, obj.code, obj._state.adding = created.pk, created.code, False
        messages.info(request, _("Invitation code %(code)s: give it to the resident with the "
                                 "address /portal/register/.") % {"code": created.code})
