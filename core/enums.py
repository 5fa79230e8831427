from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Rappel d'échéance")
    ESCALATION = "escalation", _("Délai dépassé")
    UNASSIGNED = "unassigned", _("Personne sans référent")
