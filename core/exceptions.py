"""Errors shared by the apps' services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Quelqu'un d'autre a modifié cette fiche pendant votre saisie : votre enregistrement "
    "a été refusé pour ne rien écraser. Rechargez la page pour voir la version à jour."
)


class StaleVersionError(ValidationError):
    """A save based on an old version of a row (optimistic concurrency): the
    second of two concurrent edits is refused, nothing is overwritten."""

    def __init__(self, message=STALE_MESSAGE):
        super().__init__(message, code="stale")
