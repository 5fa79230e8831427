"""The Django admin of users, staff and reference data.

Every ModelAdmin here (and in the apps above) derives from
`DepartementScopedAdmin`: a Département admin sees, picks and changes only the
rows of their own Département; a platform operator (superuser) sees all. A
ModelAdmin that does not declare its scope is operator-only
(`core.admin_site`).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caseload.enums import StaffRole
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
from caseload.services import (
    cap_policies_initialise,
    staff_invite,
    user_password_change_force,
    user_password_reset_send,
)
from core.admin import DateRangeAdminMixin
from core.admin_site import SCOPE_DEPARTEMENT, OperatorOnlyAdmin, is_operator
from core.models import User


def admin_departement_id(request):
    """The Département a Département admin administers; None for anyone else
    (an operator included: `is_operator` is asked first)."""
    scope = scope_of(request.user)
    if scope.is_admin and request.user.is_staff:
        return scope.departement_id
    return None


class DepartementScopedAdmin(DateRangeAdminMixin, admin.ModelAdmin):
    """An admin page that keeps a Département admin in their Département.

    `departement_path` is the lookup from the model to its Département. For a
    Département admin, it scopes the list, every object URL (another
    Département's object is a 404, like one that does not exist), the
    actions (they run on the scoped list), the list filters, and the choices
    of every ForeignKey and ManyToMany field: a related model is offered
    through its own registered admin's scope, and a related model without a
    scoped admin offers nothing. A save that would leave the object outside
    the Département is refused and rolled back.
    """

    admin_scope = SCOPE_DEPARTEMENT
    departement_path = "departement"

    # --- Who may use the page ------------------------------------------------------

    def _allowed(self, request):
        return is_operator(request.user) or admin_departement_id(request) is not None

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) and super().has_delete_permission(request, obj)

    # --- Rows ------------------------------------------------------------------------

    def scope_queryset(self, request, queryset):
        """`queryset` (of this admin's model) cut to the request's Département."""
        if is_operator(request.user):
            return queryset
        departement_id = admin_departement_id(request)
        if departement_id is None:
            return queryset.none()
        return queryset.filter(**{f"{self.departement_path}_id": departement_id})

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        """Another Département's object is not found: a 404, never a redirect
        that would tell it exists."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("Cet élément n'existe pas."))
        return obj

    # --- Choices ---------------------------------------------------------------------

    def related_choices(self, request, model, queryset):
        """The rows of `model` a Département admin may pick in a form."""
        if is_operator(request.user):
            return queryset
        departement_id = admin_departement_id(request)
        if departement_id is None:
            return queryset.none()
        if model is Departement:
            return queryset.filter(pk=departement_id)
        related_admin = self.admin_site._registry.get(model)
        if isinstance(related_admin, DepartementScopedAdmin):
            return related_admin.scope_queryset(request, queryset)
        return queryset.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = self.related_choices(
                request, db_field.remote_field.model, field.queryset
            )
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.queryset = self.related_choices(
                request, db_field.remote_field.model, field.queryset
            )
        return field

    def get_list_filter(self, request):
        """A relation filter lists only the values of the admin's rows, not
        every Département's."""
        list_filter = super().get_list_filter(request)
        if is_operator(request.user):
            return list_filter
        scoped = []
        for item in list_filter:
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                item = (item, admin.RelatedOnlyFieldListFilter)
            scoped.append(item)
        return scoped

    # --- Saving ----------------------------------------------------------------------

    def save_related(self, request, form, formsets, change):
        """Last step of a save (in the admin's transaction): the object must
        still be in the admin's Département, whatever the form allowed."""
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not self.scope_queryset(request, self.model._default_manager.filter(pk=obj.pk)).exists():
            raise PermissionDenied(gettext("Cet élément sortirait de votre Département."))


# --- Users ---------------------------------------------------------------------------

# What only an operator may set on a user; a Département admin's form has none of
# them, and a request that sends one is refused.
OPERATOR_ONLY_USER_FIELDS = (
    "is_superuser",
    "is_staff",
    "groups",
    "user_permissions",
    "password",
    "password1",
    "password2",
    "usable_password",
)


class StaffInvitationForm(forms.ModelForm):
    """A new staff member: account, role, structure, territories. No password:
    the person gets a link to choose theirs."""

    role = forms.ChoiceField(label=_("rôle"), choices=StaffRole.choices)
    structure = forms.ModelChoiceField(label=_("structure"), queryset=Structure.objects.none())
    territories = forms.ModelMultipleChoiceField(
        label=_("territoires"),
        queryset=Territory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    part_time_ratio = StaffProfile._meta.get_field("part_time_ratio").formfield()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean(self):
        cleaned = super().clean()
        structure = cleaned.get("structure")
        territories = cleaned.get("territories") or []
        if structure is not None and any(
            t.departement_id != structure.departement_id for t in territories
        ):
            self.add_error(
                "territories",
                _("Les territoires doivent être ceux du Département de la structure."),
            )
        return cleaned

    def save_m2m(self):
        """The profile and its territories are written by `staff_invite`."""


class DepartementUserChangeForm(forms.ModelForm):
    """A user as a Département admin edits them: identity and activity only."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]
        field_classes = {"username": UsernameField}


@admin.register(User)
class UserAdmin(DepartementScopedAdmin, DjangoUserAdmin):
    departement_path = "staff_profile__structure__departement"
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    add_form = StaffInvitationForm
    add_form_template = None
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        (
            _("Poste"),
            {"fields": ("role", "structure", "territories", "part_time_ratio")},
        ),
    )
    actions = ["send_password_reset", "force_password_change"]

    def scope_queryset(self, request, queryset):
        queryset = super().scope_queryset(request, queryset)
        if is_operator(request.user):
            return queryset
        return queryset.filter(is_superuser=False)

    def get_list_filter(self, request):
        if is_operator(request.user):
            return super().get_list_filter(request)
        return ["is_active"]

    def get_fieldsets(self, request, obj=None):
        if obj is None or is_operator(request.user):
            fieldsets = super().get_fieldsets(request, obj)
            if obj is not None:
                fieldsets = (
                    *fieldsets,
                    (_("Mot de passe"), {"fields": ("must_change_password",)}),
                )
            return fieldsets
        return (
            (None, {"fields": ("username",)}),
            (_("Identité"), {"fields": ("first_name", "last_name", "email")}),
            (_("Compte"), {"fields": ("is_active", "must_change_password")}),
            (_("Dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None or is_operator(request.user):
            return readonly
        readonly += ["last_login", "date_joined", "must_change_password"]
        if obj.last_login is not None:
            # The address the reset links go to: once the person has used
            # their account, only an operator changes it (else an admin could
            # send the person's reset link to themselves).
            readonly.append("email")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not is_operator(request.user):
            # Not Django's change form: its password field links to the page
            # that sets a password.
            kwargs["form"] = DepartementUserChangeForm
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            structures = self.related_choices(request, Structure, Structure.objects.all())
            territories = self.related_choices(request, Territory, Territory.objects.all())
            roles = [
                choice
                for choice in StaffRole.choices
                if is_operator(request.user) or choice[0] != StaffRole.ADMIN
            ]
            form.base_fields["structure"].queryset = structures
            form.base_fields["territories"].queryset = territories
            form.base_fields["role"].choices = roles
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not is_operator(request.user):
            refused = [name for name in OPERATOR_ONLY_USER_FIELDS if name in request.POST]
            if refused:
                raise PermissionDenied(
                    gettext("Seul un opérateur de la plateforme modifie ces champs : %(fields)s.")
                    % {"fields": ", ".join(refused)}
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        """Nobody but an operator sets another user's password: a Département
        admin sends a reset link or forces a change at the next login."""
        if not is_operator(request.user):
            self.get_object(request, id)  # another Département's user: 404
            raise PermissionDenied(
                gettext(
                    "Vous ne pouvez pas choisir le mot de passe d'un utilisateur : "
                    "envoyez-lui un lien de réinitialisation."
                )
            )
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        try:
            staff_invite(
                acting_user=request.user,
                user=obj,
                role=data["role"],
                structure=data["structure"],
                territories=data["territories"],
                part_time_ratio=data["part_time_ratio"],
            )
        except ValidationError as exc:
            raise PermissionDenied("; ".join(exc.messages)) from exc

    @admin.action(description=_("Envoyer un lien de réinitialisation du mot de passe"))
    def send_password_reset(self, request, queryset):
        self._account_action(
            request,
            queryset,
            user_password_reset_send,
            gettext("Lien de réinitialisation envoyé à %(count)s utilisateur(s)."),
        )

    @admin.action(description=_("Forcer le changement du mot de passe à la prochaine connexion"))
    def force_password_change(self, request, queryset):
        self._account_action(
            request,
            queryset,
            user_password_change_force,
            gettext("Changement du mot de passe imposé à %(count)s utilisateur(s)."),
        )

    def get_urls(self):
        buttons = [
            path(
                "<path:object_id>/lien-de-reinitialisation/",
                self.admin_site.admin_view(self.send_password_reset_view),
                name="core_user_send_password_reset",
            ),
            path(
                "<path:object_id>/changement-de-mot-de-passe-impose/",
                self.admin_site.admin_view(self.force_password_change_view),
                name="core_user_force_password_change",
            ),
        ]
        return buttons + super().get_urls()

    def send_password_reset_view(self, request, object_id):
        """The change form's button: the action, for this user."""
        return self._account_button(
            request,
            object_id,
            user_password_reset_send,
            gettext("Lien de réinitialisation envoyé à %(count)s utilisateur(s)."),
        )

    def force_password_change_view(self, request, object_id):
        return self._account_button(
            request,
            object_id,
            user_password_change_force,
            gettext("Changement du mot de passe imposé à %(count)s utilisateur(s)."),
        )

    def _account_button(self, request, object_id, service, done_message):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        user = self.get_object(request, unquote(object_id))  # another Département's: 404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        self._account_action(request, User.objects.filter(pk=user.pk), service, done_message)
        return redirect(reverse("admin:core_user_change", args=[user.pk]))

    def _account_action(self, request, queryset, service, done_message):
        done = 0
        for user in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    service(acting_user=request.user, user=user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
                continue
            done += 1
        if done:
            messages.success(request, done_message % {"count": done})


# --- Reference data ------------------------------------------------------------------


@admin.register(Departement)
class DepartementAdmin(OperatorOnlyAdmin, DateRangeAdminMixin, admin.ModelAdmin):
    """Only a platform operator manages Départements."""

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
    """A Département admin creates staff from the users' page (an invitation,
    `staff_invite`) and never appoints or edits an admin here: only an
    operator does."""

    departement_path = "structure__departement"
    list_display = ["user", "role", "structure", "part_time_ratio", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__last_name", "user__first_name", "user__username"]
    list_select_related = ["user", "structure"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["territories"]

    def has_add_permission(self, request):
        return is_operator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.role == StaffRole.ADMIN and not is_operator(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.role == StaffRole.ADMIN and not is_operator(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not is_operator(request.user):
            readonly.append("user")
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role" and not is_operator(request.user):
            field.choices = [c for c in field.choices if c[0] != StaffRole.ADMIN]
        return field


@admin.register(Binome)
class BinomeAdmin(DepartementScopedAdmin):
    departement_path = "pe_advisor__structure__departement"
    list_display = ["pe_advisor", "social_worker", "created_at", "dissolved_at"]
    list_select_related = ["pe_advisor__user", "social_worker__user"]
    readonly_fields = ["created_at"]
