"""The call-intake desk (来电登记) has no table of its own: it finds the caller in the registry and
files work orders and complaints through their services. This proxy (of a small table without
history) only gives the desk its place in the back office's menu, which lists models."""

from django.utils.translation import gettext_lazy as _

from ..core.models import NumberSequence


class CallDesk(NumberSequence):
    class Meta:
        proxy = True
        verbose_name = _("call intake desk")
        verbose_name_plural = _("call intake desk")
        default_permissions = ()
