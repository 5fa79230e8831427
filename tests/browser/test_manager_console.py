import re

from playwright.sync_api import expect

from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, ReferentChangeRequest
from caseload.services import assignment_create
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, set_cap, territory_team


def test_manager_assigns_from_the_queue_to_the_suggested_referent(
    page, live_server, log_in, assert_accessible
):
    territory, manager, referent = territory_team(
        user__username="referent.sp", user__first_name="Camille", user__last_name="Durand"
    )
    manager.user.username = "chef"
    manager.user.save()
    StaffProfileFactory(social_worker=True, structure=manager.structure, territories=[territory])
    person = new_applicant(territory, days_ago=20, last_name="Martin", first_name="Léa")

    log_in(page, "chef")
    expect(page.get_by_role("heading", name="Équipe et plafonds de portefeuille")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="File d'attente", exact=True).click()
    expect(page.get_by_role("heading", name="Personnes sans référent")).to_be_visible()
    assert_accessible(page)
    bar = page.locator(f"#charge-{referent.pk}").get_by_role(
        "progressbar", name="Charge Droit commun de Camille Durand"
    )
    expect(bar).to_have_attribute("aria-valuenow", "0")

    row = page.get_by_role("row").filter(has_text="MARTIN Léa")
    row.get_by_role("button", name="Affecter à Camille Durand").click()

    expect(page.get_by_text("Camille Durand suit désormais Léa Martin.")).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "1")
    expect(page.get_by_role("row").filter(has_text="MARTIN Léa")).to_have_count(0)
    assert_accessible(page)
    assert Assignment.objects.active().get(beneficiary=person).staff == referent
    assert Assignment.objects.get(beneficiary=person).programme == Programme.DROIT_COMMUN

    page.get_by_role("link", name="Charges").click()
    expect(
        page.get_by_role("progressbar", name="Charge Droit commun de Camille Durand")
    ).to_have_attribute("aria-valuenow", "1")
    assert_accessible(page)


def test_manager_reassigns_past_a_cap_with_a_reason_from_labelled_selects(
    page, live_server, log_in, assert_accessible
):
    territory, manager, referent = territory_team(
        user__first_name="Camille", user__last_name="Durand"
    )
    manager.user.username = "chef"
    manager.user.save()
    full = StaffProfileFactory(
        structure=manager.structure,
        territories=[territory],
        user__first_name="Dominique",
        user__last_name="Bernard",
    )
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, Programme.DROIT_COMMUN, 1)
    assignment_create(beneficiary=new_applicant(territory), staff=full, acting_user=manager.user)
    person = new_applicant(territory, last_name="Martin", first_name="Léa")
    assignment = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    requested = ReferentChangeRequest.objects.create(
        beneficiary=person,
        requested_by=referent.user,
        reason="Autre référent demandé",
        requested_role=StaffRole.SOCIOPRO_REFERENT,
    )

    log_in(page, "chef")
    page.goto(f"{live_server.url}/equipe/demandes/")
    new_referent = page.get_by_label("Nouveau référent")
    expect(new_referent).to_have_attribute("id", f"accepter-{requested.pk}")
    expect(new_referent).to_have_value("")
    assert_accessible(page)

    page.goto(f"{live_server.url}/equipe/personnes/{person.pk}/")
    confier = page.get_by_label("Confier à")
    expect(confier).to_have_value("")
    assert_accessible(page)
    confier.select_option(label="Dominique Bernard")
    page.get_by_role("button", name="Réaffecter").click()

    expect(page.get_by_text("Plafond atteint pour Dominique Bernard")).to_be_visible()
    expect(page.get_by_label("Confier à")).to_have_value(str(full.pk))
    reason = page.get_by_label("Motif du dépassement de plafond (chef de service seulement)").first
    expect(reason).to_be_visible()
    assert_accessible(page)
    page.locator(f"#reaffecter-{assignment.pk}-depassement").fill("Suivi de la fratrie")
    page.get_by_role("button", name="Réaffecter").click()

    expect(page.get_by_text("Personne confiée à Dominique Bernard")).to_be_visible()
    current = Assignment.objects.active().get(beneficiary=person)
    assert (current.staff, current.over_cap_reason) == (full, "Suivi de la fratrie")


def test_manager_searches_the_queue_in_place_and_keeps_the_search_in_the_url(
    page, live_server, log_in, assert_accessible
):
    territory, manager, _referent = territory_team()
    manager.user.username = "chef"
    manager.user.save()
    new_applicant(territory, last_name="Moreau", first_name="Lou")
    new_applicant(territory, last_name="Martin", first_name="Léa")

    log_in(page, "chef")
    page.goto(f"{live_server.url}/equipe/file/")
    page.get_by_role("searchbox", name="Rechercher").fill("mor")

    expect(page.get_by_role("row").filter(has_text="MARTIN Léa")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="MOREAU Lou")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/equipe/file/\?q=mor"))
    expect(page.get_by_role("heading", name="Personnes sans référent")).to_be_visible()
    assert_accessible(page)


def test_manager_chooses_another_referent_in_a_queue_row_fetched_on_demand(
    page, live_server, log_in, assert_accessible
):
    territory, manager, _referent = territory_team(
        user__first_name="Camille", user__last_name="Durand"
    )
    manager.user.username = "chef"
    manager.user.save()
    other = StaffProfileFactory(
        social_worker=True,
        structure=manager.structure,
        territories=[territory],
        user__first_name="Sacha",
        user__last_name="Roux",
    )
    person = new_applicant(territory, last_name="Martin", first_name="Léa")

    log_in(page, "chef")
    page.goto(f"{live_server.url}/equipe/file/")
    row = page.get_by_role("row").filter(has_text="MARTIN Léa")
    expect(row.get_by_role("button", name="Affecter à Camille Durand")).to_be_visible()
    row.get_by_role("button", name="Choisir un autre référent").click()

    select = page.get_by_label("Autre référent pour Léa Martin")
    expect(select).to_be_focused()
    assert_accessible(page)
    select.select_option(label="Sacha Roux")
    row.get_by_role("button", name="Affecter", exact=True).click()

    expect(page.get_by_text("Sacha Roux suit désormais Léa Martin.")).to_be_visible()
    assert Assignment.objects.active().get(beneficiary=person).staff == other
