from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from ..access.scoping import scope
from ..core.admin import BaseAdmin, CheckedChangeList, ScopedAdmin, WorkflowActionsMixin
from ..core.errors import ActionError
from ..core.filters import ScopedRelatedFilter
from ..core.params import id_param
from ..core.spreadsheets import XLSX
from ..core.targets import satisfaction_target
from ..registry.models import Resident
from . import documents, selectors, services
from .forms import answers_from_post, question_rows
from .models import (
    STAFF_CHANNELS,
    Question,
    Questionnaire,
    QuestionOption,
    ResponseChannel,
    Survey,
    SurveyAnswer,
    SurveyRecipient,
    SurveyResponse,
)
from .states import State

# --- questionnaires -------------------------------------------------------------------------


class FixedQuestionnaireMixin:
    """Read-only once answers were given to the questionnaire (``Questionnaire.is_fixed``)."""

    @staticmethod
    def questionnaire_of(obj):
        if obj is None:
            return None
        if isinstance(obj, Questionnaire):
            return obj
        if isinstance(obj, Question):
            return obj.questionnaire
        return obj.question.questionnaire

    def _fixed(self, obj) -> bool:
        questionnaire = self.questionnaire_of(obj)
        return questionnaire is not None and questionnaire.pk is not None and \
            questionnaire.is_fixed()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._fixed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._fixed(obj)


class FixedInlineMixin(FixedQuestionnaireMixin):
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._fixed(obj)


def english(text: str):
    """English reference data shown read-only: marked as English, not a word of the page."""
    return format_html('<span lang="en">{}</span>', text) if text else "—"


class QuestionInline(FixedInlineMixin, TabularInline):
    model = Question
    extra = 0
    fields = ["position", "dimension", "kind", "text", "text_en", "required"]
    show_change_link = True
    ordering = ["position", "id"]

    def get_fields(self, request, obj=None):
        if self._fixed(obj):
            return ["position", "dimension", "kind", "text", "text_in_english", "required"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["text_in_english"] if self._fixed(obj) else []

    @display(description=_("question (English)"))
    def text_in_english(self, question):
        return english(question.text_en)


@admin.register(Questionnaire)
class QuestionnaireAdmin(FixedQuestionnaireMixin, BaseAdmin):
    list_display = ["name", "is_active", "question_count", "fixed"]
    search_fields = ["=code"]
    fields = ["code", "title", "title_en", "introduction", "introduction_en", "is_active"]
    inlines = [QuestionInline]

    @display(description=_("title"), ordering="title")
    def name(self, questionnaire):
        return questionnaire.label

    @display(description=_("questions"))
    def question_count(self, questionnaire):
        return questionnaire.questions.count()

    @display(description=_("fixed"), boolean=True)
    def fixed(self, questionnaire):
        return questionnaire.is_fixed()


class OptionInline(FixedInlineMixin, TabularInline):
    model = QuestionOption
    extra = 0
    fields = ["position", "label_zh", "label_en", "score"]
    ordering = ["position", "id"]

    def get_fields(self, request, obj=None):
        if self._fixed(obj):
            return ["position", "label_zh", "label_in_english", "score"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["label_in_english"] if self._fixed(obj) else []

    @display(description=_("answer (English)"))
    def label_in_english(self, option):
        return english(option.label_en)


@admin.register(Question)
class QuestionAdmin(FixedQuestionnaireMixin, ScopedAdmin):
    list_display = ["questionnaire", "position", "dimension", "kind", "question", "required"]
    list_filter = ["questionnaire", "dimension", "kind"]
    list_select_related = ["questionnaire"]
    fields = ["questionnaire", "position", "dimension", "kind", "text", "text_en", "required"]
    inlines = [OptionInline]

    @display(description=_("Question"))
    def question(self, question):
        return question.label


# --- surveys --------------------------------------------------------------------------------


class SurveyChangeList(CheckedChangeList):
    """The list's rows carry their figures, read for the whole page at once."""

    def get_results(self, request):
        super().get_results(request)
        found = selectors.figures_of(self.result_list)
        for survey in self.result_list:
            survey.figures = found.get(survey.pk)


class SurveyActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("open", "open"), ("close", "close")])
    expected_state = forms.CharField(required=False)


@admin.register(Survey)
class SurveyAdmin(WorkflowActionsMixin, BaseAdmin):
    action_form_class = SurveyActionForm
    list_display = ["title", "community", "period", "state_badge", "opens_on", "closes_on",
                    "response_rate", "score"]
    list_filter = ["state", "period", ("community", ScopedRelatedFilter)]
    list_select_related = ["community", "questionnaire"]
    search_fields = ["=period"]
    search_help_text = _("Exact quarter, e.g. 2026-Q4.")
    change_form_outer_before_template = "property_service/survey_actions.html"
    fields = ["title", "community", "questionnaire", "period", "opens_on", "closes_on", "state",
              "opened_at", "closed_at", "created_by"]
    add_fields = ["community", "questionnaire", "period", "opens_on", "closes_on", "title"]
    draft_editable = ["title", "opens_on", "closes_on"]

    def get_changelist(self, request, **kwargs):
        return SurveyChangeList

    def has_change_permission(self, request, obj=None):
        # Once sent, a survey changes only through its actions (its page is read-only).
        return super().has_change_permission(request, obj) and (
            obj is None or obj.state == State.DRAFT)

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.state == State.DRAFT:
            return [f for f in self.fields if f not in self.draft_editable]
        return self.fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "title" in form.base_fields:
            form.base_fields["title"].required = False
            form.base_fields["title"].help_text = _("Empty: named after the community and "
                                                    "the quarter.")
        if obj is None and "questionnaire" in form.base_fields:
            form.base_fields["questionnaire"].queryset = Questionnaire.objects.filter(
                is_active=True)
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.survey_update(
                survey_id=obj.pk, user=request.user, title=data.get("title", obj.title),
                opens_on=data.get("opens_on", obj.opens_on),
                closes_on=data.get("closes_on", obj.closes_on))
        else:
            saved = services.survey_create(
                by=request.user, community=data["community"],
                questionnaire=data["questionnaire"], period=data["period"],
                opens_on=data["opens_on"], closes_on=data["closes_on"],
                title=data.get("title", ""))
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        pass

    @display(description=_("state"), ordering="state", label={
        State.DRAFT: "", State.OPEN: "info", State.CLOSED: "success"})
    def state_badge(self, survey):
        return survey.state, survey.get_state_display()

    @display(description=_("response rate"))
    def response_rate(self, survey):
        figures = getattr(survey, "figures", None)
        rate = figures.response_rate if figures else None
        return "—" if rate is None else f"{rate:g}%"

    @display(description=_("score (out of 100)"))
    def score(self, survey):
        figures = getattr(survey, "figures", None)
        return "—" if figures is None or figures.score is None else f"{figures.score:g}"

    def perform_action(self, user, survey, data):
        return services.survey_transition(survey_id=survey.pk, user=user, action=data["action"],
                                          expected_state=data["expected_state"] or None)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            figures = selectors.figures_of([obj])[obj.pk]
            user = request.user
            context.update({
                "s_act_url": reverse("admin:property_service_survey_act", args=[obj.pk]),
                "s_actions": services.available_actions(obj, user),
                "s_figures": figures,
                "s_dimensions": selectors.dimension_rows(figures),
                "s_target": satisfaction_target(),
                "s_met": None if figures.score is None else figures.score >= satisfaction_target(),
                "s_texts": selectors.texts_of(obj),
                "s_events": obj.events.select_related("by"),
                "s_can_record": obj.takes_answers()
                and user.has_perm("property_service.add_surveyresponse"),
                "s_record_url": reverse("admin:property_service_surveyresponse_record")
                + f"?survey={obj.pk}",
                "s_can_export": user.has_perm("property_service.export_survey"),
                "s_export_url": reverse("admin:property_service_survey_results",
                                        args=[obj.pk]),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path("<int:object_id>/results.xlsx", self.admin_site.admin_view(self.results_view),
                 name="property_service_survey_results"),
        ] + super().get_urls()

    def results_view(self, request, object_id):
        if not request.user.has_perm("property_service.export_survey"):
            raise PermissionDenied
        survey = get_object_or_404(self.get_queryset(request), pk=object_id)
        response = HttpResponse(documents.results_xlsx(survey), content_type=XLSX)
        response["Content-Disposition"] = \
            f'attachment; filename="{documents.results_filename(survey)}"'
        return response


# --- responses ------------------------------------------------------------------------------


class AnswerInline(TabularInline):
    model = SurveyAnswer
    extra = 0
    fields = ["question", "value", "option", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(BaseAdmin):
    list_display = ["survey", "unit", "channel", "answered_at", "recorded_by"]
    list_filter = ["channel", ("survey", ScopedRelatedFilter)]
    list_select_related = ["survey", "unit__building__community", "recorded_by"]
    search_fields = ["=unit__number"]
    search_help_text = _("Exact unit number.")
    fields = ["survey", "unit", "resident", "channel", "answered_at", "recorded_by"]
    readonly_fields = fields
    inlines = [AnswerInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:property_service_surveyresponse_record"))

    def get_urls(self):
        return [
            path("record/", self.admin_site.admin_view(self.record_view),
                 name="property_service_surveyresponse_record"),
        ] + super().get_urls()

    def record_view(self, request):
        """Record a household's answers taken by phone, on paper or in person: first the
        survey (an open one of the user's communities), then the unit and every answer."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        open_surveys = scope(Survey.objects.filter(state=State.OPEN), request.user) \
            .select_related("community").order_by("community__name", "pk")
        survey_id = id_param(request.GET, "survey")
        survey = open_surveys.filter(pk=survey_id).first() if survey_id else None
        context = {**self.admin_site.each_context(request),
                   "title": _("Record survey answers"), "open_surveys": open_surveys,
                   "survey": survey, "channels": [(c, ResponseChannel(c).label)
                                                  for c in STAFF_CHANNELS]}
        if survey is None:
            return TemplateResponse(request, "property_service/survey_record.html", context)
        questions = selectors.questions_of(survey.questionnaire_id)
        given, errors, form_errors = {}, {}, []
        if request.method == "POST":
            answers, given = answers_from_post(request.POST, questions)
            unit = SurveyRecipient.objects.filter(
                survey=survey, unit_id=id_param(request.POST, "unit")).select_related(
                "unit").first()
            resident_id = id_param(request.POST, "resident")
            resident = scope(Resident.objects.all(), request.user).filter(
                pk=resident_id).first() if resident_id else None
            try:
                response = services.survey_record_response(
                    by=request.user, survey_id=survey.pk, unit=unit.unit if unit else None,
                    answers=answers, channel=request.POST.get("channel", ""),
                    resident=resident)
            except services.AnswersRefused as error:
                errors = error.errors
                form_errors.append(error.message)
            except ActionError as error:
                form_errors.append(error.message)
            else:
                messages.success(request, _("The answers were recorded."))
                return redirect(reverse("admin:property_service_surveyresponse_change",
                                        args=[response.pk]))
        answered = SurveyResponse.objects.filter(survey=survey).values("unit_id")
        context.update({
            "questions": question_rows(questions, given, errors),
            "units": SurveyRecipient.objects.filter(survey=survey).exclude(
                unit_id__in=answered).select_related("unit__building__community").order_by(
                "unit__building__name", "unit__number")[:2000],
            "form_errors": form_errors, "posted": request.POST,
        })
        return TemplateResponse(request, "property_service/survey_record.html", context,
                                status=400 if form_errors else 200)
