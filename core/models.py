import pghistory
from django.contrib.auth.models import AbstractUser
from django.db import models


@pghistory.track(exclude=["password", "last_login"], model_name="UserHistory")
class User(AbstractUser):
    """A person who logs in. What they do is described by their staff profile
    (`caseload.StaffProfile`); a user without one sees nothing unless superuser."""

    must_change_password = models.BooleanField(
        "doit changer son mot de passe",
        default=False,
        # Rows written by code that predates the flag (an older process during
        # a deploy, a data migration's historical model) get False too.
        db_default=False,
        help_text="À la prochaine connexion, la personne doit choisir un nouveau mot de passe "
        "avant toute autre page.",
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.get_full_name() or self.username


class WorkerHeartbeat(models.Model):
    """Last time a task worker ran the heartbeat task; read by /healthz.

    Kept in the database so that the health endpoint reports the worker the
    same way whatever the broker (Redis or the embedded filesystem transport).
    """

    name = models.CharField("nom", max_length=200, unique=True)
    last_seen_at = models.DateTimeField("vu pour la dernière fois")

    class Meta:
        verbose_name = "signal de vie d'un worker"
        verbose_name_plural = "signaux de vie des workers"

    def __str__(self):
        return self.name
