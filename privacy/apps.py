from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The RGPD lifecycle: retention and anonymisation, purges, subject rights.

    It reads every domain layer (people, pathways, appointments, imports) to
    apply the delays of the processing register, so it sits above them and
    below the web layer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Données personnelles (RGPD)"

    def ready(self):
        # No message reaches a person with an objection or a restriction
        # that holds: the appointments layer, below, asks this check.
        from appointments.channels import RECIPIENT_CHECKS
        from privacy import exports  # noqa: F401 - registers the purge task of the beat
        from privacy.restrictions import message_block_reasons

        if message_block_reasons not in RECIPIENT_CHECKS:
            RECIPIENT_CHECKS.append(message_block_reasons)
