"""A person's pathway: its stages, the transitions between them and the
orientation decisions."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from beneficiaries.models import Beneficiary
from caseload.enums import Programme
from core.date_ranges import date_range_constraint
from pathways.enums import (
    ExitOutcome,
    Orientation,
    Stage,
)


class BeneficiaryScopedQuerySet(models.QuerySet):
    """Rows that belong to a person are visible when the person is."""

    def visible_to(self, user):
        return self.filter(beneficiary__in=Beneficiary.objects.visible_to(user))


class PathwayQuerySet(BeneficiaryScopedQuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


@pghistory.track(model_name="PathwayHistory")
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
            date_range_constraint("pathway", "opened_on", label="Ouverture du parcours"),
            date_range_constraint(
                "pathway", "entered_on", label="Entrée en parcours", nullable=True
            ),
        ]

    def __str__(self):
        return f"{self.get_programme_display()} — {self.get_stage_display()}"

    @property
    def is_open(self):
        return self.closed_at is None


@pghistory.track(model_name="StageTransitionHistory")
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


@pghistory.track(model_name="OrientationDecisionHistory")
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
            date_range_constraint("orientation", "decided_on", label="Date de décision"),
            date_range_constraint(
                "orientation", "notified_on", label="Date de notification", nullable=True
            ),
        ]

    def __str__(self):
        return f"{self.get_orientation_display()} ({self.decided_on:%d/%m/%Y})"
