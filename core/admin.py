from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from caseload.perms import scope_of
from core.models import User, WorkerHeartbeat


class DepartementScopedAdmin(admin.ModelAdmin):
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
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_of(request.user)
        if scope.everything:
            return qs
        return qs.filter(staff_profile__structure__departement_id=scope.departement_id)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen_at"]
    readonly_fields = ["name", "last_seen_at"]
