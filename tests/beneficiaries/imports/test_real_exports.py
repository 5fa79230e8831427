"""Files as Départements and the CAF really send them (see real_files.py)."""

import datetime

from beneficiaries.enums import HouseholdRole, ReferenceDateSource
from beneficiaries.models import Beneficiary
from caseload.enums import StaffRole
from caseload.models import Assignment
from intake.imports import reading
from intake.imports.columns import guess_columns, normalise_header, unknown_columns
from pathways.enums import DeadlineKind, Orientation, Stage
from pathways.models import Deadline, OrientationDecision
from tests.beneficiaries.imports.conftest import problems_of
from tests.beneficiaries.imports.files import csv_bytes, person
from tests.beneficiaries.imports.real_files import (
    DEPARTEMENT_HEADERS,
    contact_csv,
    contact_row,
    departement_row,
    departement_xlsx,
    full_nir,
    nir13,
)
from tests.caseload.factories import StaffProfileFactory

# -- 1. headers, empty rows, number cells ---------------------------------------------


def test_headers_with_line_breaks_tabs_case_and_accents_are_recognised():
    columns = guess_columns(DEPARTEMENT_HEADERS)

    assert columns[normalise_header("ID IODAS\t")] == "external_id"
    assert columns[normalise_header("Date de\nNaissance")] == "birth_date"
    assert columns[normalise_header("ID France\nTravail")] == "france_travail_id"
    assert columns[normalise_header("DATE DEBUT DROITS - DEVOIRS")] == "rights_opening_date"
    assert normalise_header("  DATE de\tnaissance ") == normalise_header("Date de Naissance")


def test_unknown_columns_are_listed_and_are_no_error(run_import):
    headers = reading.read_headers(
        __import__("io").BytesIO(departement_xlsx([departement_row(1)])),
        reading.FileInfo(kind="xlsx"),
        "ENTRETIENS PHYSIQUES",
    )
    columns = guess_columns(headers)

    assert "Observations" in unknown_columns(headers, columns)
    recorder = run_import(departement_xlsx([departement_row(1)]))
    assert recorder.counts.created == 1
    assert recorder.counts.rejected == 0


def test_a_department_workbook_creates_its_people_and_ignores_formatted_empty_rows(run_import):
    recorder = run_import(departement_xlsx([departement_row(i) for i in range(3)], empty_rows=50))

    assert (recorder.counts.created, recorder.counts.rejected) == (3, 0)
    assert recorder.issues == [] or all(i.severity == "warning" for i in recorder.issues)
    person = Beneficiary.objects.get(external_id="50001")
    assert person.caf_number == "0875201"
    assert person.phone == "06 12 34 56 78"
    assert person.birth_date == datetime.date(1985, 4, 12)
    assert person.france_travail_id == "FT00001"


def test_a_second_import_of_the_department_workbook_changes_nothing(run_import):
    data = departement_xlsx([departement_row(i) for i in range(3)])
    run_import(data)

    again = run_import(data)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert again.counts.rejected == 0
    assert Beneficiary.objects.count() == 3


# -- 2. reference date ------------------------------------------------------------------


def test_without_an_rsa_date_the_deadlines_start_from_the_rights_and_duties(run_import):
    recorder = run_import(departement_xlsx([departement_row(1)]))

    person = Beneficiary.objects.get()
    assert person.reference_date_source == ReferenceDateSource.RIGHTS
    entry = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ENTRY)
    assert entry.reference_date == datetime.date(2026, 11, 3)
    assert entry.due_on == datetime.date(2026, 11, 18)
    (created,) = recorder.outcomes
    assert created.changes[0][2].startswith("03/11/2026 (date de début des droits")


def test_with_an_rsa_date_the_deadlines_start_from_the_application(run_import):
    run_import(csv_bytes([person(1)]))

    assert Beneficiary.objects.get().reference_date_source == ReferenceDateSource.APPLICATION


def test_without_any_date_the_deadlines_start_from_the_import_day(run_import):
    row = departement_row(1, **{"DATE DEBUT DROITS - DEVOIRS": None})
    recorder = run_import(departement_xlsx([row]))

    person = Beneficiary.objects.get()
    assert person.reference_date_source == ReferenceDateSource.IMPORT
    entry = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ENTRY)
    assert entry.reference_date == datetime.date.today()
    assert "enregistrement" in recorder.outcomes[0].changes[0][2]


def test_only_the_names_are_required(run_import):
    data = csv_bytes([["Martin", "Léa"]], headers=["Nom", "Prénom"])

    recorder = run_import(data)

    assert recorder.counts.created == 1
    person = Beneficiary.objects.get()
    assert (person.caf_number, person.household_role) == ("", HouseholdRole.DEMANDEUR)


def test_a_nir_that_finds_the_person_stands_in_for_the_names(run_import):
    run_import(departement_xlsx([departement_row(1)]))
    data = csv_bytes([[full_nir(1), "leanouvelle@example.org"]], headers=["NIR", "Courriel"])

    recorder = run_import(data)

    assert recorder.counts.updated == 1
    assert Beneficiary.objects.get().email == "leanouvelle@example.org"


def test_a_nir_that_finds_nobody_without_names_is_rejected(run_import):
    data = csv_bytes([[full_nir(1), "lea@example.org"]], headers=["NIR", "Courriel"])

    recorder = run_import(data)

    assert recorder.counts.rejected == 1
    assert "nom et le prénom sont obligatoires" in problems_of(recorder, 2)[0][1]


# -- 3. NIR -----------------------------------------------------------------------------


def test_a_13_digit_nir_gets_its_key(run_import):
    run_import(departement_xlsx([departement_row(1)]))

    assert Beneficiary.objects.get().nir == full_nir(1)


def test_a_nir_with_spaces_and_a_corsican_department_is_kept(run_import):
    body = "285042A230001"  # born in Corse-du-Sud
    row = departement_row(
        1, NIR=f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:]}"
    )

    run_import(departement_xlsx([row]))

    nir = Beneficiary.objects.get().nir
    assert nir.startswith("285042A230001")
    assert len(nir) == 15


def test_a_15_digit_nir_with_a_wrong_key_is_rejected(run_import):
    row = departement_row(1, NIR=nir13(1) + "00")

    recorder = run_import(departement_xlsx([row]))

    assert recorder.counts.rejected == 1
    assert "clé" in problems_of(recorder, 2)[0][1]


# -- 4. role ------------------------------------------------------------------------------


def test_every_role_alias_is_understood(run_import):
    roles = ["DEM", "dem", "demandeur", "CJT", "conjoint"]
    rows = [
        departement_row(i, **{"Rôle": role, "N° allocataire": 875000 + i})
        for i, role in enumerate(roles)
    ]

    run_import(departement_xlsx(rows))

    assert sorted(Beneficiary.objects.values_list("household_role", flat=True)) == sorted(
        ["demandeur"] * 3 + ["conjoint"] * 2
    )


def test_a_missing_role_is_demandeur_unless_taken_then_reported(run_import):
    rows = [
        departement_row(1, **{"N° allocataire": 875201}),
        departement_row(2, **{"N° allocataire": 875201}),
    ]

    recorder = run_import(departement_xlsx(rows))

    assert recorder.counts.created == 1
    assert Beneficiary.objects.get().household_role == HouseholdRole.DEMANDEUR
    assert "rôle dans le foyer absent" in problems_of(recorder, 3)[0][1]


def test_a_missing_role_taken_by_another_recorded_person_is_reported(run_import):
    run_import(departement_xlsx([departement_row(1, **{"N° allocataire": 875201})]))
    other = departement_row(
        2, **{"N° allocataire": 875201, "NIR": None, "ID IODAS\t": None, "ID France\nTravail": None}
    )

    recorder = run_import(departement_xlsx([other]))

    assert recorder.counts.rejected == 1
    assert "une autre personne" in problems_of(recorder, 2)[0][1]


# -- 5. identifiers -------------------------------------------------------------------------


def test_an_allocation_number_as_text_and_as_a_number_is_one_person(run_import):
    as_text = departement_row(
        1,
        **{
            "N° allocataire": "0875213",
            "ID IODAS\t": None,
            "NIR": None,
            "ID France\nTravail": None,
            "Rôle": "DEM",
        },
    )
    as_number = dict(as_text, **{"N° allocataire": 875213})
    run_import(departement_xlsx([as_text]))

    recorder = run_import(departement_xlsx([as_number]))

    assert recorder.counts.unchanged == 1
    assert Beneficiary.objects.get().caf_number == "0875213"


def test_an_alphanumeric_allocation_number_is_kept_as_text(run_import):
    run_import(departement_xlsx([departement_row(1, **{"N° allocataire": "msa 0042ab"})]))

    assert Beneficiary.objects.get().caf_number == "MSA0042AB"


def test_the_internal_id_finds_the_person_when_nothing_else_does(run_import):
    run_import(departement_xlsx([departement_row(1)]))
    row = departement_row(
        1,
        NIR=None,
        **{
            "N° allocataire": None,
            "ID France\nTravail": None,
            "Adresses Mails": "nouvelle@example.org",
        },
    )

    recorder = run_import(departement_xlsx([row]))

    assert recorder.counts.updated == 1
    assert Beneficiary.objects.get().email == "nouvelle@example.org"


def test_the_france_travail_id_finds_the_person(run_import):
    run_import(departement_xlsx([departement_row(1)]))
    row = departement_row(
        1,
        NIR=None,
        **{"N° allocataire": None, "ID IODAS\t": None, "Adresses Mails": "ft@example.org"},
    )

    recorder = run_import(departement_xlsx([row]))

    assert recorder.counts.updated == 1
    assert Beneficiary.objects.count() == 1


def test_same_names_and_birth_date_is_a_suggestion_never_a_silent_match(run_import):
    run_import(departement_xlsx([departement_row(1)]))
    row = departement_row(
        1, NIR=None, **{"N° allocataire": 999999, "ID IODAS\t": None, "ID France\nTravail": None}
    )

    recorder = run_import(departement_xlsx([row]))

    assert recorder.counts.rejected == 1
    assert "à confirmer" in problems_of(recorder, 2)[0][1]
    assert Beneficiary.objects.count() == 1


# -- 6. contact files --------------------------------------------------------------------


def _known_people(run_import):
    run_import(
        departement_xlsx(
            [
                departement_row(
                    1, **{"Rôle": "DEM", "N° Téléphones": None, "Adresses Mails": None}
                ),
                departement_row(
                    2,
                    **{
                        "Rôle": "CJT",
                        "N° allocataire": 875201,
                        "N° Téléphones": None,
                        "Adresses Mails": None,
                    },
                ),
            ]
        )
    )


def _contacts():
    return [
        contact_row("0875201", "DEM", phone="0611223344", email="Dem@Example.org"),
        contact_row("875201", "CJT", nir=full_nir(2), phone="", phone2="07 22 33 44 55"),
        contact_row("0999999", "DEM", phone="0600000000"),
    ]


def test_a_caf_contact_file_with_commas_updates_phones_and_emails_and_creates_nobody(run_import):
    _known_people(run_import)

    recorder = run_import(contact_csv(_contacts(), ","))

    assert recorder.counts.updated == 2
    assert Beneficiary.objects.count() == 2
    demandeur = Beneficiary.objects.get(household_role="demandeur")
    assert (demandeur.phone, demandeur.email) == ("06 11 22 33 44", "dem@example.org")
    assert Beneficiary.objects.get(household_role="conjoint").phone == "07 22 33 44 55"
    assert "introuvable" in problems_of(recorder, 4)[0][1]


def test_a_caf_contact_file_with_semicolons_is_read_the_same_way(run_import):
    _known_people(run_import)

    recorder = run_import(contact_csv(_contacts(), ";"))

    assert (recorder.counts.updated, recorder.counts.created, recorder.counts.rejected) == (2, 0, 1)


def test_a_second_import_of_a_contact_file_changes_nothing(run_import):
    _known_people(run_import)
    run_import(contact_csv(_contacts(), ","))

    again = run_import(contact_csv(_contacts(), ","))

    assert (again.counts.updated, again.counts.unchanged) == (0, 2)


def test_a_contact_file_never_changes_names_or_dates(run_import):
    _known_people(run_import)
    before = Beneficiary.objects.get(household_role="demandeur")

    run_import(contact_csv(_contacts(), ","), kind="contacts")

    after = Beneficiary.objects.get(pk=before.pk)
    assert (after.last_name, after.rsa_application_date) == (
        before.last_name,
        before.rsa_application_date,
    )


# -- 7. extra columns --------------------------------------------------------------------


def test_an_interview_already_held_meets_the_entry_deadline(run_import):
    held = datetime.datetime(2026, 11, 10)

    run_import(departement_xlsx([departement_row(1, **{"Reçu en entretien le": held})]))

    entry = Deadline.objects.get(kind=DeadlineKind.ENTRY)
    assert entry.met_on == datetime.date(2026, 11, 10)


def test_an_orientation_decision_goes_through_the_orientation_service(run_import, admin):
    row = departement_row(1, **{"DECISION ORIENTATION": "socio-pro"})
    recorder = run_import(departement_xlsx([row]), user=admin.user)

    decision = OrientationDecision.objects.get()
    assert decision.orientation == Orientation.SOCIO_PROFESSIONNELLE
    assert decision.pathway.stage == Stage.SOCIOPRO
    assert Deadline.objects.get(kind=DeadlineKind.ORIENTATION).met_on is not None
    assert ("Décision d'orientation", "", "Socio-professionnelle") in recorder.outcomes[0].changes

    again = run_import(departement_xlsx([row]), user=admin.user)

    assert again.counts.unchanged == 1
    assert OrientationDecision.objects.count() == 1


def test_an_unknown_orientation_is_a_warning_and_the_person_is_created(run_import):
    recorder = run_import(departement_xlsx([departement_row(1, **{"DECISION ORIENTATION": "?"})]))

    assert recorder.counts.created == 1
    assert "orientation « ? » inconnue" in problems_of(recorder, 2)[0][1]
    assert not OrientationDecision.objects.exists()


def test_a_referent_found_among_the_staff_is_assigned(run_import, admin, territory):
    referent = StaffProfileFactory(
        role=StaffRole.SOCIOPRO_REFERENT,
        structure=admin.structure,
        territories=[territory],
        user__email="c.durand@departement.fr",
    )
    row = departement_row(1, **{"Référent(s)": "C.Durand@departement.fr"})

    run_import(departement_xlsx([row]), user=admin.user)
    again = run_import(departement_xlsx([row]), user=admin.user)

    assignment = Assignment.objects.get()
    assert assignment.staff == referent
    assert again.counts.warnings == 0


def test_a_referent_nobody_knows_is_reported_and_the_person_left_unassigned(run_import, admin):
    row = departement_row(1, **{"Référent(s)": "Inconnu Personne"})

    recorder = run_import(departement_xlsx([row]), user=admin.user)

    assert recorder.counts.created == 1
    assert "introuvable parmi les agents" in problems_of(recorder, 2)[0][1]
    assert not Assignment.objects.exists()


def test_people_recorded_without_an_allocation_number_are_no_household(run_import, admin):
    from web.workspace.record import household_partner

    run_import(csv_bytes([["Martin", "Léa"], ["Durand", "Paul"]], headers=["Nom", "Prénom"]))

    lea = Beneficiary.objects.get(first_name="Léa")
    assert household_partner(admin.user, lea) is None
