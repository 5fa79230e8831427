"""The other delays, with the clock frozen: rejected import rows and uploaded
files after IMPORT_FILE_RETENTION_DAYS, the access log and the change history
after AUDIT_RETENTION_DAYS, notifications after NOTIFICATION_RETENTION_DAYS."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from beneficiaries.enums import AccessAction
from beneficiaries.models import RecordAccessLog
from intake.enums import ImportPhase, ImportStatus, IssueSeverity
from intake.models import ApplicantImport, ImportRowFix, ImportRowIssue
from pathways.enums import DeadlineKind, NotificationKind
from pathways.models import Notification
from privacy import purges
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import StaffProfileFactory

REJECTED_CELLS = ["DUPONT", "Marcel", "185057512345678", "12/05/1985"]


def days_later(days):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


@pytest.fixture
def admin():
    return StaffProfileFactory(admin=True)


@pytest.fixture
def finished_import(admin):
    """A finished import with one rejected row (fixed by an admin, then the
    fix kept) and one row imported with a warning, and its uploaded file."""
    applicant_import = ApplicantImport.objects.create(
        departement=admin.structure.departement,
        token="purge",
        file_name="entrants.csv",
        file_kind="csv",
        created_by=admin.user,
        status=ImportStatus.DONE,
    )
    applicant_import.file.save("entrants.csv", ContentFile(b"nom;prenom\nDUPONT;Marcel\n"))
    ImportRowIssue.objects.create(
        applicant_import=applicant_import,
        phase=ImportPhase.RUN,
        severity=IssueSeverity.ERROR,
        line_number=2,
        problems=[{"colonne": "NIR", "motif": "clé fausse"}],
        cells=REJECTED_CELLS,
    )
    ImportRowIssue.objects.create(
        applicant_import=applicant_import,
        phase=ImportPhase.RUN,
        severity=IssueSeverity.WARNING,
        line_number=3,
        cells=["MARTIN", "Lise"],
    )
    ImportRowFix.objects.create(
        applicant_import=applicant_import,
        line_number=2,
        original_cells=REJECTED_CELLS,
        cells=REJECTED_CELLS,
        fixed_by=admin.user,
    )
    # An update leaves a copy of the old row in the history.
    ImportRowIssue.objects.filter(line_number=3).update(problems=[{"colonne": "x", "motif": "y"}])
    return applicant_import


def import_rows_left(applicant_import):
    history = [
        model.objects.count()
        for model in (
            *ImportRowIssue.pgh_event_models.values(),
            *ImportRowFix.pgh_event_models.values(),
        )
    ]
    return (
        ImportRowIssue.objects.filter(applicant_import=applicant_import).count()
        + ImportRowFix.objects.filter(applicant_import=applicant_import).count(),
        sum(history),
    )


def test_rejected_rows_are_kept_29_days(finished_import):
    with days_later(29):
        assert purges.purge_import_rows(now=timezone.now()) == 0
    assert import_rows_left(finished_import)[0] == 3


def test_rejected_rows_and_their_history_copies_are_purged_after_30_days(finished_import):
    with days_later(31):
        assert purges.purge_import_rows(now=timezone.now()) == 3
    assert import_rows_left(finished_import) == (0, 0)


def test_the_import_keeps_its_counts_when_its_rows_are_purged(finished_import):
    ApplicantImport.objects.filter(pk=finished_import.pk).update(
        total_rows=3, processed_rows=3, rejected_count=1
    )
    with days_later(31):
        purges.purge_import_rows(now=timezone.now())
    assert ApplicantImport.objects.get(pk=finished_import.pk).rejected_count == 1


def test_a_dry_run_counts_the_rows_without_purging_them(finished_import):
    with days_later(31):
        assert purges.purge_import_rows(now=timezone.now(), dry_run=True) == 3
    assert import_rows_left(finished_import)[0] == 3


def test_a_running_import_keeps_its_rows(finished_import):
    ApplicantImport.objects.filter(pk=finished_import.pk).update(status=ImportStatus.RUNNING)
    with days_later(31):
        assert purges.purge_import_rows(now=timezone.now()) == 0


def test_an_uploaded_file_is_kept_29_days(finished_import):
    with days_later(29):
        assert purges.purge_import_files(now=timezone.now()) == 0
    assert finished_import.file.storage.exists(finished_import.file.name)


def test_an_uploaded_file_is_deleted_after_30_days(finished_import):
    name = finished_import.file.name
    with days_later(31):
        assert purges.purge_import_files(now=timezone.now()) == 1
    assert not finished_import.file.storage.exists(name)
    assert ApplicantImport.objects.get(pk=finished_import.pk).file.name == ""


@pytest.fixture
def person_with_history(admin):
    person = BeneficiaryFactory(departement=admin.structure.departement)
    RecordAccessLog.objects.create(
        beneficiary=person, user=admin.user, action=AccessAction.READ, detail="fiche"
    )
    return person


def history_rows(person):
    return sum(
        model.objects.filter(pgh_obj_id=person.pk).count()
        for model in person.pgh_event_models.values()
    )


def test_access_rows_and_history_are_kept_364_days(person_with_history):
    with days_later(364):
        history, access = purges.purge_audit(now=timezone.now())
    assert (history, access) == (0, 0)
    assert history_rows(person_with_history) >= 1
    assert RecordAccessLog.objects.filter(beneficiary=person_with_history).count() == 1


def test_access_rows_and_history_are_purged_after_365_days(person_with_history):
    with days_later(366):
        history, access = purges.purge_audit(now=timezone.now())
    assert history >= 1 and access == 1
    assert history_rows(person_with_history) == 0
    assert not RecordAccessLog.objects.filter(beneficiary=person_with_history).exists()


def test_the_purge_keeps_the_append_only_protection_for_everything_else(person_with_history):
    with days_later(366):
        purges.purge_audit(now=timezone.now())
    person_with_history.last_name = "Nouveau"
    person_with_history.save()
    log = RecordAccessLog.objects.create(
        beneficiary=person_with_history, action=AccessAction.READ, command="test"
    )
    with pytest.raises(Exception, match="append_only|Cannot"):
        RecordAccessLog.objects.filter(pk=log.pk).update(detail="effacé")


@pytest.fixture
def notification(admin):
    return Notification.objects.create(
        recipient=admin.user,
        kind=NotificationKind.ESCALATION,
        deadline_kind=DeadlineKind.ENTRY,
        due_on=timezone.localdate(),
    )


def test_notifications_are_kept_364_days(notification):
    with days_later(364):
        assert purges.purge_notifications(now=timezone.now()) == 0
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_notifications_are_purged_after_365_days(notification):
    with days_later(366):
        assert purges.purge_notifications(now=timezone.now()) == 1
    assert not Notification.objects.filter(pk=notification.pk).exists()


def test_a_purge_is_traced_in_the_access_log(notification):
    with days_later(366):
        purges.purge_all(now=timezone.now())
    row = RecordAccessLog.objects.get(detail__startswith="purge des délais")
    assert row.row_count >= 1
    assert "notifications 1" in row.detail
