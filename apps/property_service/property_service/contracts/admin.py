from django.contrib import admin

from ..renewals.admin import AgreementAdmin
from .models import Contract


@admin.register(Contract)
class ContractAdmin(AgreementAdmin):
    list_display = ["number", "counterparty", "kind", "community", "state_badge", "end_date",
                    "days_left", "renewal_step", "responsible_name", "value"]
    search_fields = ["number", "counterparty"]
    add_fields = ["community", "kind", "number", "counterparty", "start_date", "end_date",
                  "value", "currency", "notice_period_days", "auto_renew", "renewal_terms",
                  "responsible", "notes"]
    amount_field = "value"
