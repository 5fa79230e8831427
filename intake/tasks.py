"""Celery tasks of applicant imports: thin, they take an id and call a service."""

from celery import shared_task

from intake.imports import jobs


@shared_task(name="intake.analyse_import", ignore_result=True)
def analyse_import(import_id):
    jobs.import_analyse(import_id=import_id)


@shared_task(name="intake.run_import", ignore_result=True)
def run_import(import_id):
    jobs.import_run(import_id=import_id)


@shared_task(name="intake.cancel_stale_imports", ignore_result=True)
def cancel_stale_imports():
    jobs.imports_cancel_stale()
