"""Celery tasks of the beneficiaries app (autodiscovered by Celery)."""

from beneficiaries.imports.tasks import analyse_import, cancel_stale_imports, run_import

__all__ = ["analyse_import", "cancel_stale_imports", "run_import"]
