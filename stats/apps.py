from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Figures, reports and the capacity forecast, computed in the database
    from the domain apps' own data. Named `stats`, not `statistics`: an app
    package at the project root named `statistics` would shadow Python's
    standard module (which Django's SQLite backend imports)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "stats"
    verbose_name = "Statistiques"
