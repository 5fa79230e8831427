import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext

from caseload.enums import Programme
from pathways.enums import (
    ContractKind,
    DeadlineKind,
    DeadlineState,
    ExitOutcome,
    Funding,
    HoursReductionReason,
    InterviewKind,
    InterviewStatus,
    ObjectiveState,
    OfferTheme,
    Orientation,
    PrescriptionStatus,
    ReminderStatus,
    ReminderStep,
    Stage,
)

CONTRAT_ENGAGEMENT_START = datetime.date(2025, 1, 1)
MAX_WEEKLY_HOURS = Decimal("35")
MIN_WEEKLY_HOURS = Decimal("15")
hours_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_WEEKLY_HOURS)]


# --- QuerySets -------------------------------------------------------------------


class BeneficiaryScopedQuerySet(models.QuerySet):
    """Rows that belong to a person are visible when the person is."""

    def visible_to(self, user):
        from beneficiaries.models import Beneficiary

        return self.filter(beneficiary__in=Beneficiary.objects.visible_to(user))


class PathwayQuerySet(BeneficiaryScopedQuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user):
        from beneficiaries.models import Beneficiary

        return self.filter(pathway__beneficiary__in=Beneficiary.objects.visible_to(user))

    def open(self):
        return self.filter(met_on__isnull=True, cancelled_on__isnull=True)


class DeadlineReminderQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ReminderStatus.PENDING)

    def due(self, today):
        return self.pending().filter(send_on__lte=today)


class ServiceOfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The catalogue of the user's Département."""
        from caseload.perms import scope_of

        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.departement_id is None:
            return self.none()
        return self.filter(departement_id=scope.departement_id)


# --- Pathways ----------------------------------------------------------------------


class Pathway(models.Model):
    """One person's accompaniment in one programme, through stages."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="pathways",
        verbose_name="bénéficiaire",
    )
    programme = models.CharField(
        "dispositif", max_length=30, choices=Programme.choices, default=Programme.DROIT_COMMUN
    )
    stage = models.CharField(
        "étape", max_length=20, choices=Stage.choices, default=Stage.PENDING, db_index=True
    )
    opened_on = models.DateField("ouvert le")
    entered_on = models.DateField(
        "entrée effective", null=True, blank=True, help_text="Date du premier entretien réalisé."
    )
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    outcome = models.CharField("issue", max_length=20, choices=ExitOutcome.choices, blank=True)
    outcome_detail = models.CharField("précision sur la sortie", max_length=255, blank=True)
    created_at = models.DateTimeField("créé le", db_default=Now())

    objects = PathwayQuerySet.as_manager()

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["programme", "stage"], name="pathway_by_programme_stage"),
            models.Index(fields=["outcome", "closed_at"], name="pathway_by_outcome"),
            # Portfolio filters on the open pathway (stage, programme) and its annotations.
            models.Index(
                fields=["beneficiary", "stage", "programme"],
                condition=Q(closed_at__isnull=True),
                name="pathway_open_by_person",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(closed_at__isnull=True),
                name="pathway_one_open_per_person",
                violation_error_message="Cette personne a déjà un parcours en cours.",
            ),
            models.CheckConstraint(
                condition=(Q(stage=Stage.EXIT) & ~Q(outcome="") & Q(closed_at__isnull=False))
                | (~Q(stage=Stage.EXIT) & Q(outcome="") & Q(closed_at__isnull=True)),
                name="pathway_exit_has_outcome",
                violation_error_message=(
                    "Une sortie de parcours indique son issue et sa date ; "
                    "un parcours en cours n'en a pas."
                ),
            ),
            models.CheckConstraint(
                condition=Q(entered_on__isnull=True) | Q(entered_on__gte=models.F("opened_on")),
                name="pathway_entered_after_opened",
                violation_error_message="L'entrée en parcours ne peut précéder son ouverture.",
            ),
        ]

    def __str__(self):
        return f"{self.get_programme_display()} — {self.get_stage_display()}"

    @property
    def is_open(self):
        return self.closed_at is None


class StageTransition(models.Model):
    """The transition log of a pathway: every change of stage, who, when, why."""

    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="transitions", verbose_name="parcours"
    )
    from_stage = models.CharField(
        "étape de départ", max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField("étape d'arrivée", max_length=20, choices=Stage.choices)
    occurred_at = models.DateTimeField("date", db_default=Now())
    reason = models.CharField("motif", max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="par",
    )

    class Meta:
        verbose_name = "changement d'étape"
        verbose_name_plural = "changements d'étape"
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_stage=models.F("to_stage")),
                name="transition_changes_stage",
                violation_error_message="Un changement d'étape mène à une autre étape.",
            )
        ]

    def __str__(self):
        return f"{self.from_stage or '∅'} → {self.to_stage}"


class OrientationDecision(models.Model):
    """A manager's orientation of a person: the kind of accompaniment, the
    programme and the starting stage."""

    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="orientations", verbose_name="parcours"
    )
    orientation = models.CharField("orientation", max_length=30, choices=Orientation.choices)
    programme = models.CharField("dispositif", max_length=30, choices=Programme.choices)
    starting_stage = models.CharField("étape de départ", max_length=20, choices=Stage.choices)
    decided_on = models.DateField("décidée le")
    notified_on = models.DateField("notifiée le", null=True, blank=True)
    reason = models.CharField("motif", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="par",
    )
    created_at = models.DateTimeField("saisie le", db_default=Now())

    class Meta:
        verbose_name = "décision d'orientation"
        verbose_name_plural = "décisions d'orientation"
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["orientation", "decided_on"], name="orientation_by_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starting_stage__in=[Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT]),
                name="orientation_starts_at_a_followed_stage",
                violation_error_message=(
                    "Une orientation mène à une étape d'accompagnement (sociale, "
                    "socio-professionnelle ou emploi)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(notified_on__gte=models.F("decided_on")),
                name="orientation_notified_after_decided",
                violation_error_message="La notification ne peut précéder la décision.",
            ),
        ]

    def __str__(self):
        return f"{self.get_orientation_display()} ({self.decided_on:%d/%m/%Y})"


class Deadline(models.Model):
    """A delay the app chases: 15-day entry, 6-week orientation, 1-month
    contract, 12-month review of a social pathway. Stored as rows so that the
    database, not the broker, is the source of truth."""

    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="deadlines", verbose_name="parcours"
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
    from pathways.deadlines import parse_reminder_days

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
        from pathways.deadlines import Policy, parse_reminder_days

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
        Deadline, on_delete=models.CASCADE, related_name="reminders", verbose_name="délai"
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
            models.Index(fields=["deadline", "status"], name="reminder_by_deadline"),
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


# --- Follow-up ----------------------------------------------------------------------


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

    def __str__(self):
        return f"{self.get_kind_display()} du {self.occurred_on:%d/%m/%Y}"


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


class ServiceOffer(models.Model):
    """An action of the service catalogue (offre de service)."""

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.PROTECT,
        related_name="service_offers",
        verbose_name="Département",
    )
    title = models.CharField("intitulé", max_length=200)
    theme = models.CharField("thème", max_length=30, choices=OfferTheme.choices)
    provider = models.CharField("porteur", max_length=200)
    funding = models.CharField(
        "financement", max_length=20, choices=Funding.choices, default=Funding.NONE
    )
    territory = models.ForeignKey(
        "caseload.Territory",
        on_delete=models.PROTECT,
        related_name="service_offers",
        null=True,
        blank=True,
        verbose_name="territoire",
        help_text="Vide : proposée sur tout le Département.",
    )
    description = models.TextField("description", blank=True)
    default_hours_per_week = models.DecimalField(
        "heures par semaine",
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=hours_validators,
    )
    is_active = models.BooleanField("proposée", default=True)

    objects = ServiceOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "action de l'offre de service"
        verbose_name_plural = "offre de service"
        ordering = ["theme", "title", "pk"]
        indexes = [
            models.Index(fields=["departement", "theme"], name="offer_by_theme"),
            models.Index(fields=["territory"], name="offer_by_territory"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "title", "provider", "territory"],
                name="offer_unique_title_provider_territory",
                violation_error_message="Cette action existe déjà dans l'offre de service.",
            ),
            models.CheckConstraint(
                condition=Q(
                    default_hours_per_week__gte=0, default_hours_per_week__lte=MAX_WEEKLY_HOURS
                ),
                name="offer_hours_range",
                violation_error_message="Les heures par semaine sont comprises entre 0 et 35.",
            ),
        ]

    def __str__(self):
        return self.title


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
        ]

    def __str__(self):
        return f"{self.offer} ({self.hours_per_week} h/sem.)"


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
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.signed_on:%d/%m/%Y}"


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
