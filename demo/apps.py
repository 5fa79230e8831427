"""The demo data generator (top layer: it writes through every app)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Données de démonstration"
