"""The subject-rights pages read in English when English is chosen."""

from django.urls import reverse

from privacy.enums import RestrictionKind
from privacy.restrictions import restriction_record
from tests.caseload.html import text_of
from tests.privacy.conftest import TODAY


def _objection(manager, person):
    restriction_record(
        acting_user=manager.user,
        beneficiary=person,
        kind=RestrictionKind.OBJECTION,
        reason="Conteste.",
        requested_on=TODAY,
    )


def _english_page(client, url):
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_the_english_rights_page_of_a_person_is_in_english(login, manager, person):
    _objection(manager, person)

    page = _english_page(login(manager), reverse("privacy:person", args=[person.pk]))

    french = ["Droits RGPD", "Oppositions", "Lever", "Demandée le", "Enregistrer la demande"]
    assert [words for words in french if words in page] == []
    assert "GDPR rights" in page and "Objection to processing (art. 21)" in page
    assert "Record an objection or a restriction" in page


def test_the_english_record_of_a_person_under_objection_shows_the_banner_in_english(
    login, manager, referent, person
):
    _objection(manager, person)

    page = _english_page(login(referent), person.get_absolute_url())

    assert "demande en cours" not in page and "non envoyés" not in page
    assert "GDPR rights: request in progress" in page and "recorded as “not sent”" in page
