"""Writes of the beneficiaries app."""

from django.db import transaction
from django.utils import timezone

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary, RecordAccessLog
from beneficiaries.validators import normalise_nir
from pathways.services import pathway_open


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
    opened_on = person.rsa_application_date or timezone.localdate()
    pathway_open(
        beneficiary=person,
        acting_user=acting_user,
        opened_on=opened_on,
        orientation_reference=person.rights_opening_date or opened_on,
    )
    if acting_user is not None:
        access_log_record(
            user=acting_user, beneficiary=person, action=AccessAction.CHANGE, detail="création"
        )
    return person


def access_log_record(*, user, beneficiary, action=AccessAction.READ, detail=""):
    """Trace a read or a change of a person's record (append-only log).

    The detail names the section or the operation, never personal data.
    """
    return RecordAccessLog.objects.create(
        beneficiary_id=beneficiary.pk, user_id=user.pk, action=action, detail=detail[:200]
    )
