import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from beneficiaries.models import Beneficiary, BeneficiaryHistory, RecordAccessLog
from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, CapPolicy, Unassigned
from caseload.unassigned import unassigned_drift
from intake.enums import ImportStatus
from intake.imports import jobs, reading, services
from intake.models import ApplicantImport
from pathways.deadlines import reminder_schedule
from pathways.enums import DeadlineKind, Stage
from pathways.models import Deadline, Pathway, StageTransition
from pathways.policies import policy_for
from tests.beneficiaries.imports.conftest import problems_of
from tests.beneficiaries.imports.files import HEADERS, csv_bytes, nir_for, person, xlsx_bytes
from tests.caseload.factories import StaffProfileFactory


def test_new_people_get_a_pending_pathway_and_both_deadlines(run_import, territory, admin):
    recorder = run_import(csv_bytes([person(1), person(2)]), user=admin.user)

    assert recorder.counts.created == 2
    marie = Beneficiary.objects.get(caf_number="3000001")
    assert marie.territory == territory
    assert marie.commune.name == "Montargis"
    assert marie.nir == nir_for(1)
    pathway = Pathway.objects.get(beneficiary=marie)
    assert pathway.stage == Stage.PENDING
    assert pathway.opened_on == datetime.date(2026, 11, 2)
    assert StageTransition.objects.filter(pathway=pathway, to_stage=Stage.PENDING).count() == 1
    deadlines = {d.kind: d for d in Deadline.objects.filter(pathway=pathway)}
    assert deadlines[DeadlineKind.ENTRY].due_on == datetime.date(2026, 11, 17)
    assert deadlines[DeadlineKind.ORIENTATION].reference_date == datetime.date(2026, 11, 1)
    assert deadlines[DeadlineKind.ORIENTATION].due_on == datetime.date(2026, 12, 13)
    assert RecordAccessLog.objects.filter(beneficiary_id=marie.pk).count() == 1
    assert not Assignment.objects.exists()  # in the unassigned queue


def test_new_people_get_their_reminders_and_their_next_deadline(run_import):
    run_import(csv_bytes([person(1)]))

    marie = Beneficiary.objects.get(caf_number="3000001")
    # The entry deadline (17/11) comes before the orientation one (13/12).
    assert marie.next_deadline_on == datetime.date(2026, 11, 17)
    entry = Deadline.objects.get(pathway__beneficiary=marie, kind=DeadlineKind.ENTRY)
    assert entry.reminders.count() == len(
        reminder_schedule(
            kind=entry.kind,
            reference_date=entry.reference_date,
            due_on=entry.due_on,
            policy=policy_for(marie.departement_id),
        )
    )


def test_a_new_person_is_written_once_with_their_next_deadline(run_import):
    run_import(csv_bytes([person(1)]))

    marie = Beneficiary.objects.get(caf_number="3000001")
    history = BeneficiaryHistory.objects.filter(pgh_obj=marie)
    assert list(history.values_list("pgh_label", "next_deadline_on")) == [
        ("insert", datetime.date(2026, 11, 17))
    ]


def test_reimporting_the_same_file_creates_and_updates_nothing(run_import):
    data = csv_bytes([person(i) for i in range(5)])
    run_import(data)

    again = run_import(data)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 5)
    assert Beneficiary.objects.count() == 5
    assert Pathway.objects.count() == 5


def test_the_unassigned_queue_is_exact_after_an_import_and_its_reimport(run_import):
    data = csv_bytes([person(i) for i in range(5)])

    run_import(data, batch_size=2)
    after_import = unassigned_drift()
    run_import(data, batch_size=2)

    assert after_import == []
    assert unassigned_drift() == []
    assert Unassigned.objects.count() == 5


def test_updates_touch_only_the_fields_the_file_gives(run_import):
    run_import(csv_bytes([person(1)]))
    marie = Beneficiary.objects.get()
    Beneficiary.objects.filter(pk=marie.pk).update(
        reinforced_consent=True, known_to_departement=True, address_line="3 rue des Lilas"
    )

    recorder = run_import(
        csv_bytes([person(1, **{"Nom bénéficiaire": "Durand", "N° Téléphones": ""})])
    )

    assert recorder.counts.updated == 1
    marie.refresh_from_db()
    assert marie.last_name == "Durand"
    assert marie.phone == "06 12 34 56 78"  # an empty cell never erases
    assert marie.reinforced_consent is True
    assert marie.address_line == "3 rue des Lilas"  # not a column of this file
    assert Pathway.objects.filter(beneficiary=marie).count() == 1


def test_conflicting_identities_are_rejected_for_a_human(run_import):
    run_import(csv_bytes([person(1), person(2)]))

    recorder = run_import(
        csv_bytes(
            [
                person(1, NIR=nir_for(7)),  # same CAF number and role, another NIR
                person(2, NIR=nir_for(1)),  # CAF of one person, NIR of the other
            ]
        )
    )

    assert recorder.counts.rejected == 2
    assert "autre NIR" in problems_of(recorder, 2)[0][1]
    assert "personnes différentes" in problems_of(recorder, 3)[0][1]
    assert sorted(Beneficiary.objects.values_list("nir", flat=True)) == sorted(
        [nir_for(1), nir_for(2)]
    )


def test_a_person_found_by_nir_gets_the_new_caf_number(run_import):
    run_import(csv_bytes([person(1)]))

    recorder = run_import(csv_bytes([person(1, **{"N° CAF": "9999999"})]))

    assert recorder.counts.updated == 1
    assert Beneficiary.objects.get().caf_number == "9999999"


def test_duplicates_inside_a_file_are_reported(run_import):
    recorder = run_import(
        csv_bytes([person(1), person(1), person(2, NIR=nir_for(1))]), batch_size=2
    )

    assert recorder.counts.created == 1
    assert recorder.counts.rejected == 2
    assert problems_of(recorder, 3) == [
        (
            "(toute la ligne)",
            "ligne en double : même NIR que la ligne 2",
        )
    ]
    assert problems_of(recorder, 4) == [
        ("(toute la ligne)", "ligne en double : même NIR que la ligne 2")
    ]


def test_an_unknown_commune_flags_the_row_without_dropping_it(run_import):
    recorder = run_import(csv_bytes([person(1, **{"CP Ville": "99999 NULLE-PART"})]))

    assert recorder.counts.created == 1
    assert recorder.counts.warnings == 1
    assert problems_of(recorder, 2)[0][0] == "CP Ville"
    assert "commune inconnue" in problems_of(recorder, 2)[0][1]
    assert Beneficiary.objects.get().territory is None


def test_a_hostile_file_gives_clear_row_errors_and_imports_the_good_rows(run_import):
    nir = nir_for(3)
    rows = [
        person(1),
        person(2, **{"DATE DEMANDE RSA": "46328", "Date de naissance": "31147"}),
        person(3, NIR=nir[:13] + ("01" if nir[13:] != "01" else "02")),
        person(4, **{"Nom bénéficiaire": "=1+2", "Prénom": "@SUM(A1)"}),
        person(1),
        person(5, **{"CP Ville": "45200 - Amilly"}),
    ]

    def with_blank_lines(text):
        return text.replace("\r\n", "\r\n\r\n", 2)

    recorder = run_import(csv_bytes(rows, encoding="latin-1", lines=with_blank_lines))

    assert recorder.counts.created == 3
    assert recorder.counts.rejected == 3
    lines = sorted(i.line_number for i in recorder.issues)
    assert lines == [6, 7, 8]
    assert problems_of(recorder, 6)[0][0] == "NIR"
    assert {c for c, _r in problems_of(recorder, 7)} == {"Nom bénéficiaire", "Prénom"}
    assert Beneficiary.objects.get(caf_number="3000002").rsa_application_date == datetime.date(
        2026, 11, 2
    )
    assert Beneficiary.objects.get(caf_number="3000005").commune.name == "Amilly"


def test_an_xlsx_file_with_excel_dates(run_import):
    rows = [HEADERS]
    for index in (1, 2):
        row = person(index)
        row["DATE DEMANDE RSA"] = datetime.datetime(2026, 11, 2)
        row["Date de naissance"] = 31149  # an Excel serial without a date format
        row["N° CAF"] = int(row["N° CAF"])
        rows.append([row[h] for h in HEADERS])

    recorder = run_import(xlsx_bytes({"Export": rows}))

    assert recorder.counts.created == 2, recorder.issues
    assert Beneficiary.objects.filter(birth_date=datetime.date(1985, 4, 12)).count() == 2


def test_dry_run_writes_nothing(run_import):
    recorder = run_import(csv_bytes([person(1), person(2, NIR="123")]), dry_run=True)

    assert (recorder.counts.created, recorder.counts.rejected) == (1, 1)
    assert not Beneficiary.objects.exists()


def _stored_import(admin, data, name="demandeurs.csv"):
    applicant_import = services.import_upload(
        acting_user=admin.user,
        departement=admin.structure.departement,
        uploaded_file=SimpleUploadedFile(name, data),
    )
    return applicant_import


def test_a_failure_mid_import_leaves_whole_people_and_a_failed_import(admin, monkeypatch, settings):
    settings.IMPORT_BATCH_SIZE = 2
    applicant_import = _stored_import(admin, csv_bytes([person(i) for i in range(5)]))
    ApplicantImport.objects.filter(pk=applicant_import.pk).update(
        status=ImportStatus.ANALYSED, total_rows=5
    )
    services.import_confirm(applicant_import=applicant_import, acting_user=admin.user)
    from intake import people as beneficiary_services

    real = beneficiary_services.pathways_open_bulk
    calls = []

    def failing_second_batch(**kwargs):
        calls.append(1)
        real(**kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(beneficiary_services, "pathways_open_bulk", failing_second_batch)

    jobs.import_run(import_id=applicant_import.pk)

    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.FAILED
    assert (applicant_import.processed_rows, applicant_import.created_count) == (2, 2)
    assert "déposez de nouveau le fichier" in applicant_import.error_message
    assert Beneficiary.objects.count() == 2
    assert Pathway.objects.count() == 2
    assert Deadline.objects.count() == 4
    assert not applicant_import.file  # the upload is deleted

    monkeypatch.setattr(beneficiary_services, "pathways_open_bulk", real)
    again = _stored_import(admin, csv_bytes([person(i) for i in range(5)]))
    ApplicantImport.objects.filter(pk=again.pk).update(status=ImportStatus.QUEUED, total_rows=5)
    jobs.import_run(import_id=again.pk)
    again.refresh_from_db()
    assert (again.created_count, again.unchanged_count, again.status) == (3, 2, ImportStatus.DONE)


def test_auto_assignment_by_territory_respects_caps(run_import, departement, territory):
    departement.auto_assign_imports = True
    departement.save()
    CapPolicy.objects.filter(
        departement=departement, role=StaffRole.SOCIOPRO_REFERENT, programme=Programme.DROIT_COMMUN
    ).update(cap=1)
    first = StaffProfileFactory(structure__departement=departement, territories=[territory])
    second = StaffProfileFactory(structure__departement=departement, territories=[territory])

    recorder = run_import(csv_bytes([person(i) for i in range(3)]))

    assert recorder.counts.assigned == 2
    assert sorted(Assignment.objects.values_list("staff_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_the_same_instant_creates_each_person_once(
    departement, territory
):
    from tests.beneficiaries.imports.conftest import run_import as _unused  # noqa: F401

    data = csv_bytes([person(i) for i in range(40)])
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        import io

        from intake.imports.columns import guess_columns
        from intake.imports.engine import ImportEngine, MemoryRecorder

        try:
            fileobj = io.BytesIO(data)
            info = reading.detect(fileobj)
            columns = guess_columns(reading.read_headers(fileobj, info))
            recorder = MemoryRecorder()
            barrier.wait()
            ImportEngine(
                departement=departement,
                fileobj=fileobj,
                info=info,
                columns=columns,
                recorder=recorder,
                batch_size=5,
            ).run()
            results.append(recorder.counts)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(c.created for c in results) == 40
    assert sum(c.unchanged for c in results) == 40
    assert Beneficiary.objects.count() == 40
    assert Pathway.objects.count() == 40


def test_an_import_and_a_manual_creation_open_the_same_deadlines(run_import, departement):
    from intake.people import beneficiary_create

    run_import(csv_bytes([person(1)]))
    manual = beneficiary_create(
        acting_user=None,
        departement=departement,
        caf_number="7777777",
        household_role="demandeur",
        first_name="Paul",
        last_name="Martin",
        rsa_application_date=datetime.date(2026, 11, 2),
        rights_opening_date=datetime.date(2026, 11, 1),
    )

    def plan(person_filter):
        return sorted(
            Deadline.objects.filter(**person_filter).values_list("kind", "reference_date", "due_on")
        )

    assert plan({"pathway__beneficiary__caf_number": "3000001"}) == plan(
        {"pathway__beneficiary": manual}
    )


def test_a_task_delivered_again_resumes_after_the_committed_rows(admin, settings):
    settings.IMPORT_BATCH_SIZE = 2
    data = csv_bytes([person(i) for i in range(5)])
    first = _stored_import(admin, data)
    ApplicantImport.objects.filter(pk=first.pk).update(status=ImportStatus.QUEUED, total_rows=5)
    jobs.import_run(import_id=first.pk)
    Beneficiary.objects.filter(caf_number__in=["3000002", "3000003", "3000004"]).delete()
    # The worker died after the first batch: the import is still running, 2 rows done.
    again = _stored_import(admin, data)
    ApplicantImport.objects.filter(pk=again.pk).update(
        status=ImportStatus.RUNNING, total_rows=5, processed_rows=2, created_count=2
    )

    jobs.import_run(import_id=again.pk)

    again.refresh_from_db()
    assert (again.status, again.processed_rows, again.created_count) == (ImportStatus.DONE, 5, 5)
    assert Beneficiary.objects.count() == 5


def test_an_uploaded_workbook_goes_through_the_dry_run_and_the_import(admin):
    rows = [HEADERS] + [[person(i)[h] for h in HEADERS] for i in range(3)]
    applicant_import = _stored_import(admin, xlsx_bytes({"Demandeurs": rows}), "caf.xlsx")
    services.import_analyse_request(
        applicant_import=applicant_import,
        acting_user=admin.user,
        columns=applicant_import.columns,
    )
    jobs.import_analyse(import_id=applicant_import.pk)
    applicant_import.refresh_from_db()
    assert (applicant_import.status, applicant_import.created_count) == (ImportStatus.ANALYSED, 3)

    services.import_confirm(applicant_import=applicant_import, acting_user=admin.user)
    jobs.import_run(import_id=applicant_import.pk)

    applicant_import.refresh_from_db()
    assert (applicant_import.status, applicant_import.created_count) == (ImportStatus.DONE, 3)
    assert Beneficiary.objects.count() == 3
    assert RecordAccessLog.objects.filter(user=admin.user).count() == 3
