"""Manager console: a person typed in by a manager (in one of their
territories) or an admin (in their Département), checked and matched like an
imported one (`intake.manual`); a possible duplicate is shown before anything
is saved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beneficiaries.models import Beneficiary
from caseload.models import Departement, Territory
from caseload.perms import scope_of
from core.forms_utils import apply_service_errors
from intake.manual import beneficiary_create_by_hand
from web.console.helpers import manager_required
from web.console.person_forms import PersonCreateForm

FORM_FIELDS_SENT_TO_SERVICE = (
    "caf_number",
    "household_role",
    "nir",
    "civility",
    "last_name",
    "birth_name",
    "first_name",
    "birth_date",
    "rsa_application_date",
    "rights_opening_date",
    "address_line",
    "postcode",
    "city",
    "phone",
    "email",
)


@require_http_methods(["GET", "POST"])
@manager_required
def person_create(request):
    scope = scope_of(request.user)
    if scope.departement_id is None:
        raise PermissionDenied
    departement = Departement.objects.get(pk=scope.departement_id)
    territories = Territory.objects.visible_to(request.user)
    form = PersonCreateForm(
        request.POST or None, territories=territories, territory_required=not scope.is_admin
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, duplicates = beneficiary_create_by_hand(
                acting_user=request.user,
                departement=departement,
                values={name: data[name] for name in FORM_FIELDS_SENT_TO_SERVICE},
                territory=data["territory"],
                commune=data["commune"],
                confirm_duplicate=data["confirm_duplicate"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if person is not None:
                messages.success(
                    request,
                    _("%(name)s est enregistré(e), avec son parcours et ses délais.")
                    % {"name": person.full_name},
                )
                return redirect("console:person", pk=person.pk)
    visible = set(
        Beneficiary.objects.visible_to(request.user)
        .filter(pk__in=[d.person.pk for d in duplicates])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "console/person_create.html",
        {
            "form": form,
            "duplicates": [(d, d.person.pk in visible) for d in duplicates],
            "can_confirm": bool(duplicates) and not any(d.blocking for d in duplicates),
            "console_tab": "create",
        },
        status=422 if request.method == "POST" else 200,
    )
