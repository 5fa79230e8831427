"""The follow-up of a person: interviews, prescriptions and contracts."""

import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from core.date_ranges import date_range_constraint
from pathways.enums import (
    ContractKind,
    HoursReductionReason,
    InterviewKind,
    InterviewStatus,
    ObjectiveState,
    PrescriptionStatus,
)
from pathways.models.catalogue import (
    MAX_WEEKLY_HOURS,
    MIN_WEEKLY_HOURS,
    ServiceOffer,
    hours_validators,
)
from pathways.models.pathway import BeneficiaryScopedQuerySet, Pathway

CONTRAT_ENGAGEMENT_START = datetime.date(2025, 1, 1)


@pghistory.track(model_name="InterviewHistory")
class Interview(models.Model):
    """An accompaniment interview. The first one held marks the pathway's entry."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="interviews",
        verbose_name="bénéficiaire",
    )
    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="interviews",
        null=True,
        blank=True,
        verbose_name="parcours",
    )
    occurred_on = models.DateField("date")
    kind = models.CharField("type", max_length=20, choices=InterviewKind.choices)
    status = models.CharField(
        "statut", max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.HELD
    )
    attendees = models.ManyToManyField(
        "caseload.StaffProfile", related_name="interviews", blank=True, verbose_name="participants"
    )
    other_attendees = models.CharField("autres participants", max_length=255, blank=True)
    notes = models.TextField("compte rendu", max_length=10000, blank=True)
    next_appointment_at = models.DateTimeField("prochain rendez-vous", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="saisi par",
    )
    version = models.PositiveIntegerField("version", default=1)
    created_at = models.DateTimeField("saisi le", db_default=Now())
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = BeneficiaryScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "entretien"
        verbose_name_plural = "entretiens"
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["beneficiary", "-occurred_on"], name="interview_by_person_date"),
            models.Index(fields=["pathway", "status"], name="interview_by_pathway_status"),
            # Portfolio filter "no interview held for N days".
            models.Index(
                fields=["beneficiary", "occurred_on"],
                condition=Q(status="held"),
                name="interview_held_by_person",
            ),
        ]
        constraints = [
            date_range_constraint("interview", "occurred_on", label="Date de l'entretien"),
            date_range_constraint(
                "interview",
                "next_appointment_at",
                label="Prochain rendez-vous",
                datetime_field=True,
                nullable=True,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.occurred_on:%d/%m/%Y}"


@pghistory.track(model_name="InterviewRevisionHistory")
class InterviewRevision(models.Model):
    """The state of an interview before one of its edits: editing keeps history."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="revisions", verbose_name="entretien"
    )
    version = models.PositiveIntegerField("version remplacée")
    snapshot = models.JSONField("contenu avant modification")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="modifié par",
    )
    edited_at = models.DateTimeField("modifié le", db_default=Now())

    class Meta:
        verbose_name = "version antérieure d'un entretien"
        verbose_name_plural = "versions antérieures des entretiens"
        ordering = ["-version", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "version"],
                name="interview_revision_unique_version",
                violation_error_message="Cette version de l'entretien est déjà archivée.",
            )
        ]

    def __str__(self):
        return f"{self.interview} (v{self.version})"


@pghistory.track(model_name="PrescriptionHistory")
class Prescription(models.Model):
    """An action of the catalogue prescribed to a person, with its weekly hours."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="prescriptions",
        verbose_name="bénéficiaire",
    )
    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="prescriptions",
        null=True,
        blank=True,
        verbose_name="parcours",
    )
    offer = models.ForeignKey(
        ServiceOffer, on_delete=models.PROTECT, related_name="prescriptions", verbose_name="action"
    )
    interview = models.ForeignKey(
        Interview,
        on_delete=models.SET_NULL,
        related_name="prescriptions",
        null=True,
        blank=True,
        verbose_name="entretien",
    )
    hours_per_week = models.DecimalField(
        "heures par semaine", max_digits=4, decimal_places=1, validators=hours_validators
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=PrescriptionStatus.choices,
        default=PrescriptionStatus.PRESCRIBED,
    )
    prescribed_on = models.DateField("prescrite le")
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="prescrite par",
    )

    objects = BeneficiaryScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "prescription"
        verbose_name_plural = "prescriptions"
        ordering = ["-prescribed_on", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "status"], name="prescription_by_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0, hours_per_week__lte=MAX_WEEKLY_HOURS),
                name="prescription_hours_range",
                violation_error_message="Les heures par semaine sont comprises entre 0 et 35.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="prescription_ends_after_start",
                violation_error_message="La fin de l'action ne peut précéder son début.",
            ),
            # A double submit must not count an action's hours twice.
            models.UniqueConstraint(
                fields=["beneficiary", "offer"],
                condition=Q(status__in=PrescriptionStatus.active()),
                name="prescription_one_active_per_person_offer",
                violation_error_message=(
                    "Cette action est déjà prescrite à cette personne et n'est pas terminée."
                ),
            ),
            date_range_constraint("prescription", "prescribed_on", label="Date de prescription"),
            date_range_constraint(
                "prescription", "starts_on", label="Début de l'action", nullable=True
            ),
            date_range_constraint(
                "prescription", "ends_on", label="Fin de l'action", nullable=True
            ),
        ]

    def __str__(self):
        return f"{self.offer} ({self.hours_per_week} h/sem.)"


@pghistory.track(model_name="ContractHistory")
class Contract(models.Model):
    """The engagement contract. Since 1 January 2025 a single contrat
    d'engagement replaces the CER and the PPAE; older records keep their type."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="contracts",
        verbose_name="bénéficiaire",
    )
    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="contracts",
        null=True,
        blank=True,
        verbose_name="parcours",
    )
    kind = models.CharField(
        "type", max_length=30, choices=ContractKind.choices, default=ContractKind.CONTRAT_ENGAGEMENT
    )
    renews = models.OneToOneField(
        "self",
        on_delete=models.RESTRICT,
        related_name="renewal",
        null=True,
        blank=True,
        verbose_name="renouvelle",
        help_text=(
            "Le contrat que celui-ci renouvelle : un contrat n'est renouvelé qu'une fois, "
            "si bien que deux formulaires de renouvellement ouverts n'en créent pas deux."
        ),
    )
    signed_on = models.DateField("signé le")
    review_on = models.DateField("à réexaminer le")
    weekly_hours = models.DecimalField(
        "heures d'activité par semaine",
        max_digits=4,
        decimal_places=1,
        default=MIN_WEEKLY_HOURS,
        validators=hours_validators,
    )
    hours_reduction_reason = models.CharField(
        "motif de réduction des heures",
        max_length=20,
        choices=HoursReductionReason.choices,
        blank=True,
    )
    hours_reduction_detail = models.CharField("précision", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="saisi par",
    )
    created_at = models.DateTimeField("saisi le", db_default=Now())

    objects = BeneficiaryScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat"
        verbose_name_plural = "contrats"
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "-signed_on"], name="contract_by_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__gte=models.F("signed_on")),
                name="contract_review_after_signature",
                violation_error_message="Le réexamen ne peut précéder la signature.",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=0, weekly_hours__lte=MAX_WEEKLY_HOURS),
                name="contract_hours_range",
                violation_error_message="Les heures par semaine sont comprises entre 0 et 35.",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=MIN_WEEKLY_HOURS) | ~Q(hours_reduction_reason=""),
                name="contract_reduced_hours_have_reason",
                violation_error_message=(
                    "Moins de 15 heures d'activité par semaine : indiquez le motif "
                    "(santé, handicap, parent isolé sans solution de garde)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    kind=ContractKind.CONTRAT_ENGAGEMENT, signed_on__gte=CONTRAT_ENGAGEMENT_START
                )
                | (
                    ~Q(kind=ContractKind.CONTRAT_ENGAGEMENT)
                    & Q(signed_on__lt=CONTRAT_ENGAGEMENT_START)
                ),
                name="contract_kind_matches_date",
                violation_error_message=(
                    "Depuis le 1er janvier 2025, seul le contrat d'engagement peut être signé ; "
                    "CER et PPAE restent pour les contrats plus anciens."
                ),
            ),
            # One current contract per pathway: the first one renews nothing,
            # each other renews the one before (unique, by the one-to-one).
            models.UniqueConstraint(
                fields=["pathway"],
                condition=Q(renews__isnull=True, pathway__isnull=False),
                name="contract_one_first_per_pathway",
                violation_error_message=(
                    "Ce parcours a déjà un contrat : renouvelez-le plutôt que d'en signer un autre."
                ),
            ),
            date_range_constraint("contract", "signed_on", label="Date de signature"),
            date_range_constraint("contract", "review_on", label="Date de réexamen"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.signed_on:%d/%m/%Y}"


@pghistory.track(model_name="ContractObjectiveHistory")
class ContractObjective(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="objectives", verbose_name="contrat"
    )
    label = models.CharField("objectif", max_length=255)
    state = models.CharField(
        "état", max_length=10, choices=ObjectiveState.choices, default=ObjectiveState.OPEN
    )

    class Meta:
        verbose_name = "objectif du contrat"
        verbose_name_plural = "objectifs du contrat"
        ordering = ["pk"]

    def __str__(self):
        return self.label
