"""Celery tasks of the beneficiaries app (autodiscovered by Celery)."""

from beneficiaries.imports.tasks import analyse_import, run_import

__all__ = ["analyse_import", "run_import"]
