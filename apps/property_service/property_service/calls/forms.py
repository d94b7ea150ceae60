"""The desk's forms: a repair, a complaint and an enquiry for the picked unit (and caller)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from ..complaints.models import Category as ComplaintCategory
from ..complaints.models import Severity
from ..enquiries.models import Topic
from ..registry.models import Resident, Unit
from ..workorders.models import Channel, Priority, WorkOrderCategory
from .selectors import SEND_TO_TEAM, SEND_TO_USER

FIELD = ("border border-base-200 rounded-default px-3 py-2 w-full bg-white "
         "dark:bg-base-900 dark:border-base-700")


class _CallForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), widget=forms.HiddenInput)
    resident = forms.ModelChoiceField(queryset=Resident.objects.none(), required=False,
                                      widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices,
                                initial=Channel.PHONE, widget=forms.Select(attrs={"class": FIELD}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = scope(Unit.objects.select_related(
            "building__community"), user)
        self.fields["resident"].queryset = scope(Resident.objects.all(), user)


class RepairForm(_CallForm):
    category = forms.ModelChoiceField(
        label=_("problem"), queryset=WorkOrderCategory.objects.filter(is_active=True),
        empty_label=_("Choose the problem"),
        widget=forms.Select(attrs={"class": FIELD, "data-preview": "repair"}))
    priority = forms.ChoiceField(
        label=_("priority"), required=False,
        choices=[("", _("The category's default"))] + list(Priority.choices),
        widget=forms.Select(attrs={"class": FIELD, "data-preview": "repair"}))
    description = forms.CharField(label=_("what the caller says"), max_length=2000,
                                  widget=forms.Textarea(attrs={"class": FIELD, "rows": 3}))
    send_to = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The caller is picked: the problem is the next thing the agent gives.
        self.fields["category"].widget.attrs["autofocus"] = True

    def clean_send_to(self):
        value = self.cleaned_data.get("send_to") or ""
        if value in ("", SEND_TO_TEAM):
            return value
        if value.startswith(SEND_TO_USER) and value[len(SEND_TO_USER):].isdigit():
            return value
        raise forms.ValidationError(_("Choose whom to send the order to from the list."))

    def dispatch_to(self):
        """(dispatch now?, technician or None)."""
        value = self.cleaned_data.get("send_to") or ""
        if not value:
            return False, None
        if value == SEND_TO_TEAM:
            return True, None
        user = get_user_model().objects.filter(pk=int(value[len(SEND_TO_USER):])).first()
        if user is None:
            raise forms.ValidationError(_("Choose whom to send the order to from the list."))
        return True, user


class ComplaintForm(_CallForm):
    category = forms.ChoiceField(
        label=_("subject"), choices=[("", _("Choose the subject"))] + list(
            ComplaintCategory.choices), widget=forms.Select(attrs={"class": FIELD}))
    severity = forms.ChoiceField(
        label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL,
        widget=forms.Select(attrs={"class": FIELD, "data-preview": "complaint"}))
    content = forms.CharField(label=_("what the caller says"), max_length=4000,
                              widget=forms.Textarea(attrs={"class": FIELD, "rows": 3}))


class EnquiryForm(_CallForm):
    topic = forms.ChoiceField(label=_("topic"), choices=Topic.choices, initial=Topic.OTHER,
                              widget=forms.Select(attrs={"class": FIELD}))
    question = forms.CharField(label=_("what the caller asks"), max_length=4000,
                               widget=forms.Textarea(attrs={"class": FIELD, "rows": 3}))
    answer = forms.CharField(label=_("answer given at the desk (leave empty to hand over)"),
                             max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"class": FIELD, "rows": 2}))
    complex = forms.BooleanField(label=_("complex: needs investigation"), required=False)
