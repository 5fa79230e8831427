"""Models of applicant imports: the import itself, the column mappings saved
per source, and the problems found in the rows (the report)."""

import pghistory
from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from caseload.perms import scope_of
from intake.enums import (
    ChangeKind,
    ImportKind,
    ImportPhase,
    ImportStatus,
    IssueSeverity,
    MatchDecision,
)


def _import_storage():
    return storages["imports"]


def _upload_to(instance, filename):
    # The original name is kept in `file_name`; the stored name says nothing.
    return f"{instance.departement_id}/{instance.token}.bin"


class ApplicantImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Imports of the user's Département, for its admins only."""
        scope = scope_of(user)
        if not scope.is_admin or scope.departement_id is None:
            return self.none()
        return self.filter(departement_id=scope.departement_id)


class ColumnMappingQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if not scope.is_admin or scope.departement_id is None:
            return self.none()
        return self.filter(departement_id=scope.departement_id)


class ColumnMapping(models.Model):
    """How the columns of one source's files map to a person's fields, saved
    by an admin and reused the next time (file header → field)."""

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.CASCADE,
        related_name="import_mappings",
        verbose_name="Département",
    )
    name = models.CharField(
        "source", max_length=100, help_text="Par exemple « CAF — flux mensuel »."
    )
    columns = models.JSONField(
        "correspondance des colonnes",
        default=dict,
        help_text="En-tête normalisé du fichier → champ de la fiche (vide : colonne ignorée).",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="modifiée par",
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        verbose_name = "correspondance de colonnes"
        verbose_name_plural = "correspondances de colonnes"
        # The table kept its name when the model moved from `beneficiaries`.
        db_table = "beneficiaries_columnmapping"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "name"],
                name="column_mapping_unique_name",
                violation_error_message="Une correspondance de ce nom existe déjà.",
            )
        ]

    def __str__(self):
        return self.name


class ApplicantImport(models.Model):
    """One file of applicants, from upload to report.

    The counts and `processed_rows` are written in the same transaction as
    each batch of people, so they always describe what the database holds.
    """

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.PROTECT,
        related_name="applicant_imports",
        verbose_name="Département",
    )
    token = models.CharField("jeton", max_length=32, unique=True, editable=False)
    file = models.FileField(
        "fichier", storage=_import_storage, upload_to=_upload_to, max_length=200, blank=True
    )
    file_name = models.CharField("nom du fichier", max_length=255)
    file_kind = models.CharField("format", max_length=4, choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    kind = models.CharField(
        "nature du fichier",
        max_length=10,
        choices=ImportKind.choices,
        default=ImportKind.PEOPLE,
        help_text="Un fichier de coordonnées CAF ne met à jour que les téléphones et courriels "
        "des personnes connues.",
    )
    file_size = models.PositiveBigIntegerField("taille (octets)", default=0)
    encoding = models.CharField("encodage", max_length=20, blank=True)
    separator = models.CharField("séparateur", max_length=1, blank=True)
    sheet_name = models.CharField("feuille", max_length=100, blank=True)
    sheet_names = models.JSONField("feuilles du classeur", default=list, blank=True)
    headers = models.JSONField("en-têtes du fichier", default=list, blank=True)
    columns = models.JSONField(
        "correspondance utilisée", default=dict, blank=True, help_text="En-tête normalisé → champ."
    )
    mapping = models.ForeignKey(
        ColumnMapping,
        on_delete=models.SET_NULL,
        related_name="imports",
        null=True,
        blank=True,
        verbose_name="correspondance enregistrée",
    )

    status = models.CharField(
        "statut",
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.UPLOADED,
        db_index=True,
    )
    phase = models.CharField(
        "phase", max_length=10, choices=ImportPhase.choices, default=ImportPhase.DRY_RUN
    )
    total_rows = models.PositiveIntegerField("lignes à traiter", default=0)
    processed_rows = models.PositiveIntegerField("lignes traitées", default=0)
    created_count = models.PositiveIntegerField("créées", default=0)
    updated_count = models.PositiveIntegerField("mises à jour", default=0)
    unchanged_count = models.PositiveIntegerField("inchangées", default=0)
    rejected_count = models.PositiveIntegerField("rejetées", default=0)
    warning_count = models.PositiveIntegerField("avertissements", default=0)
    assigned_count = models.PositiveIntegerField("affectées automatiquement", default=0)
    error_message = models.CharField("erreur", max_length=500, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="déposé par",
    )
    created_at = models.DateTimeField("déposé le", db_default=Now())
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="confirmé par",
    )
    phase_started_at = models.DateTimeField("phase commencée le", null=True, blank=True)
    touched_at = models.DateTimeField(
        "dernière activité",
        db_default=Now(),
        help_text="Changement de statut ou lot traité : un import en cours qui n'avance plus "
        "est arrêté.",
    )
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = ApplicantImportQuerySet.as_manager()

    class Meta:
        verbose_name = "import de demandeurs"
        verbose_name_plural = "imports de demandeurs"
        # The table kept its name when the model moved from `beneficiaries`.
        db_table = "beneficiaries_applicantimport"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="applicant_import_progress_bounded",
                violation_error_message="Les lignes traitées ne peuvent dépasser le total.",
            ),
            models.CheckConstraint(
                condition=Q(
                    processed_rows__gte=models.F("created_count")
                    + models.F("updated_count")
                    + models.F("unchanged_count")
                    + models.F("rejected_count")
                ),
                name="applicant_import_counts_bounded",
                violation_error_message="Les comptes ne peuvent dépasser les lignes traitées.",
            ),
        ]

    def __str__(self):
        return f"Import {self.pk} — {self.file_name}"

    @property
    def percent(self):
        if self.status == ImportStatus.QUEUED:
            return 0  # the counts are still the dry run's until the import starts
        if not self.total_rows:
            return 100 if self.status in ImportStatus.finished() else 0
        return min(100, (100 * self.processed_rows) // self.total_rows)

    @property
    def is_in_progress(self):
        return self.status in ImportStatus.in_progress()

    def seconds_left(self, now):
        """Estimated from the pace of the current phase; None until known."""
        if self.status == ImportStatus.QUEUED:
            return None
        if not self.phase_started_at or not self.processed_rows or not self.total_rows:
            return None
        elapsed = (now - self.phase_started_at).total_seconds()
        return round(elapsed / self.processed_rows * (self.total_rows - self.processed_rows))


@pghistory.track(
    pghistory.UpdateEvent("before_update", row=pghistory.Old),
    pghistory.DeleteEvent(),
    model_name="ImportRowIssueHistory",
)
class ImportRowIssue(models.Model):
    """A problem found in one row: rejected (error) or imported with a warning.
    Keeps the row's original cells so the rejected rows can be downloaded,
    fixed and uploaded again."""

    applicant_import = models.ForeignKey(
        ApplicantImport, on_delete=models.CASCADE, related_name="issues", verbose_name="import"
    )
    phase = models.CharField("phase", max_length=10, choices=ImportPhase.choices)
    severity = models.CharField("gravité", max_length=10, choices=IssueSeverity.choices)
    line_number = models.PositiveIntegerField("ligne")
    problems = models.JSONField("problèmes", default=list, help_text="[{colonne, motif}]")
    cells = models.JSONField("cellules d'origine", default=list)

    class Meta:
        verbose_name = "problème d'une ligne importée"
        verbose_name_plural = "problèmes des lignes importées"
        # The table kept its name when the model moved from `beneficiaries`.
        db_table = "beneficiaries_importrowissue"
        ordering = ["line_number", "pk"]
        indexes = [
            models.Index(
                fields=["applicant_import", "phase", "severity", "line_number"],
                name="import_issue_by_import",
            )
        ]

    def __str__(self):
        return f"Ligne {self.line_number} ({self.get_severity_display()})"


@pghistory.track(
    pghistory.UpdateEvent("before_update", row=pghistory.Old),
    pghistory.DeleteEvent(),
    model_name="ImportRowChangeHistory",
)
class ImportRowChange(models.Model):
    """A person a row creates (or would create, in the dry run) or updates,
    named for the report, with the fields that change (old → new, as shown
    to the admin: the NIR masked)."""

    applicant_import = models.ForeignKey(
        ApplicantImport, on_delete=models.CASCADE, related_name="changes", verbose_name="import"
    )
    phase = models.CharField("phase", max_length=10, choices=ImportPhase.choices)
    kind = models.CharField("nature", max_length=10, choices=ChangeKind.choices)
    line_number = models.PositiveIntegerField("ligne")
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="personne",
    )
    name = models.CharField("nom", max_length=310)
    changes = models.JSONField(
        "champs modifiés", default=list, blank=True, help_text="[{champ, avant, après}]"
    )

    class Meta:
        verbose_name = "personne créée ou mise à jour par un import"
        verbose_name_plural = "personnes créées ou mises à jour par un import"
        ordering = ["line_number", "pk"]
        indexes = [
            models.Index(
                fields=["applicant_import", "phase", "kind", "line_number"],
                name="import_change_by_import",
            )
        ]

    def __str__(self):
        return f"Ligne {self.line_number} : {self.name} ({self.get_kind_display()})"


@pghistory.track(model_name="ImportRowFixHistory")
class ImportRowFix(models.Model):
    """A rejected row an admin corrected in the dry run's report, without
    uploading the file again: the cells as they were and as corrected, by
    whom and when. The import reads the corrected cells instead of the
    file's, and the people it writes from them are traced in their access
    log ("ligne corrigée")."""

    applicant_import = models.ForeignKey(
        ApplicantImport, on_delete=models.CASCADE, related_name="fixes", verbose_name="import"
    )
    line_number = models.PositiveIntegerField("ligne")
    original_cells = models.JSONField("cellules du fichier", default=list)
    cells = models.JSONField("cellules corrigées", default=list)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="corrigée par",
    )
    fixed_at = models.DateTimeField("corrigée le", db_default=Now())

    class Meta:
        verbose_name = "ligne corrigée avant import"
        verbose_name_plural = "lignes corrigées avant import"
        ordering = ["line_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant_import", "line_number"],
                name="import_row_fix_unique_line",
                violation_error_message="Cette ligne a déjà été corrigée.",
            )
        ]

    def __str__(self):
        return f"Ligne {self.line_number} corrigée"


@pghistory.track(model_name="ImportMatchDecisionHistory")
class ImportMatchDecision(models.Model):
    """An admin's answer, in the dry run, to a row "à confirmer": a person
    of the same names and birth date is already recorded, without a common
    identifier. "same" → the import updates that person; "different" → it
    creates a new one. Who decided and when is kept (and its history)."""

    applicant_import = models.ForeignKey(
        ApplicantImport,
        on_delete=models.CASCADE,
        related_name="match_decisions",
        verbose_name="import",
    )
    line_number = models.PositiveIntegerField("ligne")
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="personne proposée",
    )
    decision = models.CharField("décision", max_length=10, choices=MatchDecision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="décidée par",
    )
    decided_at = models.DateTimeField("décidée le", db_default=Now())

    class Meta:
        verbose_name = "rapprochement décidé avant import"
        verbose_name_plural = "rapprochements décidés avant import"
        ordering = ["line_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant_import", "line_number"],
                name="import_match_decision_unique_line",
                violation_error_message="Cette ligne a déjà été tranchée.",
            )
        ]

    def __str__(self):
        return f"Ligne {self.line_number} : {self.get_decision_display()}"
