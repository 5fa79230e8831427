from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotKind(models.TextChoices):
    BACK_TEST = "back_test", _("Contrôle de la prévision")
    COHORTS = "cohorts", _("Cohortes par mois d'entrée")
    FIGURES = "figures", _("Indicateurs de la période")
    FORECAST = "forecast", _("Flux de la prévision de capacité")


class Snapshot(models.Model):
    """A heavy figure computed at night for one scope (a Département and a
    set of its territories, no other filter), read by the dashboard instead
    of computing it again; the page shows when it was computed and computes
    it live when there is none recent enough (`stats.snapshots`)."""

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.CASCADE,
        related_name="stats_snapshots",
        verbose_name="Département",
    )
    kind = models.CharField("indicateur", max_length=20, choices=SnapshotKind.choices)
    # The territories' ids, sorted and joined by commas.
    scope = models.CharField("territoires", max_length=500)
    period_start = models.DateField("début de la période", null=True, blank=True)
    period_end = models.DateField("fin de la période", null=True, blank=True)
    computed_at = models.DateTimeField("calculé le")
    data = models.JSONField("données", default=list)

    class Meta:
        verbose_name = "indicateur précalculé"
        verbose_name_plural = "indicateurs précalculés"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "kind", "scope", "period_start", "period_end"],
                nulls_distinct=False,
                name="stats_snapshot_unique_scope",
                violation_error_message="Cet indicateur est déjà précalculé pour ce périmètre.",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True, period_end__isnull=True)
                | models.Q(period_end__gt=models.F("period_start")),
                name="stats_snapshot_period_ordered",
                violation_error_message="La période d'un indicateur précalculé est ordonnée.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.scope} ({self.computed_at:%d/%m/%Y %H:%M})"
