"""Places, slots, appointments, the messages sent to the person (an outbox)
and the flags raised for the manager after repeated no-shows."""

import secrets

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from appointments.enums import (
    AppointmentStatus,
    Attendance,
    Channel,
    DeliveryStatus,
    InvitationStatus,
    MessageKind,
    MessageStatus,
    PlaceKind,
    SlotKind,
)


def new_link_nonce():
    return secrets.token_urlsafe(12)


class Place(models.Model):
    """Where appointments are held, per territory: a structure's address, a
    partner's room, a phone call or a home visit."""

    territory = models.ForeignKey(
        "caseload.Territory",
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name="territoire",
    )
    commune = models.ForeignKey(
        "caseload.Commune",
        on_delete=models.PROTECT,
        related_name="places",
        null=True,
        blank=True,
        verbose_name="commune",
    )
    kind = models.CharField("type", max_length=20, choices=PlaceKind.choices)
    name = models.CharField("nom", max_length=150)
    address_line = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=150, blank=True)
    access_notes = models.TextField("accès", max_length=1000, blank=True)
    is_active = models.BooleanField("en service", default=True)

    class Meta:
        verbose_name = "lieu de rendez-vous"
        verbose_name_plural = "lieux de rendez-vous"
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["territory", "is_active"], name="place_by_territory")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[PlaceKind.PHONE, PlaceKind.HOME_VISIT]) | ~Q(address_line=""),
                name="place_address_unless_phone_or_home",
                violation_error_message=(
                    "Un lieu d'accueil a une adresse (sauf appel téléphonique ou visite à domicile)."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def full_address(self):
        return ", ".join(
            p for p in (self.address_line, f"{self.postcode} {self.city}".strip()) if p
        )


class SlotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The slots a user may see: their own, or those of their
        Département's territories for a manager or an admin."""
        from caseload.models import scope_of

        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.departement_id is None:
            return self.none()
        if scope.is_manager:
            return self.filter(place__territory_id__in=scope.territory_ids)
        if scope.is_admin:
            return self.filter(place__territory__departement_id=scope.departement_id)
        if scope.staff_id:
            return self.filter(referent_id=scope.staff_id)
        return self.none()

    def free(self):
        return self.filter(booked_count__lt=F("capacity"))


class Slot(models.Model):
    """A time in a referent's agenda: an individual appointment (capacity 1)
    or a collective session with its capacity."""

    referent = models.ForeignKey(
        "caseload.StaffProfile",
        on_delete=models.PROTECT,
        related_name="slots",
        verbose_name="référent",
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="slots", verbose_name="lieu"
    )
    kind = models.CharField(
        "type", max_length=20, choices=SlotKind.choices, default=SlotKind.INDIVIDUAL
    )
    title = models.CharField("intitulé", max_length=150, blank=True)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    capacity = models.PositiveSmallIntegerField("places", default=1)
    booked_count = models.PositiveSmallIntegerField("places réservées", default=0)
    created_at = models.DateTimeField("créé le", db_default=Now())

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = "créneau"
        verbose_name_plural = "créneaux"
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["referent", "starts_at"], name="slot_agenda"),
            models.Index(fields=["place", "starts_at"], name="slot_by_place"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="slot_ends_after_start",
                violation_error_message="La fin du créneau doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=Q(booked_count__lte=F("capacity")),
                name="slot_capacity_never_exceeded",
                violation_error_message="Ce créneau est complet.",
            ),
            models.CheckConstraint(
                condition=Q(kind=SlotKind.COLLECTIVE, capacity__gte=1)
                | Q(kind=SlotKind.INDIVIDUAL, capacity=1),
                name="slot_capacity_matches_kind",
                violation_error_message=(
                    "Un rendez-vous individuel a une place ; une séance collective au moins une."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.starts_at:%d/%m/%Y %H:%M} — {self.place}"

    @property
    def is_full(self):
        return self.booked_count >= self.capacity

    @property
    def free_places(self):
        return self.capacity - self.booked_count


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=AppointmentStatus.active())

    def visible_to(self, user):
        from beneficiaries.models import Beneficiary

        return self.filter(beneficiary__in=Beneficiary.objects.visible_to(user))

    def unrecorded(self, now=None):
        """Past appointments whose attendance is not recorded yet."""
        return self.active().filter(slot__starts_at__lte=now or timezone.now())


@pghistory.track(model_name="AppointmentHistory")
class Appointment(models.Model):
    """One person booked on one slot; after the time, their attendance."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name="bénéficiaire",
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name="créneau"
    )
    status = models.CharField(
        "état", max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    attendance = models.CharField("présence", max_length=20, choices=Attendance.choices, blank=True)
    attendance_recorded_at = models.DateTimeField("présence saisie le", null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="présence saisie par",
    )
    interview = models.ForeignKey(
        "pathways.Interview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="entretien",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réservé par",
    )
    link_nonce = models.CharField("clé du lien", max_length=32, default=new_link_nonce)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annulé par",
    )
    created_at = models.DateTimeField("créé le", db_default=Now())

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["slot__starts_at", "pk"]
        indexes = [
            models.Index(fields=["beneficiary", "status"], name="appointment_by_person"),
            models.Index(fields=["slot", "status"], name="appointment_by_slot"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "beneficiary"],
                condition=Q(status__in=["booked", "confirmed"]),
                name="appointment_once_per_slot_person",
                violation_error_message="Cette personne a déjà rendez-vous sur ce créneau.",
            ),
            models.CheckConstraint(
                condition=Q(status="recorded", attendance__gt="")
                | (~Q(status="recorded") & Q(attendance="")),
                name="appointment_attendance_iff_recorded",
                violation_error_message="La présence est saisie une fois, après le rendez-vous.",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary_id} — {self.slot}"

    @property
    def is_active(self):
        return self.status in AppointmentStatus.active()


@pghistory.track(model_name="InvitationHistory")
class Invitation(models.Model):
    """A message asking the person to call or choose a slot, before any slot
    is fixed; it expires after `INVITATION_VALIDITY_DAYS`."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name="bénéficiaire",
    )
    referent = models.ForeignKey(
        "caseload.StaffProfile",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name="référent",
    )
    status = models.CharField(
        "état", max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.OPEN
    )
    sent_on = models.DateField("envoyée le")
    expires_on = models.DateField("expire le")
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rendez-vous pris",
    )
    link_nonce = models.CharField("clé du lien", max_length=32, default=new_link_nonce)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="envoyée par",
    )

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["status", "sent_on"], name="invitation_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("sent_on")),
                name="invitation_expires_after_sent",
                violation_error_message="L'invitation expire après son envoi.",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary_id} ({self.get_status_display()})"


class MessageQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now or Now())


class Message(models.Model):
    """One message to the person (SMS, email or letter), written in the
    database first (the outbox), sent by a task, marked sent, then
    delivered when the channel tells. `idempotency_key` makes each message
    exist once (a reminder scanned twice at once is one row)."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name="bénéficiaire",
    )
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
        verbose_name="rendez-vous",
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
        verbose_name="invitation",
    )
    kind = models.CharField("type", max_length=30, choices=MessageKind.choices)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    status = models.CharField(
        "état", max_length=20, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    delivery_status = models.CharField(
        "remise", max_length=20, choices=DeliveryStatus.choices, blank=True
    )
    skip_reason = models.CharField("motif du non-envoi", max_length=200, blank=True)
    recipient = models.CharField("destinataire", max_length=254, blank=True)
    provider_id = models.CharField("référence de l'opérateur", max_length=100, blank=True)
    idempotency_key = models.CharField("clé d'unicité", max_length=120, unique=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", db_default=Now())
    last_error = models.CharField("dernière erreur", max_length=200, blank=True)
    created_at = models.DateTimeField("créé le", db_default=Now())
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message à la personne"
        verbose_name_plural = "messages aux personnes"
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="message_due"
            ),
            models.Index(
                fields=["provider_id"], condition=~Q(provider_id=""), name="message_by_provider_id"
            ),
            models.Index(fields=["appointment", "channel"], name="message_by_appointment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="message_sent_at_iff_sent",
                violation_error_message="Un message envoyé a une date d'envoi, et lui seul.",
            ),
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(skip_reason=""),
                name="message_skipped_has_reason",
                violation_error_message="Un message non envoyé dit pourquoi.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_channel_display()}"

    @property
    def outcome(self):
        """What the staff can know of this message, in French: sent,
        delivered or not (SMS receipts), failed, or not sent and why. An
        email gets no receipt: "envoyé" is all the app knows."""
        from django.utils.translation import gettext as _

        if self.status == MessageStatus.SKIPPED:
            return _("non envoyé : %(reason)s") % {"reason": self.skip_reason}
        if self.status == MessageStatus.FAILED:
            return _("échec de l'envoi : %(error)s") % {"error": self.last_error or "?"}
        if self.status == MessageStatus.PENDING:
            if self.attempts:
                return _("à envoyer (nouvel essai après un échec)")
            return _("à envoyer")
        if self.status == MessageStatus.CANCELLED:
            return _("annulé avant l'envoi")
        if self.channel == Channel.LETTER:
            return _("courrier à imprimer et poster")
        if self.channel == Channel.EMAIL:
            return _("envoyé (un courriel n'a pas d'accusé de réception)")
        if self.delivery_status == DeliveryStatus.DELIVERED:
            return _("remis au téléphone")
        if self.delivery_status == DeliveryStatus.UNDELIVERED:
            return _("non remis au téléphone (accusé de l'opérateur)")
        return _("envoyé, remise pas encore confirmée")


@pghistory.track(model_name="NoShowFlagHistory")
class NoShowFlag(models.Model):
    """Two no-shows in a row: the person is flagged for the manager, with
    the evidence (dates, places, channels and delivery statuses)."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="no_show_flags",
        verbose_name="bénéficiaire",
    )
    raised_at = models.DateTimeField("signalé le", db_default=Now())
    evidence = models.JSONField("éléments", default=list)
    closed_at = models.DateTimeField("traité le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traité par",
    )
    closing_note = models.TextField("suite donnée", max_length=2000, blank=True)

    class Meta:
        verbose_name = "signalement d'absences"
        verbose_name_plural = "signalements d'absences"
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(closed_at__isnull=True),
                name="no_show_flag_one_open_per_person",
                violation_error_message="Cette personne est déjà signalée.",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary_id} ({self.raised_at:%d/%m/%Y})"

    @property
    def evidence_lines(self):
        """The evidence in French: each absence's date and place, and each
        message's kind, channel and what became of it."""

        def label(choices, value):
            return dict(choices.choices).get(value, value) if value else ""

        lines = []
        for absence in self.evidence or []:
            messages = []
            for m in absence.get("messages", []):
                text = (
                    f"{label(MessageKind, m.get('kind'))} — {label(Channel, m.get('channel'))} : "
                )
                text += str(label(MessageStatus, m.get("status"))).lower()
                if m.get("delivery_status"):
                    text += f" ({str(label(DeliveryStatus, m['delivery_status'])).lower()})"
                if m.get("skip_reason"):
                    text += f" ({m['skip_reason']})"
                messages.append(text)
            date = absence.get("date", "")[:10]
            if len(date) == 10:
                date = f"{date[8:10]}/{date[5:7]}/{date[0:4]}"
            lines.append({"date": date, "place": absence.get("place", ""), "messages": messages})
        return lines
