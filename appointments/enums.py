from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    STRUCTURE = "structure", _("Adresse d'une structure")
    PARTNER_ROOM = "partner_room", _("Salle d'un partenaire")
    PHONE = "phone", _("Appel téléphonique")
    HOME_VISIT = "home_visit", _("Visite à domicile")


class SlotKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Rendez-vous individuel")
    COLLECTIVE = "collective", _("Séance collective")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Réservé")
    CONFIRMED = "confirmed", _("Confirmé par la personne")
    CANCELLED = "cancelled", _("Annulé")
    RECORDED = "recorded", _("Présence saisie")

    @classmethod
    def active(cls):
        return [cls.BOOKED, cls.CONFIRMED]


class Attendance(models.TextChoices):
    SEEN = "seen", _("Venue")
    NO_SHOW = "no_show", _("Absente sans prévenir")
    EXCUSED = "excused", _("Absente excusée")
    CANCELLED = "cancelled", _("Annulé")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Courriel")
    LETTER = "letter", _("Courrier")


class MessageKind(models.TextChoices):
    CONVOCATION = "convocation", _("Convocation")
    REMINDER = "reminder", _("Rappel du rendez-vous")
    INVITATION = "invitation", _("Invitation à prendre rendez-vous")
    INVITATION_REMINDER = "invitation_reminder", _("Relance de l'invitation")
    RESCHEDULED = "rescheduled", _("Changement de rendez-vous")
    CANCELLATION = "cancellation", _("Annulation du rendez-vous")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Abandonné après plusieurs échecs")
    SKIPPED = "skipped", _("Non envoyé")
    CANCELLED = "cancelled", _("Annulé")


class DeliveryStatus(models.TextChoices):
    UNKNOWN = "", _("Inconnu")
    TO_PRINT = "to_print", _("À imprimer et poster")
    ACCEPTED = "accepted", _("Accepté par l'opérateur")
    DELIVERED = "delivered", _("Remis")
    UNDELIVERED = "undelivered", _("Non remis")


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("En attente de réponse")
    BOOKED = "booked", _("Rendez-vous pris")
    EXPIRED = "expired", _("Expirée")
