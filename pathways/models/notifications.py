"""In-app notifications (the bell), made by the deadline scan."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from pathways.enums import (
    DeadlineKind,
    NotificationKind,
)


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
    """An in-app notification (the bell), doubled by an email when the
    recipient has an address. Made by the deadline scan; one per reminder and
    recipient, guaranteed by the database."""

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
    reminder = models.ForeignKey(
        "pathways.DeadlineReminder",
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        verbose_name="rappel",
    )
    deadline_kind = models.CharField("délai", max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField("échéance")
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
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "recipient"],
                condition=models.Q(reminder__isnull=False),
                name="notification_once_per_reminder_recipient",
                violation_error_message="Ce rappel a déjà été notifié à cette personne.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.due_on:%d/%m/%Y})"

    @property
    def is_read(self):
        return self.read_at is not None
