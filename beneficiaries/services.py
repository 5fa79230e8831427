"""Writes of the beneficiaries app."""

import datetime

from django.db import transaction
from django.utils import timezone

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary, RecordAccessLog
from beneficiaries.validators import normalise_nir
from pathways.services import pathway_open, pathways_open_bulk


def applicant_pathway_dates(person) -> tuple[datetime.date, datetime.date]:
    """(opened_on, orientation_reference) of a new applicant's pathway: the
    15-day entry deadline runs from the RSA application date (today when
    unknown), the 6-week orientation deadline from the opening of the rights
    (the application date when unknown). Shared by `beneficiary_create` and the
    bulk creation of imports."""
    opened_on = person.rsa_application_date or timezone.localdate()
    return opened_on, person.rights_opening_date or opened_on


@transaction.atomic
def beneficiary_create(*, acting_user, departement, **fields):
    """A new applicant: the person, validated by the model's own rules, and a
    pathway pending orientation with its 15-day entry and 6-week orientation
    deadlines. Without a referent, the person is in the territory's
    unassigned queue.
    """
    if "nir" in fields:
        fields["nir"] = normalise_nir(fields["nir"])
    person = Beneficiary(departement=departement, **fields)
    if person.commune_id and not person.territory_id:
        person.territory_id = person.commune.territory_id
    person.full_clean()
    person.save()
    opened_on, orientation_reference = applicant_pathway_dates(person)
    pathway_open(
        beneficiary=person,
        acting_user=acting_user,
        opened_on=opened_on,
        orientation_reference=orientation_reference,
    )
    if acting_user is not None:
        access_log_record(
            user=acting_user, beneficiary=person, action=AccessAction.CHANGE, detail="création"
        )
    return person


def beneficiaries_create_bulk(*, acting_user, people, detail="import"):
    """`beneficiary_create` for many people at once (imports): the people,
    their pathways pending orientation and deadlines, and the access log, in a
    few INSERTs. The caller has validated every row and holds the transaction;
    the database constraints are the last guard. Returns the saved people."""
    for person in people:
        if person.commune_id and not person.territory_id:
            person.territory_id = person.commune.territory_id
    people = Beneficiary.objects.bulk_create(people)
    pathways_open_bulk(
        openings=[(person, *applicant_pathway_dates(person)) for person in people],
        acting_user=acting_user,
    )
    if acting_user is not None:
        access_logs_record_bulk(
            user=acting_user, beneficiary_ids=[p.pk for p in people], detail=f"création ({detail})"
        )
    return people


def access_log_record(*, user, beneficiary, action=AccessAction.READ, detail=""):
    """Trace a read or a change of a person's record (append-only log).

    The detail names the section or the operation, never personal data.
    """
    return RecordAccessLog.objects.create(
        beneficiary_id=beneficiary.pk, user_id=user.pk, action=action, detail=detail[:200]
    )


def access_logs_record_bulk(*, user, beneficiary_ids, action=AccessAction.CHANGE, detail=""):
    RecordAccessLog.objects.bulk_create(
        [
            RecordAccessLog(beneficiary_id=pk, user_id=user.pk, action=action, detail=detail[:200])
            for pk in beneficiary_ids
        ]
    )
