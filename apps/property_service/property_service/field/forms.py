from django import forms
from django.utils.translation import gettext_lazy as _

from ..workorders.models import WorkOrderPhoto
from .services import MAX_PART_NAME, MAX_QUANTITY


class AcceptForm(forms.Form):
    appointment_at = forms.DateTimeField(
        label=_("Appointment"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Give the appointment time agreed with the resident."),
                        "invalid": _("Give the appointment as a date and time.")},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"))
    expected_state = forms.CharField(required=False, widget=forms.HiddenInput)


class PhotoForm(forms.Form):
    kind = forms.ChoiceField(label=_("Photos"), choices=[
        (WorkOrderPhoto.Kind.BEFORE, WorkOrderPhoto.Kind.BEFORE.label),
        (WorkOrderPhoto.Kind.AFTER, WorkOrderPhoto.Kind.AFTER.label)],
        error_messages={"required": _("Say whether the photos are from before or after the "
                                      "work."),
                        "invalid_choice": _("Say whether the photos are from before or after "
                                            "the work.")})


class PartForm(forms.Form):
    name = forms.CharField(label=_("Part or material"), max_length=MAX_PART_NAME,
                           error_messages={"required": _("Name the part or material.")})
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY,
                                  initial=1, error_messages={
                                      "required": _("Give the quantity."),
                                      "invalid": _("Give the quantity as a whole number.")})
