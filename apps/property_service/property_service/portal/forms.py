from django import forms
from django.utils.translation import gettext_lazy as _

from ..complaints.models import Category
from ..enquiries.models import Topic
from ..workorders.models import WorkOrderCategory


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their content is checked by the portal services."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


class RegisterForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=16)
    name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class RepairForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    category = forms.ModelChoiceField(label=_("What needs repair"),
                                      queryset=WorkOrderCategory.objects.filter(is_active=True))
    description = forms.CharField(label=_("Describe the problem"), widget=forms.Textarea(
        attrs={"rows": 4}), max_length=2000)
    photos = MultipleFileField(label=_("Photos (optional, up to 5)"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/*"}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, str(u)) for u in units]


class ComplaintForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    category = forms.ChoiceField(label=_("Subject"), choices=Category.choices)
    content = forms.CharField(label=_("What happened"), widget=forms.Textarea(
        attrs={"rows": 4}), max_length=4000)
    request = forms.CharField(label=_("What you would like us to do"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    attachments = MultipleFileField(label=_("Photos or PDF (optional, up to 5)"),
                                    required=False,
                                  widget=MultipleFileInput())

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, str(u)) for u in units]


class RatingForm(forms.Form):
    fixed = forms.TypedChoiceField(label=_("Is the problem solved?"), coerce=lambda v: v == "yes",
                                   choices=[("yes", _("Yes")), ("no", _("No"))])
    satisfaction = forms.TypedChoiceField(label=_("Your satisfaction"), coerce=int,
                                          choices=[(n, str(n)) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class EnquiryForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, initial=Topic.OTHER)
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea(
        attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, str(u)) for u in units]


class ActivitySignupForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Household (unit)"), coerce=int)
    people = forms.TypedChoiceField(label=_("How many people"), coerce=int)

    def __init__(self, *args, units=(), limit=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, str(u)) for u in units]
        self.fields["people"].choices = [(n, str(n)) for n in range(1, limit + 1)]


class ActivityFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating (0-10)"), coerce=int,
                                    choices=[(n, str(n)) for n in range(10, -1, -1)])
    satisfied = forms.TypedChoiceField(label=_("Were you satisfied?"),
                                       coerce=lambda v: v == "yes",
                                       choices=[("yes", _("Yes")), ("no", _("No"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SpecialServiceForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    preferred_at = forms.DateTimeField(
        label=_("Preferred time (optional)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    notes = forms.CharField(label=_("Notes (optional)"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, units=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, str(u)) for u in units]
        self.fields["service"].choices = [(s.pk, f"{s.label} · {s.price_label}")
                                          for s in services]
