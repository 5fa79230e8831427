"""In-app notifications (the bell), made by the deadline scan, and the
outbox of their emails."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from pathways.enums import (
    DeadlineKind,
    EmailFrequency,
    EmailKind,
    EmailStatus,
    NotificationKind,
)


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Emails waiting to be sent whose next attempt has come (by the
        database's clock, which wrote `next_attempt_at`, unless `now` is given)."""
        return self.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now or Now())


class OutgoingEmail(models.Model):
    """One email to send, written in the same transaction as the
    notifications it carries (the outbox): nothing is kept only in Redis. A
    task sends it and marks it sent; the beat retries the pending ones with
    backoff. The text is rendered when it is sent, from its notifications."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="destinataire",
    )
    kind = models.CharField("type", max_length=20, choices=EmailKind.choices)
    status = models.CharField(
        "état", max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", db_default=Now())
    last_error = models.CharField("dernière erreur", max_length=100, blank=True)
    created_at = models.DateTimeField("créé le", db_default=Now())
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel à envoyer"
        verbose_name_plural = "courriels à envoyer"
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outgoing_email_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="outgoing_email_sent_at_iff_sent",
                violation_error_message="Un courriel envoyé a une date d'envoi, et lui seul.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own notifications: the only ones they may see."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def with_list_related_data(self):
        """What the bell and the list show, in one query."""
        return self.select_related("beneficiary").order_by("-created_at", "-pk")


class Notification(models.Model):
    """An in-app notification (the bell): one event, or `count` events of
    the same kind grouped (a scan finding many people without a referent
    makes one notification per manager, with a link to the list). Emailed at
    once or in the daily digest, as the recipient chose (`delivery`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="destinataire",
    )
    kind = models.CharField("type", max_length=20, choices=NotificationKind.choices)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="bénéficiaire",
    )
    reminders = models.ManyToManyField(
        "pathways.DeadlineReminder",
        through="pathways.NotificationReminder",
        related_name="notifications",
        verbose_name="rappels",
    )
    deadline_kind = models.CharField("délai", max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField("échéance", help_text="La plus proche, pour un groupe.")
    count = models.PositiveIntegerField("nombre de personnes", default=1)
    link = models.CharField(
        "lien", max_length=200, blank=True, help_text="La liste à ouvrir, pour un groupe."
    )
    delivery = models.CharField(
        "envoi par courriel",
        max_length=20,
        choices=EmailFrequency.choices,
        blank=True,
        help_text="Vide : pas de courriel (destinataire sans adresse).",
    )
    email = models.ForeignKey(
        OutgoingEmail,
        on_delete=models.SET_NULL,
        related_name="notifications",
        null=True,
        blank=True,
        verbose_name="courriel",
    )
    grouped_on = models.DateField(
        "jour du regroupement",
        null=True,
        blank=True,
        help_text="Le jour du scan : les événements d'un même jour s'ajoutent à la notification.",
    )
    created_at = models.DateTimeField("créée le", db_default=Now())
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par courriel le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        # The table kept its name when the model moved from `core`.
        db_table = "core_notification"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_by_recipient"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(delivery="digest", email__isnull=True),
                name="notification_awaiting_digest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gte=1),
                name="notification_count_positive",
                violation_error_message="Une notification porte sur au moins une personne.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.due_on:%d/%m/%Y})"

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def is_group(self):
        return self.count > 1


class NotificationReminder(models.Model):
    """Which reminders a notification carries: a reminder reaches each
    recipient once, guaranteed by the database."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="+", verbose_name="notification"
    )
    reminder = models.ForeignKey(
        "pathways.DeadlineReminder",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="rappel",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="destinataire",
    )

    class Meta:
        verbose_name = "rappel notifié"
        verbose_name_plural = "rappels notifiés"
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "recipient"],
                name="notification_once_per_reminder_recipient",
                violation_error_message="Ce rappel a déjà été notifié à cette personne.",
            ),
        ]

    def __str__(self):
        return f"{self.reminder_id} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A user's choice of emails; without a row, the default of their role
    (`pathways.notifications.default_email_frequency`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
        verbose_name="utilisateur",
    )
    email_frequency = models.CharField("courriels", max_length=20, choices=EmailFrequency.choices)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"

    def __str__(self):
        return self.get_email_frequency_display()
