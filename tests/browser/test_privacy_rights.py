"""The RGPD rights page in a real browser: an admin exports a person's data
and downloads it from "Mes exports"; a manager records an objection, sees the
banner on the person's page, then lifts it. Axe on each page."""

import json

from playwright.sync_api import expect

from caseload.enums import StaffRole
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory, TerritoryFactory
from tests.caseload.helpers import new_applicant


def _world():
    territory = TerritoryFactory(name="Montargis", departement__code="45")
    departement = territory.departement
    referent = StaffProfileFactory(structure__departement=departement, territories=[territory])
    admin = StaffProfileFactory(
        admin=True, structure__departement=departement, territories=[], user__username="admin45"
    )
    manager = StaffProfileFactory(
        role=StaffRole.MANAGER,
        structure__departement=departement,
        territories=[territory],
        user__username="chef45",
    )
    person = new_applicant(territory, first_name="Awa", last_name="Traoré")
    AssignmentFactory(beneficiary=person, staff=referent)
    return admin, manager, person


def test_an_admin_exports_a_person_and_downloads_the_json(
    page, live_server, log_in, assert_accessible
):
    _admin, _manager, person = _world()
    log_in(page, "admin45")
    page.goto(f"{live_server.url}/rgpd/personnes/{person.pk}/")
    expect(page.get_by_role("heading", name="Droits RGPD — Awa Traoré")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Exporter les données de la personne").click()
    expect(page.get_by_role("heading", name="Mes exports")).to_be_visible()
    expect(page.get_by_text("Export prêt")).to_be_visible()
    assert_accessible(page)
    json_link = page.get_by_role("row").filter(has_text="fichier JSON").get_by_role("link")
    with page.expect_download() as download_info:
        json_link.click()
    with open(download_info.value.path(), encoding="utf-8") as handle:
        document = json.load(handle)
    assert "Traoré" in json.dumps(document, ensure_ascii=False)
    assert "Awa" not in download_info.value.suggested_filename


def test_a_manager_records_an_objection_and_lifts_it(page, live_server, log_in, assert_accessible):
    _admin, _manager, person = _world()
    log_in(page, "chef45")
    page.goto(f"{live_server.url}/rgpd/personnes/{person.pk}/")
    # A manager does not export: that is the admin's.
    expect(page.get_by_role("button", name="Exporter les données de la personne")).to_have_count(0)

    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_be_visible()

    page.get_by_label("Opposition au traitement (art. 21)").check()
    page.get_by_label("Motif donné par la personne").fill("Ne souhaite plus recevoir de SMS.")
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_text("Demande enregistrée")).to_be_visible()
    banner = page.locator("#restriction-rgpd")
    expect(banner).to_contain_text("Ne souhaite plus recevoir de SMS.")
    assert_accessible(page)

    page.goto(f"{live_server.url}/equipe/personnes/{person.pk}/")
    expect(page.locator("#restriction-rgpd")).to_be_visible()
    page.get_by_role("link", name="Voir ou lever la demande").click()
    page.get_by_role("button", name="Lever").click()
    expect(page.get_by_text("Demande levée.")).to_be_visible()
    expect(page.locator("#restriction-rgpd")).to_have_count(0)
