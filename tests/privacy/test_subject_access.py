"""The access export (RGPD art. 15): everything held on one person, and only
theirs, as a PDF and a JSON file in French, read in a fixed number of
queries, made by a Département admin only, and traced with its purpose."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from beneficiaries.enums import AccessAction
from beneficiaries.models import HealthNote, RecordAccessLog
from beneficiaries.services import access_log_record
from pathways.models import Interview
from privacy.enums import ExportKind, RestrictionKind
from privacy.models import ExportFile
from privacy.restrictions import restriction_record
from privacy.subject_access import (
    PURPOSE,
    subject_access_export,
    subject_access_files,
    subject_access_sections,
)
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory
from tests.privacy.conftest import TODAY, followed, with_record


def _export(admin, person):
    pdf, data = subject_access_export(acting_user=admin.user, person=person)
    with pdf.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    with data.file.open("rb") as handle:
        document = json.loads(handle.read().decode("utf-8"))
    return text, document


def test_the_json_holds_every_interview_of_the_person_and_none_of_another(
    admin, person, other_person
):
    _text, document = _export(admin, person)
    notes = [item["compte_rendu"] for item in document["entretiens"]["elements"]]
    assert sorted(notes) == sorted(
        Interview.objects.filter(beneficiary=person).values_list("notes", flat=True)
    )
    assert len(notes) == 2
    assert not any("cariste" in note for note in notes)
    assert "cariste" not in json.dumps(document, ensure_ascii=False)


def test_the_json_holds_every_access_row_of_the_person_and_none_of_another(
    admin, person, other_person, manager
):
    access_log_record(user=manager.user, beneficiary=other_person, detail="console : fiche")
    _text, document = _export(admin, person)
    rows = document["acces_au_dossier"]["elements"]
    # The export itself is one of them: traced before the reading.
    assert len(rows) == RecordAccessLog.objects.filter(beneficiary=person).count()
    assert {row["detail"] for row in rows} == set(
        RecordAccessLog.objects.filter(beneficiary=person).values_list("detail", flat=True)
    )
    assert "console : fiche" not in {row["detail"] for row in rows}
    assert "Marc Chef" not in {row["par"] for row in rows}


def test_the_pdf_reads_every_section_and_interview_in_french(admin, person, other_person):
    text, _document = _export(admin, person)
    for title in (
        "Identité",
        "Coordonnées",
        "Parcours, étapes et délais",
        "Entretiens (2)",
        "Freins",
        "Contrats d'engagement",
        "Actions prescrites",
        "Tentatives de contact",
        "Rendez-vous",
        "Messages envoyés",
        "Données de santé",
        "Oppositions et limitations du traitement",
        "Accès au dossier",
    ):
        assert title in text
    assert "Souhaite une formation d'aide-soignante." in text
    assert "Rappel convenu le mardi." in text
    assert "allée des Tilleuls" in text
    assert "12/04/1990" in text
    assert "cariste" not in text
    assert "Messagerie pleine" not in text


def test_the_export_is_traced_with_its_purpose(admin, person):
    subject_access_export(acting_user=admin.user, person=person)
    row = RecordAccessLog.objects.filter(beneficiary=person, user=admin.user).get()
    assert row.action == AccessAction.EXPORT
    assert row.detail == PURPOSE


def test_health_notes_are_counted_not_given_to_an_admin(admin, person, referent):
    HealthNote.objects.create(beneficiary=person, text="Suivi diabète.", author=referent.user)
    text, document = _export(admin, person)
    assert "diabète" not in text
    assert "diabète" not in json.dumps(document, ensure_ascii=False)
    health = document["notes_de_sante"]
    assert health["donnees"] == {"notes_de_sante_enregistrees": 1}
    assert "infirmier" in health["remarque"]


def test_health_notes_are_given_to_the_persons_social_worker(territory, person):
    social_worker = StaffProfileFactory(
        social_worker=True, structure__departement=territory.departement, territories=[territory]
    )
    AssignmentFactory(beneficiary=person, staff=social_worker)
    HealthNote.objects.create(beneficiary=person, text="Suivi diabète.", author=social_worker.user)
    sections, _person = subject_access_sections(person.pk, viewer=social_worker.user)
    health = next(s for s in sections if s.key == "notes_de_sante")
    assert [{k: v for k, _l, v in item}["note"] for item in health.items] == ["Suivi diabète."]


def test_the_nir_is_masked_in_the_export(admin, territory, referent):
    person = followed(territory, referent, nir="184127645108946")
    text, document = _export(admin, person)
    assert "184127645108946" not in text
    assert "645108946" not in json.dumps(document)
    assert document["identite"]["donnees"]["nir_masque"].startswith("1 84 12")


def test_the_export_lists_the_persons_restrictions(admin, person):
    restriction_record(
        acting_user=admin.user,
        beneficiary=person,
        kind=RestrictionKind.RESTRICTION,
        reason="Conteste l'exactitude de son adresse.",
        requested_on=TODAY,
    )
    _text, document = _export(admin, person)
    [row] = document["oppositions_et_limitations"]["elements"]
    assert row["motif"] == "Conteste l'exactitude de son adresse."


@pytest.mark.parametrize("interviews", [1, 6])
def test_reading_the_export_takes_the_same_queries_at_any_size(
    admin, territory, referent, interviews, django_assert_num_queries
):
    person = followed(territory, referent)
    for number in range(interviews):
        with_record(person, referent, notes=f"Entretien {number}", outreach_notes="")
    # person, pathways (4), interviews (3), barriers (2), contracts (2), prescriptions,
    # outreach, consent, referents, appointments, messages, health notes (a count),
    # restrictions, access rows (20 since the viewer's scope is read in one query).
    with django_assert_num_queries(20):
        subject_access_files(person.pk, viewer=admin.user)


def test_an_admin_exports_from_the_rights_page_and_finds_both_files(login, admin, person):
    client = login(admin)
    response = client.post(reverse("privacy:person_export", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:exports")
    kinds = set(ExportFile.objects.filter(owner=admin.user).values_list("kind", flat=True))
    assert kinds == {ExportKind.SUBJECT_ACCESS_PDF, ExportKind.SUBJECT_ACCESS_JSON}
    page = client.get(reverse("privacy:exports")).content.decode()
    assert "droit-d-acces-personne-" in page


def test_an_admin_of_another_departement_gets_a_404(login, other_departement, person):
    client = login(other_departement["admin"])
    response = client.post(reverse("privacy:person_export", args=[person.pk]))
    assert response.status_code == 404
    assert not ExportFile.objects.exists()


def test_a_manager_of_another_departement_gets_a_404(login, other_departement, person):
    client = login(other_departement["manager"])
    response = client.post(reverse("privacy:person_export", args=[person.pk]))
    assert response.status_code == 404


def test_a_referent_cannot_export_the_person_they_follow(login, referent, person):
    response = login(referent).post(reverse("privacy:person_export", args=[person.pk]))
    assert response.status_code == 403
    assert not ExportFile.objects.exists()


def test_a_manager_of_the_territory_cannot_export(login, manager, person):
    response = login(manager).post(reverse("privacy:person_export", args=[person.pk]))
    assert response.status_code == 403
