"""The broker down while an admin starts a step: the import goes back to the
step before with a French message, to retry or cancel; and every kind of
stale import is cleaned, its file removed. The broker is a closed local port:
a real connection failure, not a mock."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from intake.enums import ImportStatus
from intake.imports import jobs, services
from intake.models import ApplicantImport
from tests.beneficiaries.imports.files import csv_bytes, person
from tests.beneficiaries.imports.test_views import _stored_files, _uploaded

CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/0"


@pytest.fixture
def broker_down(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)
    # Connection pools made before are dropped (and given back afterwards).
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


def _columns_form(applicant_import):
    return {
        f"col_{position}": applicant_import.columns.get(key, "")
        for position, key in enumerate(
            __import__("intake.imports.columns", fromlist=["x"]).normalise_header(h)
            for h in applicant_import.headers
        )
    }


@pytest.mark.django_db(transaction=True)
def test_an_analysis_that_cannot_be_queued_goes_back_to_the_columns_step_with_a_message(
    login, admin, broker_down
):
    client = login(admin)
    response = client.post(
        reverse("imports:new"),
        {"file": SimpleUploadedFile("demandeurs.csv", csv_bytes([person(1)]))},
    )
    applicant_import = ApplicantImport.objects.get()

    response = client.post(response.url, _columns_form(applicant_import), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("imports:columns", args=[applicant_import.pk])
    assert "L&#x27;analyse n&#x27;a pas pu être lancée" in response.content.decode()
    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.UPLOADED

    client.post(reverse("imports:cancel", args=[applicant_import.pk]))

    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.CANCELLED
    assert _stored_files() == []


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_that_cannot_be_queued_leaves_the_import_to_confirm_again(
    login, admin, monkeypatch
):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    ApplicantImport.objects.filter(pk=applicant_import.pk).update(status=ImportStatus.ANALYSED)
    client = login(admin)
    monkeypatch.setattr(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)

    response = client.post(reverse("imports:confirm", args=[applicant_import.pk]), follow=True)

    page = response.content.decode()
    assert "L&#x27;import n&#x27;a pas pu être lancé" in page
    assert "Confirmer l'import" in page
    assert "Import confirmé" not in page
    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.ANALYSED


@pytest.mark.parametrize("status", [ImportStatus.ANALYSING, ImportStatus.QUEUED])
def test_an_import_waiting_for_its_task_can_be_cancelled(login, admin, status):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    ApplicantImport.objects.filter(pk=applicant_import.pk).update(status=status)
    client = login(admin)

    assert (
        "Annuler et supprimer le fichier"
        in client.get(reverse("imports:detail", args=[applicant_import.pk])).content.decode()
    )
    client.post(reverse("imports:cancel", args=[applicant_import.pk]))

    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.CANCELLED
    assert _stored_files() == []


def test_a_running_import_cannot_be_cancelled(admin):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    ApplicantImport.objects.filter(pk=applicant_import.pk).update(status=ImportStatus.RUNNING)

    assert jobs.import_cancel(applicant_import=applicant_import) is False


@pytest.mark.parametrize(
    "status", [ImportStatus.ANALYSING, ImportStatus.QUEUED, ImportStatus.RUNNING]
)
def test_an_import_that_stopped_moving_is_failed_with_a_message_and_its_file_deleted(admin, status):
    now = timezone.now()
    stuck = _uploaded(admin, csv_bytes([person(1)]))
    moving = _uploaded(admin, csv_bytes([person(2)]))
    ApplicantImport.objects.filter(pk__in=[stuck.pk, moving.pk]).update(status=status)
    ApplicantImport.objects.filter(pk=stuck.pk).update(
        touched_at=now - datetime.timedelta(hours=25)
    )

    assert jobs.imports_cancel_stale(now=now) == 1

    stuck.refresh_from_db()
    moving.refresh_from_db()
    assert (stuck.status, moving.status) == (ImportStatus.FAILED, status)
    assert "n'avançait plus depuis plus de 24 heures" in stuck.error_message
    assert len(_stored_files()) == 1


def test_a_finished_import_whose_file_was_left_behind_loses_it(admin):
    leftover = _uploaded(admin, csv_bytes([person(1)]))
    ApplicantImport.objects.filter(pk=leftover.pk).update(status=ImportStatus.DONE)

    jobs.imports_cancel_stale()

    leftover.refresh_from_db()
    assert not leftover.file
    assert _stored_files() == []


def test_a_successful_step_clears_the_message_of_a_failed_attempt(
    admin, django_capture_on_commit_callbacks
):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    ApplicantImport.objects.filter(pk=applicant_import.pk).update(error_message="injoignable")

    with django_capture_on_commit_callbacks(execute=False):
        services.import_analyse_request(
            applicant_import=applicant_import,
            acting_user=admin.user,
            columns=applicant_import.columns,
        )

    applicant_import.refresh_from_db()
    assert (applicant_import.status, applicant_import.error_message) == (
        ImportStatus.ANALYSING,
        "",
    )
