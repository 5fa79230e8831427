"""Records of the RGPD lifecycle (retention holds, subject requests, exports)."""

import datetime
import uuid

import pghistory
from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from core.date_ranges import date_range_constraint
from privacy.enums import ExportKind, RestrictionKind

# --- Subject rights: objection and restriction --------------------------------------


class RestrictionQuerySet(models.QuerySet):
    def active(self):
        """Not lifted: the person's objection or restriction holds now."""
        return self.filter(lifted_on__isnull=True)


@pghistory.track(model_name="RestrictionHistory")
class Restriction(models.Model):
    """An objection (RGPD art. 21) or a restriction of processing (art. 18)
    the person asked for: what, why, from when, recorded by whom; lifted later
    with a date. While one holds, no message leaves for the person
    (`privacy.restrictions`) and their record says so."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="restrictions",
        verbose_name="bénéficiaire",
    )
    kind = models.CharField("demande", max_length=12, choices=RestrictionKind.choices)
    reason = models.TextField("motif", max_length=2000)
    requested_on = models.DateField("demandée le")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="saisie par",
    )
    recorded_at = models.DateTimeField("saisie le", db_default=Now())
    lifted_on = models.DateField("levée le", null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="levée par",
    )
    lift_reason = models.CharField("motif de la levée", max_length=500, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = "opposition ou limitation"
        verbose_name_plural = "oppositions et limitations"
        ordering = ["-requested_on", "-pk"]
        indexes = [
            models.Index(
                fields=["beneficiary"],
                condition=Q(lifted_on__isnull=True),
                name="restriction_active_by_person",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RestrictionKind.values),
                name="restriction_kind_valid",
                violation_error_message="Type de demande inconnu.",
            ),
            models.CheckConstraint(
                condition=(Q(lifted_on__isnull=True) & Q(lifted_by__isnull=True))
                | (Q(lifted_on__isnull=False) & Q(lifted_by__isnull=False)),
                name="restriction_lifted_by_someone",
                violation_error_message="Une levée a une date et un auteur, ou aucun des deux.",
            ),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=F("requested_on")),
                name="restriction_lifted_after_request",
                violation_error_message="Une demande ne peut être levée avant d'avoir été faite.",
            ),
            date_range_constraint("restriction", "requested_on", label="Demandée le"),
            date_range_constraint("restriction", "lifted_on", label="Levée le", nullable=True),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.requested_on:%d/%m/%Y})"

    @property
    def is_active(self):
        return self.lifted_on is None


# --- Files produced for a user, downloaded through an expiring link ----------------


def _export_storage():
    return storages["exports"]


def _export_upload_to(instance, filename):
    # The stored name says nothing of the person: the row's opaque id.
    return f"{instance.pk}{instance.extension}"


def export_expiry():
    return timezone.now() + datetime.timedelta(hours=settings.EXPORT_LINK_VALIDITY_HOURS)


class ExportFileQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A user's own files: nobody else ever reaches them."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner_id=user.pk)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class ExportFile(models.Model):
    """A file the application made with personal data, for one user: kept in
    private storage (`STORAGES["exports"]`), served to its owner only through
    an opaque link until `expires_at` (`EXPORT_LINK_VALIDITY_HOURS` after it
    was made), then deleted with its row by the beat."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="destinataire",
    )
    kind = models.CharField("contenu", max_length=30, choices=ExportKind.choices)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="personne concernée",
    )
    file = models.FileField("fichier", storage=_export_storage, upload_to=_export_upload_to)
    filename = models.CharField("nom du fichier téléchargé", max_length=150)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le", default=export_expiry)
    downloaded_at = models.DateTimeField("téléchargé le", null=True, blank=True)

    objects = ExportFileQuerySet.as_manager()

    class Meta:
        verbose_name = "fichier exporté"
        verbose_name_plural = "fichiers exportés"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="export_by_owner"),
            models.Index(fields=["expires_at"], name="export_by_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="export_expires_after_creation",
                violation_error_message="Un export expire après avoir été créé.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ExportKind.values),
                name="export_kind_valid",
                violation_error_message="Type d'export inconnu.",
            ),
        ]

    def __str__(self):
        return self.filename

    @property
    def extension(self):
        return "." + self.filename.rsplit(".", 1)[-1] if "." in self.filename else ""

    def is_expired(self, now=None):
        return self.expires_at <= (now or timezone.now())
