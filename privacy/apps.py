from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The RGPD lifecycle: retention and anonymisation, purges, subject rights.

    It reads every domain layer (people, pathways, appointments, imports) to
    apply the delays of the processing register, so it sits above them and
    below the web layer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Données personnelles (RGPD)"
