"""The structure, tags and RQTH / AAH columns of departmental exports, rows
"à confirmer" decided in the dry run, and a fixed row that duplicates
another row of the file."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, BeneficiaryTag, HealthNote, RecordAccessLog, Tag
from beneficiaries.services import tags_attach
from intake.enums import ImportStatus, IssueSeverity, MatchDecision
from intake.imports import exports, jobs, services
from intake.models import ImportMatchDecision, ImportRowFix, ImportRowIssue
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.beneficiaries.imports.conftest import problems_of
from tests.beneficiaries.imports.files import HEADERS, csv_bytes, person
from tests.beneficiaries.imports.real_files import departement_row, departement_xlsx
from tests.beneficiaries.imports.test_views import _analysed
from tests.caseload.factories import (
    AssignmentFactory,
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
)


def _workbook(*rows):
    return departement_xlsx([departement_row(index, **cells) for index, cells in rows])


# -- tags ---------------------------------------------------------------------------------


def test_the_tags_column_creates_the_tags_split_on_commas_semicolons_and_pipes(run_import):
    run_import(_workbook((1, {"Étiquettes": "Jeunes 18-25 ; QPV | Mobilité, qpv"})))

    person = Beneficiary.objects.get()
    assert sorted(person.tags.values_list("name", flat=True)) == [
        "Jeunes 18-25",
        "Mobilité",
        "QPV",
    ]


def test_people_of_the_file_share_one_tag_whatever_its_case_and_accents(run_import):
    run_import(_workbook((1, {"Étiquettes": "Mobilité"}), (2, {"Étiquettes": "MOBILITE"})))

    assert Tag.objects.count() == 1
    assert BeneficiaryTag.objects.count() == 2


def test_a_tag_of_another_departement_is_not_reused(run_import, departement):
    other = Tag.objects.create(departement=DepartementFactory(), name="QPV", key="qpv")

    run_import(_workbook((1, {"Étiquettes": "QPV"})))

    tag = Beneficiary.objects.get().tags.get()
    assert tag.departement == departement
    assert tag != other


def test_the_tags_are_attached_in_a_few_queries_whatever_the_number_of_people(
    departement, django_assert_num_queries
):
    people = BeneficiaryFactory.create_batch(30, departement=departement)

    with django_assert_num_queries(5):
        attached = tags_attach(
            departement=departement,
            names_by_person={person.pk: ["QPV", "Jeunes"] for person in people},
        )

    assert attached == 60


# -- structure ----------------------------------------------------------------------------


def test_a_known_structure_is_recorded_whatever_its_case_and_accents(run_import, departement):
    structure = StructureFactory(departement=departement, name="CCAS de Montargis - Équipe RSA")

    recorder = run_import(_workbook((1, {"Structure": "ccas de montargis  equipe rsa"})))

    assert Beneficiary.objects.get().structure == structure
    assert recorder.issues == []


def test_an_unknown_structure_is_reported_and_the_person_imported(run_import, departement):
    StructureFactory(departement=DepartementFactory(), name="Mission locale")

    recorder = run_import(_workbook((1, {"Structure": "Mission locale"})))

    assert recorder.counts.created == 1
    assert Beneficiary.objects.get().structure is None
    ((column, reason),) = problems_of(recorder, 2)
    assert column == "Structure"
    assert "structure « Mission locale » inconnue dans ce Département" in reason


def test_a_second_import_with_a_new_structure_updates_the_person(run_import, departement):
    StructureFactory(departement=departement, name="CCAS")
    mission = StructureFactory(departement=departement, name="Mission locale")
    run_import(_workbook((1, {"Structure": "CCAS"})))

    recorder = run_import(_workbook((1, {"Structure": "Mission locale"})))

    assert recorder.counts.updated == 1
    assert Beneficiary.objects.get().structure == mission
    assert ("Structure qui suit la personne", "CCAS", "Mission locale") in recorder.outcomes[
        0
    ].changes


# -- RQTH / AAH ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["OUI", "RQTH", "AAH", "RQTH + AAH", "x"])
def test_a_recognition_in_the_file_is_a_health_note(run_import, admin, value):
    run_import(_workbook((1, {"RQTH / AAH": value})), user=admin.user)

    note = HealthNote.objects.get()
    assert (note.disability_recognised, note.author) == (True, admin.user)
    assert RecordAccessLog.objects.filter(
        beneficiary=note.beneficiary, detail__startswith="santé"
    ).exists()


@pytest.mark.parametrize("value", ["non", "", "NON", "0"])
def test_no_recognition_in_the_file_writes_no_health_note(run_import, value):
    run_import(_workbook((1, {"RQTH / AAH": value})))

    assert not HealthNote.objects.exists()


def test_a_file_never_withdraws_a_recognition_and_a_second_import_adds_nothing(run_import):
    data = _workbook((1, {"RQTH / AAH": "oui"}))
    run_import(data)

    again = run_import(data)
    run_import(_workbook((1, {"RQTH / AAH": "non"})))

    assert (again.counts.unchanged, HealthNote.objects.count()) == (1, 1)
    assert HealthNote.objects.get().disability_recognised is True


def test_an_unreadable_recognition_is_a_warning_that_does_not_repeat_the_value(run_import):
    recorder = run_import(_workbook((1, {"RQTH / AAH": "en cours d'examen"})))

    ((column, reason),) = problems_of(recorder, 2)
    assert column == "RQTH / AAH"
    assert "en cours" not in reason
    assert not HealthNote.objects.exists()


def test_the_recognition_is_never_in_the_dry_run_report(run_import):
    recorder = run_import(_workbook((1, {"RQTH / AAH": "oui"})), dry_run=True)

    (created,) = recorder.outcomes
    assert not any("RQTH" in label or "handicap" in label for label, _old, _new in created.changes)


def test_the_rejected_rows_download_leaves_the_recognition_out(
    admin, django_capture_on_commit_callbacks
):
    data = departement_xlsx(
        [departement_row(1, **{"Nom": None, "Prénom": None, "NIR": None, "RQTH / AAH": "AAH"})]
    )
    applicant_import = _analysed(admin, data, django_capture_on_commit_callbacks)
    issues = applicant_import.issues.filter(severity=IssueSeverity.ERROR)

    table = list(exports._table(applicant_import, issues))

    assert "AAH" not in [cell for row in table for cell in row]


def test_the_health_roles_following_the_person_see_the_recognition_on_the_record(
    run_import, login, admin, territory
):
    run_import(_workbook((1, {"RQTH / AAH": "AAH"})), user=admin.user)
    person = Beneficiary.objects.get()
    nurse = StaffProfileFactory(nurse=True, structure=admin.structure, territories=[territory])
    AssignmentFactory(beneficiary=person, staff=nurse)
    label = "Reconnaissance de la qualité de travailleur handicapé (RQTH) :"

    shown = login(nurse).get(person.get_absolute_url()).content.decode()
    hidden = login(admin).get(person.get_absolute_url()).content.decode()

    assert label in shown
    assert "indiquée par un fichier importé" in shown
    assert label not in hidden
    assert "indiquée par un fichier importé" not in hidden


# -- the acceptance file, all columns -----------------------------------------------------


def test_a_second_import_of_a_workbook_with_structure_tags_and_rqth_changes_nothing(
    run_import, departement
):
    StructureFactory(departement=departement, name="CCAS")
    data = _workbook(
        (1, {"Structure": "CCAS", "Étiquettes": "QPV; Jeunes", "RQTH / AAH": "oui"}),
        (2, {"Structure": "CCAS", "Étiquettes": "QPV", "RQTH / AAH": "non"}),
    )
    run_import(data)
    before = (
        Tag.objects.count(),
        BeneficiaryTag.objects.count(),
        HealthNote.objects.count(),
        RecordAccessLog.objects.count(),
    )

    again = run_import(data)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    assert before == (2, 3, 1, before[3])
    assert (
        Tag.objects.count(),
        BeneficiaryTag.objects.count(),
        HealthNote.objects.count(),
        RecordAccessLog.objects.count(),
    ) == before


def test_the_record_shows_the_structure_and_the_tags(run_import, login, departement, territory):
    StructureFactory(departement=departement, name="CCAS de Montargis")
    run_import(_workbook((1, {"Structure": "CCAS de Montargis", "Étiquettes": "QPV, Jeunes"})))
    person = Beneficiary.objects.get()
    referent = StaffProfileFactory(structure__departement=departement, territories=[territory])
    AssignmentFactory(beneficiary=person, staff=referent)

    html = login(referent).get(person.get_absolute_url()).content.decode()

    assert "CCAS de Montargis" in html
    assert ">Jeunes</span>" in html
    assert ">QPV</span>" in html


# -- rows "à confirmer" -------------------------------------------------------------------


@pytest.fixture
def namesake(departement):
    """A person of the same names and birth date as `person(1)`, without a
    common identifier."""
    row = person(1)
    return BeneficiaryFactory(
        departement=departement,
        last_name=row["Nom bénéficiaire"],
        first_name=row["Prénom"],
        birth_date=datetime.date(1985, 4, 12),
        caf_number="",
        nir="",
    )


@pytest.fixture
def to_confirm(admin, namesake, django_capture_on_commit_callbacks):
    data = csv_bytes([person(1)])
    return _analysed(admin, data, django_capture_on_commit_callbacks)


def _issue(applicant_import):
    return ImportRowIssue.objects.get(
        applicant_import=applicant_import, severity=IssueSeverity.ERROR
    )


def _import(applicant_import, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.import_confirm(applicant_import=applicant_import, acting_user=admin.user)
    jobs.import_run(import_id=applicant_import.pk)
    applicant_import.refresh_from_db()
    return applicant_import


def test_a_row_to_confirm_names_the_person_proposed_and_offers_two_buttons(
    login, admin, namesake, to_confirm
):
    issue = _issue(to_confirm)

    html = login(admin).get(reverse("imports:detail", args=[to_confirm.pk])).content.decode()

    assert services.issue_candidate(issue) == namesake.pk
    assert reverse("imports:match_decide", args=[to_confirm.pk, issue.pk]) in html
    assert "Ligne 2 : c'est la même personne" in html
    assert "Ligne 2 : c'est une autre personne" in html


def test_confirming_the_same_person_makes_the_import_update_them(
    login, admin, namesake, to_confirm, django_capture_on_commit_callbacks
):
    issue = _issue(to_confirm)

    response = login(admin).post(
        reverse("imports:match_decide", args=[to_confirm.pk, issue.pk]),
        {"decision": MatchDecision.SAME},
    )

    assert response.status_code == 302
    to_confirm.refresh_from_db()
    assert (to_confirm.updated_count, to_confirm.rejected_count) == (1, 0)
    decision = ImportMatchDecision.objects.get()
    assert (decision.beneficiary, decision.decided_by) == (namesake, admin.user)
    assert RecordAccessLog.objects.filter(
        beneficiary=namesake, detail__contains="ligne 2 rapprochée"
    ).exists()
    done = _import(to_confirm, admin, django_capture_on_commit_callbacks)
    assert (done.status, done.created_count, done.updated_count) == (ImportStatus.DONE, 0, 1)
    namesake.refresh_from_db()
    assert namesake.caf_number == "3000001"
    assert Beneficiary.objects.count() == 1


def test_rejecting_the_proposal_makes_the_import_create_another_person(
    login, admin, namesake, to_confirm, django_capture_on_commit_callbacks
):
    issue = _issue(to_confirm)

    login(admin).post(
        reverse("imports:match_decide", args=[to_confirm.pk, issue.pk]),
        {"decision": MatchDecision.DIFFERENT},
    )

    to_confirm.refresh_from_db()
    assert (to_confirm.created_count, to_confirm.rejected_count) == (1, 0)
    done = _import(to_confirm, admin, django_capture_on_commit_callbacks)
    assert (done.created_count, done.rejected_count) == (1, 0)
    assert Beneficiary.objects.count() == 2


def test_a_row_without_a_proposal_cannot_be_decided(
    login, admin, django_capture_on_commit_callbacks
):
    data = csv_bytes([person(1, **{"Prénom": "L3a"})])
    applicant_import = _analysed(admin, data, django_capture_on_commit_callbacks)
    issue = _issue(applicant_import)

    response = login(admin).post(
        reverse("imports:match_decide", args=[applicant_import.pk, issue.pk]),
        {"decision": MatchDecision.SAME},
        follow=True,
    )

    assert "aucune personne à confirmer" in response.content.decode()
    assert not ImportMatchDecision.objects.exists()


def test_an_admin_of_another_departement_cannot_decide(login, to_confirm):
    issue = _issue(to_confirm)

    response = login(StaffProfileFactory(admin=True)).post(
        reverse("imports:match_decide", args=[to_confirm.pk, issue.pk]),
        {"decision": MatchDecision.SAME},
    )

    assert response.status_code == 404
    assert not ImportMatchDecision.objects.exists()


# -- a fixed row that duplicates another row of the file ----------------------------------

FIRST_NAME = HEADERS.index("Prénom")
NIR = HEADERS.index("NIR")
CAF = HEADERS.index("N° CAF")


@pytest.fixture
def analysed(admin, django_capture_on_commit_callbacks):
    data = csv_bytes([person(1), person(2), person(3, **{"Prénom": "L3a"})])
    return _analysed(admin, data, django_capture_on_commit_callbacks)


def _fix(applicant_import, admin, **changes):
    issue = _issue(applicant_import)
    cells = list(issue.cells)
    for position, value in changes.items():
        cells[int(position)] = value
    return services.import_row_fix(
        applicant_import=applicant_import, issue=issue, cells=cells, acting_user=admin.user
    )


def test_a_fixed_row_with_the_nir_of_another_row_is_a_duplicate(admin, analysed):
    problems = _fix(analysed, admin, **{str(FIRST_NAME): "Léa", str(NIR): person(1)["NIR"]})

    assert problems == [("(toute la ligne)", "ligne en double : même NIR que la ligne 2")]
    assert not ImportRowFix.objects.exists()


def test_a_fixed_row_with_the_allocation_number_and_role_of_another_row_is_a_duplicate(
    admin, analysed
):
    problems = _fix(analysed, admin, **{str(FIRST_NAME): "Léa", str(CAF): "3000002"})

    assert problems == [
        (
            "(toute la ligne)",
            "ligne en double : même numéro allocataire et même rôle que la ligne 3",
        )
    ]
    analysed.refresh_from_db()
    assert analysed.rejected_count == 1


def test_a_fixed_row_naming_nobody_else_of_the_file_passes(admin, analysed):
    assert _fix(analysed, admin, **{str(FIRST_NAME): "Léa"}) == []
    assert ImportRowFix.objects.count() == 1


def test_a_rejected_row_of_the_file_does_not_count_as_a_duplicate(
    admin, django_capture_on_commit_callbacks
):
    rows = [person(1, **{"Prénom": "L3a"}), person(2, **{"Prénom": "L4a", "N° CAF": "3000001"})]
    applicant_import = _analysed(admin, csv_bytes(rows), django_capture_on_commit_callbacks)
    first = ImportRowIssue.objects.get(applicant_import=applicant_import, line_number=2)
    cells = list(first.cells)
    cells[FIRST_NAME] = "Léa"

    problems = services.import_row_fix(
        applicant_import=applicant_import, issue=first, cells=cells, acting_user=admin.user
    )

    assert problems == []
