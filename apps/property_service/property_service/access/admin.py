from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from ..core.admin import BaseStackedInline, CheckedListsMixin, ReadOnlyAdmin
from ..core.models import PersonalDataAccess
from .models import StaffProfile
from .roles import role_label

admin.site.unregister(User)
admin.site.unregister(Group)


class StaffProfileInline(BaseStackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["all_communities", "communities", "phone"]
    autocomplete_fields = ["communities"]
    verbose_name_plural = _("communities this user works for")


# Django's own permissions are named in English in the database ("Can add unit"): a page shows
# them from the model's translated names instead.
DEFAULT_PERMISSION_LABELS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    opts = model._meta
    action, _sep, model_name = permission.codename.partition("_")
    # simple-history names its copies "historical <name>", untranslated.
    tracked = getattr(model, "instance_type", None)
    shown = (_("%(model)s (history)") % {"model": tracked._meta.verbose_name} if tracked
             else opts.verbose_name)
    name = dict(opts.permissions).get(permission.codename)
    if name is None and action in DEFAULT_PERMISSION_LABELS and model_name == opts.model_name:
        name = DEFAULT_PERMISSION_LABELS[action] % {"model": shown}
    return (f"{apps.get_app_config(opts.app_label).verbose_name} | {shown} | "
            f"{name or permission.name}")


class RolesAndPermissionsInLanguageMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        elif field is not None and db_field.name == "groups":
            field.label_from_instance = lambda group: role_label(group.name)
        return field


class RoleFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(group.pk, role_label(group.name)) for group in Group.objects.order_by("name")]


@admin.register(User)
class UserAdmin(RolesAndPermissionsInLanguageMixin, CheckedListsMixin, DjangoUserAdmin,
                ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "role_names", "is_active",
                    "is_staff"]
    list_filter = [("groups", RoleFilter), "is_active", "is_staff", "is_superuser"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(role_label(g.name) for g in user.groups.all())


@admin.register(Group)
class GroupAdmin(RolesAndPermissionsInLanguageMixin, CheckedListsMixin, DjangoGroupAdmin,
                 ModelAdmin):
    list_display = ["role"]

    @admin.display(description=_("role"), ordering="name")
    def role(self, group):
        return role_label(group.name)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """The log of unmasked views of personal data and of lookups by full numbers: read-only,
    for audits."""

    list_display = ["accessed_at", "user", "kind", "resident", "looked_up", "channel"]
    list_filter = ["kind", "channel", "accessed_at"]
    list_select_related = ["user", "resident"]
    search_fields = ["^user__username", "^resident__name"]
    date_hierarchy = "accessed_at"
