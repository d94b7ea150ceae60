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

admin.site.unregister(User)
admin.site.unregister(Group)


class StaffProfileInline(BaseStackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["all_communities", "communities", "phone"]
    autocomplete_fields = ["communities"]
    verbose_name_plural = _("communities this user works for")


@admin.register(User)
class UserAdmin(CheckedListsMixin, DjangoUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "role_names", "is_active",
                    "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(g.name for g in user.groups.all())


@admin.register(Group)
class GroupAdmin(CheckedListsMixin, DjangoGroupAdmin, ModelAdmin):
    pass


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """The log of unmasked views of personal data and of lookups by full numbers: read-only,
    for audits."""

    list_display = ["accessed_at", "user", "kind", "resident", "looked_up", "channel"]
    list_filter = ["kind", "channel", "accessed_at"]
    list_select_related = ["user", "resident"]
    search_fields = ["^user__username", "^resident__name"]
    date_hierarchy = "accessed_at"
