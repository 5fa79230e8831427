"""Records of the RGPD lifecycle (retention holds, subject requests, exports)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from core.date_ranges import date_range_constraint


class LegalHoldQuerySet(models.QuerySet):
    def active(self, on):
        """Holds still in force on this day (until that day included)."""
        return self.filter(until__gte=on)


@pghistory.track(model_name="LegalHoldHistory")
class LegalHold(models.Model):
    """A reason to keep a person's record past its retention delay (a
    litigation, a fraud inquiry, an appeal…): until `until`, the retention
    job leaves the person as they are. Recorded by a manager, with its reason;
    the change history and the access log name who did it."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="legal_holds",
        verbose_name="bénéficiaire",
    )
    reason = models.CharField("motif de conservation", max_length=500)
    until = models.DateField("conserver jusqu'au")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="saisi par",
    )
    created_at = models.DateTimeField("saisi le", db_default=Now())

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = "motif de conservation"
        verbose_name_plural = "motifs de conservation"
        ordering = ["-until", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "until"], name="legal_hold_by_person")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="legal_hold_has_reason",
                violation_error_message="Indiquez le motif de conservation.",
            ),
            date_range_constraint("legal_hold", "until", label="Conserver jusqu'au"),
        ]

    def __str__(self):
        return f"Conservation jusqu'au {self.until:%d/%m/%Y}"
