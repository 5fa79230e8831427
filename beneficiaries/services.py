"""Writes of the beneficiaries app."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.enums import AccessAction, BarrierState, OutreachResult
from beneficiaries.models import (
    Barrier,
    BarrierEvent,
    Beneficiary,
    OutreachAttempt,
    RecordAccessLog,
)
from beneficiaries.validators import normalise_nir
from core.bulk import copy_rows, reserve_ids
from core.exceptions import StaleVersionError
from pathways.services.opening import pathway_open, pathways_open_bulk


def applicant_pathway_dates(
    rsa_application_date, rights_opening_date
) -> tuple[datetime.date, datetime.date]:
    """(opened_on, orientation_reference) of a new applicant's pathway: the
    15-day entry deadline runs from the RSA application date (today when
    unknown), the 6-week orientation deadline from the opening of the rights
    (the application date when unknown). Shared by `beneficiary_create` and the
    bulk creation of imports."""
    opened_on = rsa_application_date or timezone.localdate()
    return opened_on, rights_opening_date or opened_on


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
    opened_on, orientation_reference = applicant_pathway_dates(
        person.rsa_application_date, person.rights_opening_date
    )
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


# Columns an import fills when it creates a person; the others keep their
# defaults (the database's for `created_at`).
BULK_CREATE_DEFAULTS = {
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
    "known_to_departement": False,
    "reinforced_consent": None,
    "reinforced_consent_on": None,
    "last_contact_at": None,
    "anonymised_at": None,
    "next_deadline_on": None,
    "version": 1,
}


def beneficiaries_create_bulk(*, acting_user, departement, people, detail="import"):
    """`beneficiary_create` for many people at once (imports): the people,
    their pathways pending orientation and deadlines (`pathways_open_bulk`),
    and the access log, sent with COPY on PostgreSQL.

    `people` are dicts of field values (attnames: `commune_id`), already
    validated by the caller, who holds the transaction; the database
    constraints are the last guard. Returns the new ids, in order.
    """
    if not people:
        return []
    now = timezone.now()
    rows = [
        {
            **BULK_CREATE_DEFAULTS,
            **values,
            "departement_id": departement.pk,
            "updated_at": now,
        }
        for values in people
    ]
    if connection.vendor == "postgresql":
        ids = reserve_ids(Beneficiary, len(rows))
        columns = [
            "id",
            "departement_id",
            "caf_number",
            "household_role",
            "last_name",
            "first_name",
            "updated_at",
            *BULK_CREATE_DEFAULTS,
        ]
        copy_rows(
            Beneficiary,
            columns,
            ([pk, *(row[name] for name in columns[1:])] for pk, row in zip(ids, rows, strict=True)),
        )
    else:
        ids = [
            person.pk
            for person in Beneficiary.objects.bulk_create(
                [Beneficiary(**{k: v for k, v in row.items() if k != "updated_at"}) for row in rows]
            )
        ]
    pathways_open_bulk(
        openings=[
            (pk, *applicant_pathway_dates(row["rsa_application_date"], row["rights_opening_date"]))
            for pk, row in zip(ids, rows, strict=True)
        ],
        departement_id=departement.pk,
        acting_user=acting_user,
    )
    if acting_user is not None:
        access_logs_record_bulk(
            user=acting_user, beneficiary_ids=ids, detail=f"création ({detail})"
        )
    return ids


def access_log_record(*, user, beneficiary, action=AccessAction.READ, detail=""):
    """Trace a read or a change of a person's record (append-only log).

    The detail names the section or the operation, never personal data.
    """
    return RecordAccessLog.objects.create(
        beneficiary_id=beneficiary.pk, user_id=user.pk, action=action, detail=detail[:200]
    )


def access_logs_record_bulk(*, user, beneficiary_ids, action=AccessAction.CHANGE, detail=""):
    """`access_log_record` for many people at once (imports)."""
    if connection.vendor != "postgresql":
        RecordAccessLog.objects.bulk_create(
            [
                RecordAccessLog(
                    beneficiary_id=pk, user_id=user.pk, action=action, detail=detail[:200]
                )
                for pk in beneficiary_ids
            ]
        )
        return
    copy_rows(
        RecordAccessLog,
        ["beneficiary_id", "user_id", "action", "detail"],
        ((pk, user.pk, action, detail[:200]) for pk in beneficiary_ids),
    )


def barrier_set_state(*, acting_user, beneficiary, kind, state, on: datetime.date, interview=None):
    """Record a barrier's new state (identified → being lifted → lifted, or back):
    the barrier row holds the current state, a `BarrierEvent` the history.
    Returns the barrier, or None when the state does not change."""
    barrier = (
        Barrier.objects.select_for_update(of=("self",))
        .filter(beneficiary=beneficiary, kind=kind)
        .first()
    )
    if barrier is None:
        barrier = Barrier(beneficiary=beneficiary, kind=kind, identified_on=on)
    elif barrier.state == state:
        return None
    barrier.state = state
    if state == BarrierState.LIFTED:
        barrier.lifted_on = max(on, barrier.identified_on)
    else:
        barrier.lifted_on = None
    barrier.full_clean()
    barrier.save()
    BarrierEvent.objects.create(
        barrier=barrier, state=state, occurred_on=on, recorded_by=acting_user, interview=interview
    )
    return barrier


@transaction.atomic
def outreach_attempt_create(
    *, acting_user, beneficiary, channel, result, attempted_on: datetime.date, notes=""
):
    """A contact attempt and its result; a reached person counts as a contact."""
    if attempted_on > timezone.localdate():
        raise ValidationError({"attempted_on": _("Une tentative de contact ne peut être future.")})
    attempt = OutreachAttempt(
        beneficiary=beneficiary,
        channel=channel,
        result=result,
        attempted_on=attempted_on,
        notes=notes,
        made_by=acting_user,
    )
    attempt.full_clean()
    attempt.save()
    if result in {OutreachResult.REACHED, OutreachResult.APPOINTMENT_SET}:
        beneficiary_touch_contact(beneficiary=beneficiary, on=attempted_on)
    access_log_record(
        user=acting_user, beneficiary=beneficiary, action=AccessAction.CHANGE, detail="contact"
    )
    return attempt


def beneficiary_touch_contact(*, beneficiary, on: datetime.date):
    """Move the person's last contact forward (never back)."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Beneficiary.objects.filter(pk=beneficiary.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=moment)
    ).update(last_contact_at=moment)


CONTACT_FIELDS = ("phone", "email", "address_line", "postcode", "city")


@transaction.atomic
def beneficiary_update_contact(*, acting_user, beneficiary, expected_version: int, **fields):
    """Change a person's contact details, refusing a save based on an old
    version (two people editing the same record: the second is refused)."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables ici : {sorted(unknown)}")
    for name, value in fields.items():
        setattr(beneficiary, name, value)
    beneficiary.full_clean(validate_unique=False, validate_constraints=False)
    updated = Beneficiary.objects.filter(pk=beneficiary.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleVersionError()
    beneficiary.version = expected_version + 1
    access_log_record(
        user=acting_user,
        beneficiary=beneficiary,
        action=AccessAction.CHANGE,
        detail="coordonnées",
    )
    return beneficiary
