"""Facts the record showed but nobody could write, in the browser: a person
created by hand from the console (a possible duplicate shown first), the
consent recorded and a health note written from the record; axe on every
page and panel."""

import datetime

from playwright.sync_api import expect

from beneficiaries.models import Beneficiary, ConsentEvent, HealthNote
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, territory_team
from tests.workspace import person_followed_by


def test_a_manager_creates_a_person_after_seeing_a_possible_duplicate(
    page, live_server, log_in, assert_accessible
):
    territory, manager, _referent = territory_team()
    manager.user.username = "chef"
    manager.user.save()
    twin = new_applicant(
        territory, last_name="Martin", first_name="Paul", birth_date=datetime.date(1985, 4, 12)
    )
    log_in(page, "chef")
    page.get_by_role("link", name="Nouvelle personne").click()
    expect(page.get_by_role("heading", name="Nouvelle personne")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("N° allocataire CAF").fill("1234567")
    page.get_by_label("Nom d'usage").fill("Martin")
    page.locator("#id_first_name").fill("Paul")
    page.get_by_label("Date de naissance").fill("1985-04-12")
    page.get_by_label("Date de la demande de RSA").fill(datetime.date.today().isoformat())
    page.get_by_label("Territoire").select_option(str(territory.pk))
    page.get_by_role("button", name="Créer la personne").click()

    expect(page.get_by_role("heading", name="Cette personne existe peut-être déjà")).to_be_visible()
    expect(page.get_by_role("link", name="Paul MARTIN")).to_have_attribute(
        "href", twin.get_absolute_url()
    )
    assert_accessible(page)
    page.get_by_label("Je confirme qu'il s'agit d'une autre personne").check()
    page.get_by_role("button", name="Créer la personne").click()

    expect(page.get_by_text("est enregistré(e), avec son parcours et ses délais")).to_be_visible()
    assert Beneficiary.objects.filter(last_name="Martin").count() == 2
    assert_accessible(page)


def test_the_nurse_records_the_consent_and_writes_a_health_note(
    page, live_server, log_in, assert_accessible
):
    nurse = StaffProfileFactory(nurse=True, user__username="infirmier")
    person = person_followed_by(nurse, first_name="Awa", last_name="Traoré", days_ago=5)
    log_in(page, "infirmier")
    page.goto(f"{live_server.url}{person.get_absolute_url()}")

    page.get_by_role("link", name="Enregistrer la réponse").click()
    expect(page.get_by_label("Exprimé par")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Exprimé par").select_option("written")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Consentement à l'accompagnement renforcé enregistré.")).to_be_visible()
    assert ConsentEvent.objects.get(beneficiary=person).channel == "written"

    page.get_by_role("link", name="Ajouter une note de santé").click()
    page.get_by_role("textbox", name="Note de santé").fill("Suivi au CMP.")
    page.get_by_label("Reconnaissance de la qualité de travailleur handicapé (RQTH)").check()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Note de santé enregistrée.")).to_be_visible()
    assert HealthNote.objects.get(beneficiary=person).disability_recognised is True
    assert_accessible(page)
