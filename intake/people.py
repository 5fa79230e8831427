"""The one way a new person comes in: the person, their pathway pending
orientation, its first transition, its deadlines and reminder steps, and
their next deadline for the portfolio sort.

`beneficiaries_create_bulk` is the writer (imports call it a batch at a time;
COPY on PostgreSQL, `bulk_create` elsewhere, through `core.bulk`);
`beneficiary_create`, the manual creation of one person, checks the person
with the model's own rules and then calls it with one row, so that a person
typed in and a person imported are written by the same code.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from beneficiaries.enums import AccessAction, ReferenceDateSource
from beneficiaries.models import Beneficiary
from beneficiaries.services import access_logs_record_bulk
from beneficiaries.validators import canonical_caf_number, normalise_nir
from core.bulk import insert_rows
from pathways.policies import policy_for
from pathways.services.opening import opening_next_deadline, pathways_open_bulk

# The columns a new person is written with; the others keep their defaults
# (the database's for `created_at`).
NEW_PERSON_DEFAULTS = {
    "caf_number": "",
    "household_role": "demandeur",
    "territory_id": None,
    "commune_id": None,
    "civility": "",
    "birth_name": "",
    "nir": "",
    "external_id": "",
    "birth_date": None,
    "address_line": "",
    "postcode": "",
    "city": "",
    "phone": "",
    "email": "",
    "rsa_application_date": None,
    "rights_opening_date": None,
    "france_travail_id": "",
    "known_to_departement": False,
    "reinforced_consent": None,
    "reinforced_consent_on": None,
    "last_contact_at": None,
    "anonymised_at": None,
    "next_deadline_on": None,
    "version": 1,
}
# Set by the writer (or the database), never by the caller.
WRITER_COLUMNS = {"id", "departement_id", "created_at", "updated_at"}


def reference_date(rsa_application_date, rights_opening_date, today=None):
    """(date, ReferenceDateSource) the deadlines of a new applicant start
    from: the RSA application date when known, else the start of rights and
    duties ("DATE DEBUT DROITS - DEVOIRS"), else the day the person is
    recorded (many Département files give neither)."""
    if rsa_application_date:
        return rsa_application_date, ReferenceDateSource.APPLICATION
    if rights_opening_date:
        return rights_opening_date, ReferenceDateSource.RIGHTS
    return today or timezone.localdate(), ReferenceDateSource.IMPORT


def applicant_pathway_dates(
    rsa_application_date, rights_opening_date, today=None
) -> tuple[datetime.date, datetime.date]:
    """(opened_on, orientation_reference) of a new applicant's pathway: the
    15-day entry deadline runs from the reference date (`reference_date`),
    the 6-week orientation deadline from the start of the rights (the
    reference date when unknown)."""
    opened_on, _source = reference_date(rsa_application_date, rights_opening_date, today)
    return opened_on, rights_opening_date or opened_on


@transaction.atomic
def beneficiary_create(*, acting_user, departement, detail="saisie", **fields):
    """A new applicant typed in: the person, validated by the model's own
    rules (French messages, nothing written when one fails), then written by
    `beneficiaries_create_bulk` like an imported one. Without a referent, the
    person is in the territory's unassigned queue."""
    if "nir" in fields:
        fields["nir"] = normalise_nir(fields["nir"])
    if "caf_number" in fields:
        fields["caf_number"] = canonical_caf_number(fields["caf_number"])
    person = Beneficiary(departement=departement, **fields)
    if person.commune_id and not person.territory_id:
        person.territory_id = person.commune.territory_id
    person.full_clean()
    # Every field of the checked person, so that a field added to the model is
    # never dropped here; the writer sets the Département and the times.
    row = {
        field.attname: getattr(person, field.attname)
        for field in Beneficiary._meta.concrete_fields
        if field.attname not in WRITER_COLUMNS
    }
    (pk,) = beneficiaries_create_bulk(
        acting_user=acting_user, departement=departement, people=[row], detail=detail
    )
    return Beneficiary.objects.get(pk=pk)


def beneficiaries_create_bulk(*, acting_user, departement, people, detail="import"):
    """New people of a Département: the people, their pathways pending
    orientation with their deadlines (`pathways_open_bulk`), and the access
    log of their creation.

    `people` are dicts of field values (attnames: `commune_id`), already
    checked by the caller, who holds the transaction; the database
    constraints are the last guard. Returns the new ids, in order.
    """
    if not people:
        return []
    now = timezone.now()
    today = timezone.localdate()
    policy = policy_for(departement.pk)
    rows, dates = [], []
    for values in people:
        opened_on, orientation_reference = applicant_pathway_dates(
            values.get("rsa_application_date"), values.get("rights_opening_date"), today
        )
        dates.append((opened_on, orientation_reference))
        rows.append(
            {
                **NEW_PERSON_DEFAULTS,
                **values,
                "reference_date_source": reference_date(
                    values.get("rsa_application_date"), values.get("rights_opening_date"), today
                )[1],
                "departement_id": departement.pk,
                "updated_at": now,
                # Written with the person: opening the pathway then updates
                # nobody (an UPDATE and a history row per person saved).
                "next_deadline_on": opening_next_deadline(
                    opened_on=opened_on, orientation_reference=orientation_reference, policy=policy
                ),
            }
        )
    ids = insert_rows(Beneficiary, rows, returning_ids=True)
    pathways_open_bulk(
        openings=[(pk, *pair) for pk, pair in zip(ids, dates, strict=True)],
        departement_id=departement.pk,
        acting_user=acting_user,
        policy=policy,
        next_deadlines_written=True,
    )
    if acting_user is not None:
        access_logs_record_bulk(
            user=acting_user,
            beneficiary_ids=ids,
            action=AccessAction.CHANGE,
            detail=f"création ({detail})",
        )
    return ids
