from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Fichier déposé")
    ANALYSING = "analysing", _("Analyse en cours")
    ANALYSED = "analysed", _("Analysé, en attente de confirmation")
    QUEUED = "queued", _("En file d'attente")
    RUNNING = "running", _("Import en cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échoué")
    CANCELLED = "cancelled", _("Annulé")

    @classmethod
    def in_progress(cls):
        return [cls.ANALYSING, cls.QUEUED, cls.RUNNING]

    @classmethod
    def cancellable(cls):
        """Nothing written yet: the admin may still cancel."""
        return [cls.UPLOADED, cls.ANALYSING, cls.ANALYSED, cls.QUEUED]

    @classmethod
    def finished(cls):
        return [cls.DONE, cls.FAILED, cls.CANCELLED]


class ImportPhase(models.TextChoices):
    DRY_RUN = "dry_run", _("Analyse")
    RUN = "run", _("Import")


class IssueSeverity(models.TextChoices):
    ERROR = "error", _("Ligne rejetée")
    WARNING = "warning", _("Avertissement")


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Nouvelle personne")
    UPDATED = "updated", _("Mise à jour")


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("Demandeurs (création et mise à jour)")
    CONTACTS = "contacts", _("Coordonnées CAF (téléphones et courriels des personnes connues)")


class MatchDecision(models.TextChoices):
    """An admin's answer to a row "à confirmer" (same names and birth date)."""

    SAME = "same", _("C'est la même personne")
    DIFFERENT = "different", _("C'est une autre personne")
