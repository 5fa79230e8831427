"""Deadlines, their reminder steps and the delay settings of each Département."""

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext

from beneficiaries.models import Beneficiary
from core.date_ranges import date_range_constraint
from pathways.deadlines import Policy, parse_reminder_days
from pathways.enums import (
    DeadlineKind,
    DeadlineState,
    ReminderStatus,
    ReminderStep,
)
from pathways.models.pathway import Pathway


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pathway__beneficiary__in=Beneficiary.objects.visible_to(user))

    def open(self):
        return self.filter(met_on__isnull=True, cancelled_on__isnull=True)


class DeadlineReminderQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ReminderStatus.PENDING)

    def due(self, today):
        return self.pending().filter(send_on__lte=today)


@pghistory.track(model_name="DeadlineHistory")
class Deadline(models.Model):
    """A delay the app chases: 15-day entry, 6-week orientation, 1-month
    contract, 12-month review of a social pathway. Stored as rows so that the
    database, not the broker, is the source of truth."""

    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name="parcours",
        # Indexed first by `deadline_by_pathway_kind`.
        db_index=False,
    )
    kind = models.CharField("délai", max_length=20, choices=DeadlineKind.choices)
    reference_date = models.DateField("date de référence")
    due_on = models.DateField("échéance")
    met_on = models.DateField("respecté le", null=True, blank=True)
    cancelled_on = models.DateField("annulé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", db_default=Now())

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = "délai"
        verbose_name_plural = "délais"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(met_on__isnull=True, cancelled_on__isnull=True),
                name="deadline_open_by_due_date",
            ),
            models.Index(fields=["pathway", "kind"], name="deadline_by_pathway_kind"),
            # Portfolio urgency sort and deadline-status filter: the next open deadline.
            models.Index(
                fields=["pathway", "due_on"],
                condition=Q(met_on__isnull=True, cancelled_on__isnull=True),
                name="deadline_open_by_pathway",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "kind"],
                condition=Q(met_on__isnull=True, cancelled_on__isnull=True),
                name="deadline_one_open_per_kind",
                violation_error_message="Ce délai est déjà ouvert pour ce parcours.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("reference_date")),
                name="deadline_due_after_reference",
                violation_error_message="L'échéance ne peut précéder la date de référence.",
            ),
            models.CheckConstraint(
                condition=Q(met_on__isnull=True) | Q(cancelled_on__isnull=True),
                name="deadline_met_or_cancelled",
                violation_error_message="Un délai est respecté ou annulé, pas les deux.",
            ),
            date_range_constraint("deadline", "reference_date", label="Date de référence"),
            date_range_constraint("deadline", "due_on", label="Échéance"),
            date_range_constraint("deadline", "met_on", label="Respecté le", nullable=True),
            date_range_constraint("deadline", "cancelled_on", label="Annulé le", nullable=True),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.due_on:%d/%m/%Y}"

    def state_on(self, today):
        return deadline_state(
            due_on=self.due_on, met_on=self.met_on, cancelled_on=self.cancelled_on, today=today
        )

    @property
    def state(self):
        return self.state_on(timezone.localdate())


def deadline_state(*, due_on, met_on=None, cancelled_on=None, today):
    """The state of a deadline on a given day (shared by pages that only have
    the dates, from annotations)."""
    if met_on is not None:
        # Met, but after the due date: the person waited longer than the rule
        # allows, which the outcome figures must not count as met in time.
        if due_on is not None and met_on > due_on:
            return DeadlineState.MET_LATE
        return DeadlineState.MET
    if cancelled_on is not None:
        return DeadlineState.CANCELLED
    if due_on is None:
        return None
    if due_on < today:
        return DeadlineState.OVERDUE
    if (due_on - today).days <= settings.DEADLINE_DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.OPEN


def validate_reminder_days(value):
    try:
        days = parse_reminder_days(value)
    except ValueError:
        days = None
    if not days:
        raise ValidationError(
            "Indiquez des nombres de jours entre 1 et 365, séparés par des virgules (ex. : 7, 3, 1)."
        )


class DeadlinePolicy(models.Model):
    """The delays and reminder steps, for one Département or (without
    Département) for all those that have no row of their own. Without any
    row, the settings' defaults apply (15 days; reminders 7, 3 and 1 days
    before; escalation the day after)."""

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="Département",
        help_text="Vide : s'applique à tous les Départements sans réglage propre.",
    )
    entry_delay_days = models.PositiveSmallIntegerField(
        "délai d'entrée en parcours (jours)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    orientation_delay_days = models.PositiveSmallIntegerField(
        "délai d'orientation (jours)",
        default=42,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    contract_delay_months = models.PositiveSmallIntegerField(
        "délai de signature du contrat (mois)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    social_review_delay_months = models.PositiveSmallIntegerField(
        "délai de réexamen du parcours social (mois)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    reminder_days_before = models.CharField(
        "rappels (jours avant l'échéance)",
        max_length=50,
        default="7, 3, 1",
        validators=[validate_reminder_days],
        help_text="Nombres de jours séparés par des virgules.",
    )
    escalation_days_after = models.PositiveSmallIntegerField(
        "alerte des chefs de service (jours après l'échéance)",
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    working_days = models.BooleanField(
        "compter en jours ouvrés",
        default=False,
        help_text="Sans les samedis, dimanches et jours fériés ; sinon en jours calendaires.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "réglage des délais"
        verbose_name_plural = "réglages des délais"
        ordering = ["departement__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                Coalesce("departement", Value(0)),
                name="deadline_policy_one_per_departement",
                violation_error_message="Un réglage existe déjà pour ce Département.",
            ),
            models.CheckConstraint(
                condition=Q(entry_delay_days__gte=1, orientation_delay_days__gte=1),
                name="deadline_policy_delays_positive",
                violation_error_message="Les délais comptent au moins un jour.",
            ),
        ]

    def __str__(self):
        return f"Délais : {self.departement or 'tous les Départements'}"

    def as_policy(self):
        return Policy(
            entry_delay_days=self.entry_delay_days,
            orientation_delay_days=self.orientation_delay_days,
            contract_delay_months=self.contract_delay_months,
            social_review_delay_months=self.social_review_delay_months,
            reminder_days_before=parse_reminder_days(self.reminder_days_before),
            escalation_days_after=self.escalation_days_after,
            working_days=self.working_days,
        )


class DeadlineReminder(models.Model):
    """One step of a deadline's reminders (7, 3, 1 days before, escalation,
    no referent), created with the deadline. The beat scan claims the due
    ones; the unique (deadline, step) pair and the guarded status update make
    each step go out at most once, whatever the broker does."""

    deadline = models.ForeignKey(
        Deadline,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name="délai",
        # Indexed first by `reminder_once_per_step`: a deadline's reminders
        # (a handful) are found by it, whatever their status.
        db_index=False,
    )
    step = models.CharField("étape", max_length=20)
    send_on = models.DateField("à envoyer le")
    status = models.CharField(
        "statut", max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    processed_at = models.DateTimeField("traité le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", db_default=Now())

    objects = DeadlineReminderQuerySet.as_manager()

    class Meta:
        verbose_name = "rappel de délai"
        verbose_name_plural = "rappels de délai"
        ordering = ["send_on", "pk"]
        indexes = [
            models.Index(
                fields=["send_on", "id"],
                condition=Q(status="pending"),
                name="reminder_pending_by_send_on",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "step"],
                name="reminder_once_per_step",
                violation_error_message="Ce rappel existe déjà pour ce délai.",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(processed_at__isnull=True))
                | (~Q(status="pending") & Q(processed_at__isnull=False)),
                name="reminder_processed_dated",
                violation_error_message="Un rappel traité porte la date de son traitement.",
            ),
        ]

    def __str__(self):
        return f"{self.step_label} ({self.send_on:%d/%m/%Y})"

    @property
    def step_label(self):
        days = ReminderStep.days_before(self.step)
        if days is not None:
            return gettext("Rappel J-%(days)s") % {"days": days}
        try:
            return ReminderStep(self.step).label
        except ValueError:
            return self.step
