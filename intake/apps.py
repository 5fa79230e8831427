"""Bringing people in: manual creation and applicant imports."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Entrée des personnes"
