from django.contrib import admin
from django.db import transaction

from caseload.admin import DepartementScopedAdmin
from caseload.perms import scope_of
from pathways.models import DeadlinePolicy, ServiceOffer
from pathways.tasks import recompute_deadlines


@admin.register(ServiceOffer)
class ServiceOfferAdmin(DepartementScopedAdmin):
    list_display = ["title", "theme", "provider", "funding", "territory", "is_active"]
    list_filter = ["theme", "funding", "is_active"]
    search_fields = ["title", "provider"]
    list_select_related = ["territory"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(DepartementScopedAdmin):
    """Delays and reminder steps. Saving recomputes the open deadlines the
    row governs (in a task, after the commit); met and closed ones keep
    their dates."""

    list_display = [
        "__str__",
        "entry_delay_days",
        "orientation_delay_days",
        "contract_delay_months",
        "reminder_days_before",
        "escalation_days_after",
        "working_days",
        "updated_at",
    ]
    list_select_related = ["departement"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not scope_of(request.user).everything and "departement" in form.base_fields:
            # Only a superuser sets the policy shared by every Département.
            form.base_fields["departement"].required = True
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        departement_id = obj.departement_id
        transaction.on_commit(lambda: recompute_deadlines.delay(departement_id))

    def delete_queryset(self, request, queryset):
        departement_ids = list(queryset.values_list("departement_id", flat=True))
        super().delete_queryset(request, queryset)
        for departement_id in departement_ids:
            transaction.on_commit(
                lambda departement_id=departement_id: recompute_deadlines.delay(departement_id)
            )

    def delete_model(self, request, obj):
        departement_id = obj.departement_id
        super().delete_model(request, obj)
        transaction.on_commit(lambda: recompute_deadlines.delay(departement_id))
