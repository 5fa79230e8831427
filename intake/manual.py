"""A person typed in by a manager or an admin, through the one intake path.

The identity goes through the import's own row checks (`RowChecker`: CAF
number, household role, names, dates, NIR key and its coherence with the
civility and the birth date), the contact details through the import's
contact rules, then the import's matching, widened to the same name and birth
date: a possible duplicate is shown before anything is saved. The person is
then written by `intake.people.beneficiary_create`, like an imported one,
with their pathway pending orientation and its deadlines.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from beneficiaries.services import contact_normalise
from intake.imports.columns import normalise_header
from intake.imports.validation import RowChecker
from intake.people import beneficiary_create

# The fields the import's row checks cover, in the checker's names.
CHECKED_FIELDS = (
    "caf_number",
    "household_role",
    "civility",
    "last_name",
    "first_name",
    "birth_name",
    "birth_date",
    "rsa_application_date",
    "rights_opening_date",
    "nir",
)
CONTACT_FIELDS = ("address_line", "postcode", "city", "phone", "email")
# Typed in by hand, a new applicant is given in full.
MANUAL_REQUIRED = (
    "caf_number",
    "household_role",
    "last_name",
    "first_name",
    "rsa_application_date",
)


@dataclass
class PossibleDuplicate:
    """A person already in the Département who may be the one typed in.
    `blocking`: the same CAF number and role, NIR or software id, which the
    database refuses twice; otherwise (same name and birth date) the user may
    confirm that they are two people."""

    person: Beneficiary
    reasons: list = field(default_factory=list)
    blocking: bool = False


def person_check(values):
    """The identity checked by the import's rules, in the stored form: a
    ValidationError naming each field otherwise."""
    checker = RowChecker(
        list(CHECKED_FIELDS),
        {normalise_header(name): name for name in CHECKED_FIELDS},
        required=MANUAL_REQUIRED,
        nir_finds=False,
    )
    row = checker.check([values.get(name) or "" for name in CHECKED_FIELDS])
    if row.errors:
        errors = {}
        for name, reason in row.errors:
            errors.setdefault(name, []).append(reason[:1].upper() + reason[1:] + ".")
        raise ValidationError(errors)
    return row.values


def possible_duplicates(*, departement, values):
    """People of the Département with the same CAF number and role, NIR or
    software id (blocking), or the same name and birth date."""
    keys = Q(caf_number=values["caf_number"], household_role=values["household_role"])
    if values.get("nir"):
        keys |= Q(nir=values["nir"])
    if values.get("external_id"):
        keys |= Q(external_id=values["external_id"])
    if values.get("birth_date"):
        keys |= Q(
            last_name__iexact=values["last_name"],
            first_name__iexact=values["first_name"],
            birth_date=values["birth_date"],
        )
    found = []
    for person in (
        Beneficiary.objects.filter(departement=departement)
        .filter(keys)
        .select_related("territory")
        .order_by("last_name", "first_name", "pk")[:10]
    ):
        match = PossibleDuplicate(person=person)
        if (person.caf_number, person.household_role) == (
            values["caf_number"],
            values["household_role"],
        ):
            match.reasons.append(_("même numéro allocataire et même rôle dans le foyer"))
            match.blocking = True
        if values.get("nir") and person.nir == values["nir"]:
            match.reasons.append(_("même NIR"))
            match.blocking = True
        if values.get("external_id") and person.external_id == values["external_id"]:
            match.reasons.append(_("même identifiant du logiciel départemental"))
            match.blocking = True
        if (
            values.get("birth_date")
            and person.birth_date == values["birth_date"]
            and person.last_name.casefold() == values["last_name"].casefold()
            and person.first_name.casefold() == values["first_name"].casefold()
        ):
            match.reasons.append(_("mêmes nom, prénom et date de naissance"))
        found.append(match)
    return found


@transaction.atomic
def beneficiary_create_by_hand(
    *, acting_user, departement, values, territory=None, commune=None, confirm_duplicate=False
):
    """Check a person typed in, look for possible duplicates, and create them.

    Returns `(person, duplicates)`: `person` is None, and nothing is written,
    when a possible duplicate is found that the user has not confirmed (or
    cannot confirm: same CAF number and role, NIR or software id). The
    territory and the commune must be of the Département (the caller offers
    only those of the user's scope).
    """
    checked = person_check(values)
    errors = {}
    if territory is not None and territory.departement_id != departement.pk:
        errors["territory"] = _("Ce territoire n'est pas celui de votre Département.")
    if commune is not None:
        if commune.territory.departement_id != departement.pk:
            errors["commune"] = _("Cette commune n'est pas dans votre Département.")
        elif territory is not None and commune.territory_id != territory.pk:
            errors["commune"] = _("Cette commune n'est pas dans le territoire choisi.")
    if errors:
        raise ValidationError(errors)
    if values.get("external_id"):
        checked["external_id"] = values["external_id"].strip()
    duplicates = possible_duplicates(departement=departement, values=checked)
    if duplicates and (not confirm_duplicate or any(d.blocking for d in duplicates)):
        return None, duplicates
    contact = {name: contact_normalise(name, values.get(name)) for name in CONTACT_FIELDS}
    person = beneficiary_create(
        acting_user=acting_user,
        departement=departement,
        detail="saisie",
        territory=territory or (commune.territory if commune else None),
        commune=commune,
        **checked,
        **contact,
    )
    return person, duplicates
