"""The follow-up written from the record: interviews, prescriptions, contracts."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.enums import BarrierKind, BarrierState
from beneficiaries.services import barrier_set_state, beneficiary_touch_contact
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


# --- Interviews -----------------------------------------------------------------


def _clean_interview(*, occurred_on, kind, status, notes, other_attendees):
    errors = {}
    if kind not in InterviewKind.values:
        errors["kind"] = _("Type d'entretien inconnu.")
    if status not in InterviewStatus.values:
        errors["status"] = _("Statut d'entretien inconnu.")
    if occurred_on is None:
        errors["occurred_on"] = _("Indiquez la date de l'entretien.")
    elif status != InterviewStatus.PLANNED and occurred_on > timezone.localdate():
        errors["occurred_on"] = _(
            "Un entretien réalisé ou non honoré ne peut pas être daté dans le futur."
        )
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


def _check_prescriptions(beneficiary, prescriptions, errors):
    """The (offer, hours) of each prescription of an interview form; the
    problems go into `errors`, keyed by the form's field names."""
    checked = []
    for index, item in enumerate(prescriptions):
        offer, offer_error = _check_offer(beneficiary, item.get("offer"))
        hours, hours_error = _check_hours(item.get("hours_per_week"))
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
        occurred_on=occurred_on,
        kind=kind,
        status=status,
        notes=notes,
        other_attendees=other_attendees,
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
    for offer, hours in checked:
        Prescription.objects.create(
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
        occurred_on=occurred_on,
        kind=kind,
        status=status,
        notes=notes,
        other_attendees=other_attendees,
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


@transaction.atomic
def prescription_create(
    *, acting_user, beneficiary, offer, hours_per_week, interview=None, starts_on=None
):
    """Prescribe an action of the catalogue, with its weekly hours."""
    errors = {}
    offer, offer_error = _check_offer(beneficiary, offer)
    hours, hours_error = _check_hours(hours_per_week)
    if offer_error:
        errors["offer"] = offer_error
    if hours_error:
        errors["hours_per_week"] = hours_error
    if errors:
        raise ValidationError(errors)
    pathway = Pathway.objects.open().filter(beneficiary=beneficiary).first()
    prescription = Prescription.objects.create(
        beneficiary=beneficiary,
        pathway=pathway,
        offer=offer,
        interview=interview,
        hours_per_week=hours,
        prescribed_on=timezone.localdate(),
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
):
    """Sign (or renew) the engagement contract. The previous contract stays in
    the record. Meets the 1-month contract deadline.

    `objectives` is a list of `(label, state)`.
    """
    errors = {}
    if signed_on and signed_on > timezone.localdate():
        errors["signed_on"] = _("La date de signature ne peut être future.")
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
    pathway = Pathway.objects.open().filter(beneficiary=beneficiary).first()
    contract = Contract(
        beneficiary=beneficiary,
        pathway=pathway,
        kind=kind,
        signed_on=signed_on,
        review_on=review_on,
        weekly_hours=hours,
        hours_reduction_reason=hours_reduction_reason or "",
        hours_reduction_detail=hours_reduction_detail or "",
        created_by=acting_user,
    )
    contract.full_clean()
    contract.save()
    ContractObjective.objects.bulk_create(
        ContractObjective(contract=contract, label=label, state=state)
        for label, state in objectives
    )
    if pathway is not None:
        deadline_meet(pathway=pathway, kind=DeadlineKind.CONTRACT, on=signed_on)
    _trace(acting_user, beneficiary, "contrat")
    return contract
