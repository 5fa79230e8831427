from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from caseload.models import (
    Binome,
    CapPolicy,
    Commune,
    Departement,
    StaffProfile,
    Structure,
    Territory,
)
from caseload.perms import scope_of
from caseload.services import cap_policies_initialise
from core.admin import DateRangeAdminMixin
from core.models import User


class DepartementScopedAdmin(DateRangeAdminMixin, admin.ModelAdmin):
    """An admin page that shows only the rows of the user's Département.

    `departement_path` is the lookup from the model to its Département.
    """

    departement_path = "departement"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_of(request.user)
        if scope.everything:
            return qs
        if scope.departement_id is None:
            return qs.none()
        return qs.filter(**{f"{self.departement_path}_id": scope.departement_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        scope = scope_of(request.user)
        if not scope.everything and db_field.name == "departement" and field is not None:
            field.queryset = field.queryset.filter(pk=scope.departement_id)
        return field


@admin.register(User)
class UserAdmin(DateRangeAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_of(request.user)
        if scope.everything:
            return qs
        return qs.filter(staff_profile__structure__departement_id=scope.departement_id)


@admin.register(Departement)
class DepartementAdmin(DateRangeAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "auto_assign_imports"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new Département gets its cap policies with the defaults of the sources.
        cap_policies_initialise(departement=obj)


@admin.register(Territory)
class TerritoryAdmin(DepartementScopedAdmin):
    list_display = ["name", "departement"]
    list_filter = ["departement"]
    search_fields = ["name"]


@admin.register(Commune)
class CommuneAdmin(DepartementScopedAdmin):
    departement_path = "territory__departement"
    list_display = ["name", "postcode", "insee_code", "territory"]
    list_filter = ["territory"]
    search_fields = ["name", "postcode", "insee_code"]
    list_select_related = ["territory"]


@admin.register(Structure)
class StructureAdmin(DepartementScopedAdmin):
    list_display = ["name", "kind", "departement"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(CapPolicy)
class CapPolicyAdmin(DepartementScopedAdmin):
    list_display = ["role", "programme", "cap", "departement"]
    list_editable = ["cap"]
    list_filter = ["role", "programme"]


@admin.register(StaffProfile)
class StaffProfileAdmin(DepartementScopedAdmin):
    departement_path = "structure__departement"
    list_display = ["user", "role", "structure", "part_time_ratio", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__last_name", "user__first_name", "user__username"]
    list_select_related = ["user", "structure"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["territories"]


@admin.register(Binome)
class BinomeAdmin(DepartementScopedAdmin):
    departement_path = "pe_advisor__structure__departement"
    list_display = ["pe_advisor", "social_worker", "created_at", "dissolved_at"]
    list_select_related = ["pe_advisor__user", "social_worker__user"]
    readonly_fields = ["created_at"]
