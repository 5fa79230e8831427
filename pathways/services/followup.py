"""The follow-up written from the record: interviews, prescriptions, contracts."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beneficiaries.enums import BarrierKind, BarrierState
from beneficiaries.models import Beneficiary
from beneficiaries.services import barrier_set_state, beneficiary_touch_contact
from core import date_ranges
from core.exceptions import StaleVersionError
from pathways.enums import (
    ContractKind,
    DeadlineKind,
    InterviewKind,
    InterviewStatus,
    ObjectiveState,
    PrescriptionStatus,
)
from pathways.models import (
    MAX_WEEKLY_HOURS,
    MIN_WEEKLY_HOURS,
    Contract,
    ContractObjective,
    Interview,
    InterviewRevision,
    Pathway,
    Prescription,
    ServiceOffer,
)
from pathways.services.deadlines import deadline_meet
from pathways.services.transitions import _trace, pathway_mark_entry

logger = logging.getLogger(__name__)

NOTES_MAX_LENGTH = 10000

# The labels that name a field in the date-range messages (as on the forms).
OCCURRED_ON_LABEL = _lazy("Date de l'entretien")
NEXT_APPOINTMENT_LABEL = _lazy("Prochain rendez-vous")
SIGNED_ON_LABEL = _lazy("Signé le")
REVIEW_ON_LABEL = _lazy("À réexaminer le")
STARTS_ON_LABEL = _lazy("Début")


# --- Interviews -----------------------------------------------------------------


def _same_minute(moment, other):
    """The form gives minutes: a stored time is unchanged if it matches to the minute."""
    if other is None:
        return False
    return moment.replace(second=0, microsecond=0) == other.replace(second=0, microsecond=0)


def interview_date_range(*, status, today, application_date):
    """The dates an interview may take: a held or missed one not in the
    future, a planned one up to a year ahead; none before the year preceding
    the person's RSA application."""
    if status == InterviewStatus.PLANNED:
        return date_ranges.planned_interview_range(today, application_date)
    return date_ranges.held_interview_range(today, application_date)


def interview_dates_errors(
    *, beneficiary, occurred_on, status, next_appointment_at, unchanged=None
):
    """The errors of an interview's date and next appointment, keyed by field
    (the form and the service check the same rules). An edit keeps a value it
    does not change (`unchanged`: the stored values) even if today's rules
    would no longer accept it, e.g. a next appointment now past."""
    errors = {}
    unchanged = unchanged or {}
    today = timezone.localdate()
    if occurred_on is None:
        errors["occurred_on"] = _("Indiquez la date de l'entretien.")
    elif status != InterviewStatus.PLANNED and occurred_on > today:
        errors["occurred_on"] = _(
            "Un entretien réalisé ou non honoré ne peut pas être daté dans le futur."
        )
    elif status in InterviewStatus.values and occurred_on != unchanged.get("occurred_on"):
        bounds = interview_date_range(
            status=status, today=today, application_date=beneficiary.rsa_application_date
        )
        error = date_ranges.range_error(occurred_on, bounds, field_label=OCCURRED_ON_LABEL)
        if error:
            errors["occurred_on"] = error
    if next_appointment_at is not None and not _same_minute(
        next_appointment_at, unchanged.get("next_appointment_at")
    ):
        error = date_ranges.range_error(
            next_appointment_at,
            date_ranges.next_appointment_range(today),
            field_label=NEXT_APPOINTMENT_LABEL,
        )
        if error:
            errors["next_appointment_at"] = error
    return errors


def interview_stored_dates(interview):
    """The dates an edit of this interview may keep as they are."""
    return {
        "occurred_on": interview.occurred_on,
        "next_appointment_at": interview.next_appointment_at,
    }


def _clean_interview(*, kind, status, notes, other_attendees):
    errors = {}
    if kind not in InterviewKind.values:
        errors["kind"] = _("Type d'entretien inconnu.")
    if status not in InterviewStatus.values:
        errors["status"] = _("Statut d'entretien inconnu.")
    if len(notes or "") > NOTES_MAX_LENGTH:
        errors["notes"] = _("Le compte rendu compte %(max)s caractères au plus.") % {
            "max": f"{NOTES_MAX_LENGTH:,}".replace(",", "\u202f")
        }
    if len(other_attendees or "") > 255:
        errors["other_attendees"] = _("255 caractères au plus.")
    return errors


def _check_hours(hours):
    try:
        hours = Decimal(hours)
    except (TypeError, ArithmeticError, ValueError):
        return None, _("Indiquez un nombre d'heures.")
    if not Decimal("0") <= hours <= MAX_WEEKLY_HOURS:
        return None, _("Les heures par semaine sont comprises entre 0 et 35.")
    return hours, None


def catalogue_for(beneficiary):
    """The catalogue actions that can be prescribed to a person: active offers
    of their Département, held in their territory or Département-wide."""

    qs = ServiceOffer.objects.filter(departement_id=beneficiary.departement_id, is_active=True)
    if beneficiary.territory_id:
        qs = qs.filter(Q(territory__isnull=True) | Q(territory_id=beneficiary.territory_id))
    else:
        qs = qs.filter(territory__isnull=True)
    return qs


def _check_offer(beneficiary, offer):
    offer_id = getattr(offer, "pk", offer)
    found = catalogue_for(beneficiary).filter(pk=offer_id).first() if offer_id else None
    if found is None:
        return None, _("Cette action n'existe pas dans l'offre de service de la personne.")
    return found, None


def _already_prescribed(beneficiary, offer):
    """The message when the person already has this action prescribed and
    not finished (a second one would count its hours twice), else None."""
    active = (
        Prescription.objects.filter(
            beneficiary=beneficiary, offer=offer, status__in=PrescriptionStatus.active()
        )
        .only("hours_per_week")
        .first()
    )
    if active is None:
        return None
    return _(
        "Cette action est déjà prescrite à cette personne (%(hours)s h par semaine) et "
        "n'est pas terminée : indiquez-la terminée ou abandonnée avant de la prescrire à nouveau."
    ) % {"hours": f"{active.hours_per_week.normalize():f}".replace(".", ",")}


def _check_prescriptions(beneficiary, prescriptions, errors):
    """The (offer, hours) of each prescription of an interview form; the
    problems go into `errors`, keyed by the form's field names. An action
    named twice, or already prescribed and not finished, is refused."""
    checked = []
    seen = set()
    for index, item in enumerate(prescriptions):
        offer, offer_error = _check_offer(beneficiary, item.get("offer"))
        hours, hours_error = _check_hours(item.get("hours_per_week"))
        if offer is not None:
            if offer.pk in seen:
                offer_error = _("Cette action figure déjà sur une autre ligne.")
            else:
                offer_error = _already_prescribed(beneficiary, offer)
            seen.add(offer.pk)
        if offer_error:
            errors[f"prescriptions-{index}-offer"] = offer_error
        if hours_error:
            errors[f"prescriptions-{index}-hours_per_week"] = hours_error
        checked.append((offer, hours))
    return checked


@transaction.atomic
def interview_create(
    *,
    acting_user,
    beneficiary,
    occurred_on: datetime.date,
    kind,
    status=InterviewStatus.HELD,
    attendees=(),
    other_attendees="",
    notes="",
    next_appointment_at=None,
    barrier_changes=None,
    prescriptions=(),
):
    """Log an interview with the barriers it changed and the actions it prescribed.

    `barrier_changes` maps a barrier kind to its new state; `prescriptions` is
    a list of `{"offer": ServiceOffer or id, "hours_per_week": Decimal}`. The
    first held interview marks the pathway's entry and meets the 15-day entry
    deadline. Everything is validated first: on an error nothing is saved.
    """
    errors = _clean_interview(
        kind=kind, status=status, notes=notes, other_attendees=other_attendees
    )
    errors.update(
        interview_dates_errors(
            beneficiary=beneficiary,
            occurred_on=occurred_on,
            status=status,
            next_appointment_at=next_appointment_at,
        )
    )
    barrier_changes = {k: v for k, v in (barrier_changes or {}).items() if v}
    for barrier_kind, state in barrier_changes.items():
        if barrier_kind not in BarrierKind.values or state not in BarrierState.values:
            errors["barriers"] = _("Frein ou état inconnu.")
    checked = _check_prescriptions(beneficiary, prescriptions, errors)
    if errors:
        raise ValidationError(errors)

    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .filter(beneficiary=beneficiary, closed_at__isnull=True)
        .first()
    )
    interview = Interview.objects.create(
        beneficiary=beneficiary,
        pathway=pathway,
        occurred_on=occurred_on,
        kind=kind,
        status=status,
        other_attendees=other_attendees or "",
        notes=notes or "",
        next_appointment_at=next_appointment_at,
        author=acting_user,
    )
    if attendees:
        interview.attendees.set(attendees)
    if status == InterviewStatus.HELD:
        if pathway is not None:
            pathway_mark_entry(pathway=pathway, on=occurred_on)
        beneficiary_touch_contact(beneficiary=beneficiary, on=occurred_on)
    for barrier_kind, state in sorted(barrier_changes.items()):
        barrier_set_state(
            acting_user=acting_user,
            beneficiary=beneficiary,
            kind=barrier_kind,
            state=state,
            on=occurred_on,
            interview=interview,
        )
    for index, (offer, hours) in enumerate(checked):
        _prescription_insert(
            error_key=f"prescriptions-{index}-offer",
            beneficiary=beneficiary,
            pathway=pathway,
            offer=offer,
            interview=interview,
            hours_per_week=hours,
            prescribed_on=min(occurred_on, timezone.localdate()),
            prescribed_by=acting_user,
        )
    _trace(acting_user, beneficiary, "entretien")
    return interview


def _interview_snapshot(interview):
    return {
        "occurred_on": interview.occurred_on.isoformat(),
        "kind": interview.kind,
        "status": interview.status,
        "attendees": sorted(interview.attendees.values_list("pk", flat=True)),
        "other_attendees": interview.other_attendees,
        "notes": interview.notes,
        "next_appointment_at": (
            interview.next_appointment_at.isoformat() if interview.next_appointment_at else None
        ),
        "author": interview.author_id,
        "updated_at": interview.updated_at.isoformat() if interview.updated_at else None,
    }


@transaction.atomic
def interview_update(
    *,
    acting_user,
    interview,
    expected_version: int,
    occurred_on: datetime.date,
    kind,
    status,
    attendees=(),
    other_attendees="",
    notes="",
    next_appointment_at=None,
):
    """Edit an interview, keeping its previous content as a revision.

    Optimistic concurrency: the edit names the version it started from; if
    someone saved in between, it is refused (`StaleVersionError`) and nothing
    is overwritten.
    """
    errors = _clean_interview(
        kind=kind, status=status, notes=notes, other_attendees=other_attendees
    )
    errors.update(
        interview_dates_errors(
            beneficiary=interview.beneficiary,
            occurred_on=occurred_on,
            status=status,
            next_appointment_at=next_appointment_at,
            unchanged=interview_stored_dates(interview),
        )
    )
    if errors:
        raise ValidationError(errors)
    current = (
        Interview.objects.select_for_update(of=("self",))
        .filter(pk=interview.pk, version=expected_version)
        .first()
    )
    if current is None:
        raise StaleVersionError()
    InterviewRevision.objects.create(
        interview=current,
        version=current.version,
        snapshot=_interview_snapshot(current),
        edited_by=acting_user,
    )
    was_held = current.status == InterviewStatus.HELD
    current.occurred_on = occurred_on
    current.kind = kind
    current.status = status
    current.other_attendees = other_attendees or ""
    current.notes = notes or ""
    current.next_appointment_at = next_appointment_at
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    current.attendees.set(attendees)
    if status == InterviewStatus.HELD and not was_held:
        if current.pathway_id and current.pathway.is_open:
            pathway_mark_entry(pathway=current.pathway, on=occurred_on)
        beneficiary_touch_contact(beneficiary=current.beneficiary, on=occurred_on)
    _trace(acting_user, current.beneficiary, "entretien modifié")
    return current


# --- Prescriptions and contracts --------------------------------------------------


def _violates(error, *markers):
    """The IntegrityError is the violation of one of these constraints."""
    return any(marker in str(error) for marker in markers)


def _prescription_insert(*, error_key, **values):
    """Insert a prescription; one the database refuses as a second active
    prescription of the same action (two submits at once) is a form error."""
    try:
        with transaction.atomic():
            return Prescription.objects.create(**values)
    except IntegrityError as error:
        # PostgreSQL names the constraint, SQLite the columns.
        if not _violates(
            error, "prescription_one_active_per_person_offer", "pathways_prescription.offer_id"
        ):
            raise
        raise ValidationError(
            {error_key: _already_prescribed(values["beneficiary"], values["offer"])}
        ) from error


@transaction.atomic
def prescription_create(
    *, acting_user, beneficiary, offer, hours_per_week, interview=None, starts_on=None
):
    """Prescribe an action of the catalogue, with its weekly hours. An action
    already prescribed to the person and not finished is refused: its hours
    would count twice."""
    errors = {}
    offer, offer_error = _check_offer(beneficiary, offer)
    hours, hours_error = _check_hours(hours_per_week)
    if offer is not None:
        offer_error = _already_prescribed(beneficiary, offer)
    if offer_error:
        errors["offer"] = offer_error
    if hours_error:
        errors["hours_per_week"] = hours_error
    today = timezone.localdate()
    starts_error = date_ranges.range_error(
        starts_on, date_ranges.prescription_start_range(today), field_label=STARTS_ON_LABEL
    )
    if starts_error:
        errors["starts_on"] = starts_error
    if errors:
        raise ValidationError(errors)
    pathway = Pathway.objects.open().filter(beneficiary=beneficiary).first()
    prescription = _prescription_insert(
        error_key="offer",
        beneficiary=beneficiary,
        pathway=pathway,
        offer=offer,
        interview=interview,
        hours_per_week=hours,
        prescribed_on=today,
        starts_on=starts_on,
        prescribed_by=acting_user,
    )
    _trace(acting_user, beneficiary, "prescription")
    return prescription


@transaction.atomic
def prescription_set_status(*, acting_user, prescription, status):
    """Follow a prescribed action: in progress, completed, abandoned. Only
    active ones (prescribed, in progress) count in the weekly hours."""
    if status not in PrescriptionStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    if (
        status in PrescriptionStatus.active()
        and prescription.status not in PrescriptionStatus.active()
        and _already_prescribed(prescription.beneficiary, prescription.offer)
    ):
        raise ValidationError(
            {
                "status": _(
                    "Cette action a été prescrite à nouveau à cette personne depuis : "
                    "cette prescription-ci ne peut pas reprendre."
                )
            }
        )
    today = timezone.localdate()
    prescription.status = status
    fields = ["status"]
    if status == PrescriptionStatus.IN_PROGRESS and prescription.starts_on is None:
        prescription.starts_on = today
        fields.append("starts_on")
    if status in (PrescriptionStatus.COMPLETED, PrescriptionStatus.ABANDONED):
        prescription.ends_on = max(today, prescription.starts_on or today)
        fields.append("ends_on")
    prescription.save(update_fields=fields)
    _trace(acting_user, prescription.beneficiary, "prescription suivie")
    return prescription


# What a caller passes as `renews_id` when it does not know the current
# contract (a script): the new contract renews whichever is current.
RENEW_CURRENT = object()


def contract_current(*, beneficiary, pathway):
    """The person's current contract in this pathway: the one no other renews."""
    return (
        Contract.objects.filter(beneficiary=beneficiary, pathway=pathway, renewal__isnull=True)
        .select_related("created_by")
        .order_by("-signed_on", "-pk")
        .first()
    )


def contract_dates_errors(*, signed_on, review_on):
    """The errors of a contract's dates, keyed by field: signed since the RSA
    exists and not in the future, reviewed within two years of the signature."""
    errors = {}
    today = timezone.localdate()
    if signed_on is None:
        errors["signed_on"] = _("Indiquez la date de signature.")
    elif signed_on > today:
        errors["signed_on"] = _("La date de signature ne peut être future.")
    else:
        error = date_ranges.range_error(
            signed_on, date_ranges.contract_signature_range(today), field_label=SIGNED_ON_LABEL
        )
        if error:
            errors["signed_on"] = error
    if review_on is None:
        errors["review_on"] = _("Indiquez la date de réexamen.")
    elif signed_on is not None and "signed_on" not in errors:
        if review_on < signed_on:
            errors["review_on"] = _("Le réexamen ne peut précéder la signature.")
        else:
            error = date_ranges.range_error(
                review_on,
                date_ranges.contract_review_range(signed_on),
                field_label=REVIEW_ON_LABEL,
            )
            if error:
                errors["review_on"] = error
    return errors


def _stale_contract_error(current):
    if current is None:
        return ValidationError(
            _(
                "Le contrat en cours a changé depuis l'ouverture de ce formulaire : "
                "rechargez la fiche avant d'enregistrer un contrat."
            ),
            code="stale",
        )
    return ValidationError(
        _(
            "Un autre contrat a été enregistré entre-temps (signé le %(date)s, saisi par "
            "%(author)s) : rechargez la fiche pour voir le contrat en cours avant de le "
            "renouveler."
        )
        % {
            "date": current.signed_on.strftime("%d/%m/%Y"),
            "author": current.created_by or "—",
        },
        code="stale",
    )


@transaction.atomic
def contract_create(
    *,
    acting_user,
    beneficiary,
    signed_on: datetime.date,
    review_on: datetime.date,
    weekly_hours,
    kind=ContractKind.CONTRAT_ENGAGEMENT,
    hours_reduction_reason="",
    hours_reduction_detail="",
    objectives=(),
    renews_id=RENEW_CURRENT,
):
    """Sign (or renew) the engagement contract. The previous contract stays in
    the record. Meets the 1-month contract deadline.

    `objectives` is a list of `(label, state)`. `renews_id` is the current
    contract the form was opened on (None for a first contract): when another
    contract was saved since (a second form, a double submit), the save is
    refused, so that a pathway has one current contract.
    """
    errors = contract_dates_errors(signed_on=signed_on, review_on=review_on)
    hours, hours_error = _check_hours(weekly_hours)
    if hours_error:
        errors["weekly_hours"] = hours_error
    elif hours < MIN_WEEKLY_HOURS and not hours_reduction_reason:
        errors["hours_reduction_reason"] = _(
            "Moins de 15 heures d'activité par semaine : indiquez le motif "
            "(santé, handicap, parent isolé sans solution de garde)."
        )
    objectives = [(str(label).strip(), state) for label, state in objectives if str(label).strip()]
    for label, state in objectives:
        if len(label) > 255 or state not in ObjectiveState.values:
            errors["objectives"] = _("Objectif trop long (255 caractères au plus) ou état inconnu.")
    if errors:
        raise ValidationError(errors)
    # The open pathway's row (or the person's, without one) serialises the
    # contracts of one person: the second of two forms sees the first's contract.
    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .filter(beneficiary=beneficiary, closed_at__isnull=True)
        .first()
    )
    if pathway is None:
        Beneficiary.objects.select_for_update(of=("self",)).filter(pk=beneficiary.pk).first()
    current = contract_current(beneficiary=beneficiary, pathway=pathway)
    if renews_id is not RENEW_CURRENT and renews_id != (current.pk if current else None):
        raise _stale_contract_error(current)
    if current is not None and signed_on < current.signed_on:
        raise ValidationError(
            {
                "signed_on": _(
                    "Un renouvellement ne peut être signé avant le contrat qu'il renouvelle "
                    "(signé le %(date)s)."
                )
                % {"date": current.signed_on.strftime("%d/%m/%Y")}
            }
        )
    contract = Contract(
        beneficiary=beneficiary,
        pathway=pathway,
        renews=current,
        kind=kind,
        signed_on=signed_on,
        review_on=review_on,
        weekly_hours=hours,
        hours_reduction_reason=hours_reduction_reason or "",
        hours_reduction_detail=hours_reduction_detail or "",
        created_by=acting_user,
    )
    contract.full_clean()
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as error:
        # Two saves at the very same instant: the database keeps one.
        if not _violates(
            error, "renews", "contract_one_first_per_pathway", "pathways_contract.pathway_id"
        ):
            raise
        raise _stale_contract_error(
            contract_current(beneficiary=beneficiary, pathway=pathway)
        ) from error
    ContractObjective.objects.bulk_create(
        ContractObjective(contract=contract, label=label, state=state)
        for label, state in objectives
    )
    if pathway is not None:
        deadline_meet(pathway=pathway, kind=DeadlineKind.CONTRACT, on=signed_on)
    # Signing a contract is meeting the person: their last contact moves on
    # (and with it the retention clock, privacy.retention).
    beneficiary_touch_contact(beneficiary=beneficiary, on=signed_on)
    _trace(acting_user, beneficiary, "contrat")
    return contract
