from django.db import models
from django.utils.translation import gettext_lazy as _


class RestrictionKind(models.TextChoices):
    """What the person asked for (RGPD art. 21 and 18)."""

    OBJECTION = "objection", _("Opposition au traitement (art. 21)")
    RESTRICTION = "restriction", _("Limitation du traitement (art. 18)")


class ExportKind(models.TextChoices):
    """What a file made for a user holds."""

    SUBJECT_ACCESS_PDF = "subject_access_pdf", _("Droit d'accès — document PDF")
    SUBJECT_ACCESS_JSON = "subject_access_json", _("Droit d'accès — fichier JSON")
