"""Retention of people's records: when a record is due, who may keep it
longer (legal hold), and its anonymisation.

A person's retention clock starts at their last contact, the latest of (see
docs/retention.md):

- `Beneficiary.last_contact_at`: a held interview (an attended appointment
  logs one), an outreach attempt that reached them, a signed contract
  (`beneficiaries.services.beneficiary_touch_contact`);
- the end of their last pathway (`Pathway.closed_at`);
- the last import that created or updated them;
- failing all three (someone typed in, never met), the creation of the record.

`RECORD_RETENTION_DAYS` after it, with no open pathway and no legal hold in
force, the record is anonymised: identity, contact details, identifiers,
free text and health data go; what the statistics count stays.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import Message, NoShowFlag
from beneficiaries.enums import AccessAction
from beneficiaries.models import (
    Beneficiary,
    HealthNote,
    OutreachAttempt,
)
from beneficiaries.services import access_log_record, access_logs_record_bulk
from caseload.models import Assignment, ReferentChangeRequest
from core.date_ranges import DB_MIN_DATETIME
from intake.enums import ImportPhase
from intake.models import ImportRowChange
from pathways.models import (
    Contract,
    ContractObjective,
    Interview,
    InterviewRevision,
    OrientationDecision,
    Pathway,
    StageTransition,
)
from privacy import purges
from privacy.models import LegalHold, Restriction

ANONYMISED_NAME = "ANONYME"

# What anonymisation replaces: (model, path from the model to the person,
# replacement values). The same rules rewrite the live rows and their
# history. Everything the statistics read (dates, territory, programme,
# stages, outcomes, deadlines, hours and their reason category, civility,
# "known to the Département") is left as it is.
PERSON_VALUES = {
    "caf_number": "",
    "nir": "",
    "external_id": "",
    "france_travail_id": "",
    "last_name": ANONYMISED_NAME,
    "birth_name": "",
    "first_name": "",
    "address_line": "",
    "postcode": "",
    "city": "",
    "phone": "",
    "email": "",
    "commune": None,
}
ANONYMISATION_RULES = [
    (Beneficiary, None, PERSON_VALUES),
    (HealthNote, "beneficiary", {"text": "", "disability_recognised": False}),
    (OutreachAttempt, "beneficiary", {"notes": ""}),
    (Interview, "beneficiary", {"notes": "", "other_attendees": ""}),
    (InterviewRevision, "interview__beneficiary", {"snapshot": {}}),
    (Contract, "beneficiary", {"hours_reduction_detail": ""}),
    (ContractObjective, "contract__beneficiary", {"label": ""}),
    (Pathway, "beneficiary", {"outcome_detail": ""}),
    (StageTransition, "pathway__beneficiary", {"reason": ""}),
    (OrientationDecision, "pathway__beneficiary", {"reason": ""}),
    (Assignment, "beneficiary", {"reason": "", "end_detail": "", "over_cap_reason": ""}),
    (ReferentChangeRequest, "beneficiary", {"reason": "", "decision_reason": ""}),
    (Message, "beneficiary", {"recipient": "", "skip_reason": "", "last_error": ""}),
    (NoShowFlag, "beneficiary", {"evidence": [], "closing_note": ""}),
    (ImportRowChange, "beneficiary", {"name": "", "changes": []}),
    (LegalHold, "beneficiary", {"reason": "[anonymisé]"}),
    (Restriction, "beneficiary", {"reason": "[anonymisé]", "lift_reason": ""}),
]


def retention_delay():
    return datetime.timedelta(days=settings.RECORD_RETENTION_DAYS)


# --- Selectors -----------------------------------------------------------------


def with_retention_start(qs):
    """People annotated with `retention_start`: the start of their retention
    clock (module docstring). Never NULL."""
    last_closed = (
        Pathway.objects.filter(beneficiary_id=OuterRef("pk"), closed_at__isnull=False)
        .order_by("-closed_at")
        .values("closed_at")[:1]
    )
    last_import = (
        ImportRowChange.objects.filter(beneficiary_id=OuterRef("pk"), phase=ImportPhase.RUN)
        .order_by("-applicant_import__created_at")
        .values("applicant_import__created_at")[:1]
    )
    never = Value(DB_MIN_DATETIME)
    latest = Greatest(
        Coalesce("last_contact_at", never),
        Coalesce(Subquery(last_closed), never),
        Coalesce(Subquery(last_import), never),
    )
    # Neither met, nor followed, nor imported: the day the record was made.
    return qs.annotate(retention_start=Coalesce(NullIf(latest, never), "created_at"))


def _kept(qs, *, on):
    """Without the people who have an open pathway or a hold in force on `on`."""
    return qs.exclude(
        Exists(Pathway.objects.filter(beneficiary_id=OuterRef("pk"), closed_at__isnull=True))
    ).exclude(Exists(LegalHold.objects.active(on).filter(beneficiary_id=OuterRef("pk"))))


def due_for_anonymisation(*, now=None, departement=None, qs=None):
    """People whose record is to be anonymised now."""
    now = now or timezone.now()
    qs = Beneficiary.objects.all() if qs is None else qs
    qs = qs.filter(anonymised_at__isnull=True)
    if departement is not None:
        qs = qs.filter(departement=departement)
    qs = with_retention_start(qs).filter(retention_start__lt=now - retention_delay())
    return _kept(qs, on=timezone.localdate(now))


def due_soon_for(user, *, now=None):
    """The people a user may see whose record will be anonymised within
    `RETENTION_NOTICE_DAYS` (or is due already), the soonest first, each with
    `retention_start` and `anonymised_on`-ready data. Holds in force today
    keep a person off the list."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=settings.RETENTION_NOTICE_DAYS)
    qs = Beneficiary.objects.visible_to(user).filter(anonymised_at__isnull=True)
    qs = with_retention_start(qs).filter(retention_start__lt=horizon - retention_delay())
    return (
        _kept(qs, on=timezone.localdate(now))
        .select_related("territory")
        .order_by(F("retention_start").asc(), "pk")
    )


def anonymisation_day(person):
    """The day the job anonymises this person (from `retention_start`)."""
    return timezone.localdate(person.retention_start + retention_delay())


# --- Anonymisation -------------------------------------------------------------


def _age_band(age):
    """The statistics' age bands (stats.esf)."""
    return 0 if age < 25 else 1 if age < 55 else 2


def _age_on(day, born):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def substitute_birth_date(born, opening_days):
    """A date of the same year that replaces a birth date: the first of July,
    or the nearest date of the year that keeps the person's age band on the
    day each of their pathways opened (the ESF statistics count entries by
    age band), never the birth date itself. None stays None."""
    if born is None:
        return None
    bands = [_age_band(_age_on(day, born)) for day in opening_days]

    def keeps(candidate):
        return candidate != born and all(
            _age_band(_age_on(day, candidate)) == band
            for day, band in zip(opening_days, bands, strict=True)
        )

    middle = datetime.date(born.year, 7, 1)
    for shift in range(0, 366):
        for candidate in (
            middle + datetime.timedelta(days=shift),
            middle - datetime.timedelta(days=shift),
        ):
            if candidate.year == born.year and keeps(candidate):
                return candidate
    return middle if middle != born else datetime.date(born.year, 1, 1)


@dataclass
class RetentionResult:
    anonymised: int
    purged: purges.PurgeReport | None = None


@transaction.atomic
def beneficiaries_anonymise(*, beneficiary_ids, now=None):
    """Anonymise these people, if they are still due (re-checked under a row
    lock: an interview saved meanwhile keeps the record), in one transaction:
    identity, contact details and identifiers, free text of every interview,
    outreach, contract, pathway and assignment, appointment messages, import
    reports, health notes (deleted), and the same in their change history.
    Returns the ids anonymised."""
    now = now or timezone.now()
    ids = list(
        due_for_anonymisation(now=now)
        .filter(pk__in=beneficiary_ids)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    openings = {}
    for person_id, opened_on in Pathway.objects.filter(beneficiary_id__in=ids).values_list(
        "beneficiary_id", "opened_on"
    ):
        openings.setdefault(person_id, []).append(opened_on)
    birth_dates = {
        person_id: substitute_birth_date(born, openings.get(person_id, []))
        for person_id, born in Beneficiary.objects.filter(pk__in=ids).values_list(
            "pk", "birth_date"
        )
    }
    for person_id, birth_date in birth_dates.items():
        Beneficiary.objects.filter(pk=person_id).update(birth_date=birth_date)
    HealthNote.objects.filter(beneficiary_id__in=ids).delete()
    for model, path, values in ANONYMISATION_RULES:
        if model is HealthNote:
            continue
        lookup = "pk__in" if path is None else f"{path}__in"
        model.objects.filter(**{lookup: ids}).update(**values)
    Beneficiary.objects.filter(pk__in=ids).update(anonymised_at=now, version=F("version") + 1)
    access_logs_record_bulk(
        user=None, beneficiary_ids=ids, action=AccessAction.CHANGE, detail="anonymisation"
    )
    if purges.audit_database() == "default":
        with purges.audit_writes() as using:
            purges.history_scrub(
                rules=ANONYMISATION_RULES, beneficiary_ids=ids, birth_dates=birth_dates, using=using
            )
    else:
        # The owner's connection sees the rows once they are committed.
        transaction.on_commit(lambda: history_scrub_for(ids))
    return ids


def history_scrub_for(beneficiary_ids):
    """Rewrite the history of these anonymised people (their live rows are
    anonymised already): the second step when the audit tables are written
    through the owner's connection; idempotent."""
    birth_dates = dict(
        Beneficiary.objects.filter(pk__in=beneficiary_ids, anonymised_at__isnull=False).values_list(
            "pk", "birth_date"
        )
    )
    if not birth_dates:
        return
    with purges.audit_writes() as using:
        purges.history_scrub(
            rules=ANONYMISATION_RULES,
            beneficiary_ids=list(birth_dates),
            birth_dates=birth_dates,
            using=using,
        )


def history_scrub_pending():
    """Anonymised people whose history still holds a name (a scrub through
    the owner's connection that failed after the anonymisation): scrubbed again."""
    history = Beneficiary.pgh_event_models
    pending = set()
    for event_model in history.values():
        pending.update(
            event_model.objects.using(purges.audit_database())
            .exclude(last_name=ANONYMISED_NAME)
            .filter(
                pgh_obj_id__in=list(
                    Beneficiary.objects.filter(anonymised_at__isnull=False).values_list(
                        "pk", flat=True
                    )
                )
            )
            .values_list("pgh_obj_id", flat=True)
            .distinct()
        )
    if pending:
        history_scrub_for(sorted(pending))
    return len(pending)


def apply_retention(*, now=None, departement=None, dry_run=False, batch_size=200):
    """The retention job: anonymise every person due (in one Département,
    or all), then the purges of the other delays. Idempotent: a second run
    finds nothing more to do."""
    now = now or timezone.now()
    due = list(
        due_for_anonymisation(now=now, departement=departement)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if dry_run:
        return RetentionResult(anonymised=len(due), purged=purges.purge_all(now=now, dry_run=True))
    anonymised = 0
    for start in range(0, len(due), batch_size):
        anonymised += len(
            beneficiaries_anonymise(beneficiary_ids=due[start : start + batch_size], now=now)
        )
    if purges.audit_database() != "default":
        history_scrub_pending()
    return RetentionResult(anonymised=anonymised, purged=purges.purge_all(now=now))


# --- Legal holds ---------------------------------------------------------------


@transaction.atomic
def legal_hold_create(*, acting_user, beneficiary, reason: str, until: datetime.date):
    """Keep a person's record past its retention delay until `until`, for
    this reason (the change history and the access log record who did it)."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Indiquez le motif de conservation.")
    today = timezone.localdate()
    if until is None or until <= today:
        errors["until"] = _("La date de fin de conservation doit être postérieure à aujourd'hui.")
    elif until > today + datetime.timedelta(days=settings.RECORD_RETENTION_DAYS * 5):
        errors["until"] = _("Conservation trop longue : choisissez une date plus proche.")
    if beneficiary.anonymised_at is not None:
        errors["__all__"] = _("Ce dossier est déjà anonymisé.")
    if errors:
        raise ValidationError(errors)
    hold = LegalHold(
        beneficiary=beneficiary,
        reason=reason,
        until=until,
        created_by=acting_user,
        created_at=timezone.now(),
    )
    hold.full_clean()
    hold.save()
    access_log_record(
        user=acting_user,
        beneficiary=beneficiary,
        action=AccessAction.CHANGE,
        detail="conservation",
    )
    return hold
