"""The Django admin's site: two kinds of administrator.

A platform operator (superuser) manages everything, Départements included. A
Département admin manages the users and reference data of their own
Département, through ModelAdmins that declare how their rows reach a
Département (`caseload.admin.DepartementScopedAdmin`).

A ModelAdmin registered without declaring its scope (a new one, or one of a
third-party app: groups, django-axes) is made operator-only at registration:
forgetting the scope hides a page from Département admins, it never shows
them another Département's rows.
"""

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured

# Models that must never be in the admin, whoever the administrator: health
# data is read only through the application's pages, which check and trace it.
NEVER_IN_ADMIN = {"beneficiaries.healthnote"}

# What a ModelAdmin declares in `admin_scope`.
SCOPE_OPERATOR = "operator"
SCOPE_DEPARTEMENT = "departement"


def is_operator(user):
    """A platform operator: an active superuser."""
    return bool(user and user.is_active and user.is_superuser)


class OperatorOnlyAdmin:
    """A ModelAdmin that only platform operators may see or use."""

    admin_scope = SCOPE_OPERATOR

    def has_module_permission(self, request):
        return is_operator(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_operator(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return is_operator(request.user) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return is_operator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user) and super().has_delete_permission(request, obj)


class ParcoursAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        )
        for model in models:
            if model._meta.label_lower in NEVER_IN_ADMIN:
                raise ImproperlyConfigured(
                    f"{model._meta.label} ne doit jamais figurer dans l'administration."
                )
        admin_class = admin_class or admin.ModelAdmin
        if getattr(admin_class, "admin_scope", None) not in {SCOPE_OPERATOR, SCOPE_DEPARTEMENT}:
            admin_class = type(
                admin_class.__name__,
                (OperatorOnlyAdmin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(models, admin_class, **options)
