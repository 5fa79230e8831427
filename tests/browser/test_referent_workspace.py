"""The referent's day in the browser: find a person, log an interview with a
barrier and a prescription, see the entry deadline met, advance the stage —
with the mouse, then with the keyboard alone; axe on every page."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from beneficiaries.models import Barrier
from pathways.enums import DeadlineKind, Stage
from pathways.models import Deadline, Prescription
from tests.caseload.factories import StaffProfileFactory
from tests.workspace import offer_for, person_followed_by


def _setup():
    staff = StaffProfileFactory(user__username="referente", user__first_name="Camille")
    person = person_followed_by(staff, first_name="Awa", last_name="Traoré", days_ago=5)
    for index in range(3):
        person_followed_by(staff, first_name=f"Autre{index}", last_name=f"Personne{index}")
    offer = offer_for(staff, title="Atelier mobilité solidaire")
    return staff, person, offer


def _entry_deadline_row(page):
    return page.locator("#delais tr", has_text="Entrée en parcours")


def test_referent_logs_an_interview_and_advances_the_stage(
    page, live_server, log_in, assert_accessible
):
    staff, person, offer = _setup()
    log_in(page, staff.user.username)
    expect(page.get_by_role("heading", name="Mon portefeuille")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Rechercher", exact=True).fill("trao")
    expect(page).to_have_url(re.compile(r"q=trao"))
    expect(page.locator("#resultats tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="TRAORÉ Awa").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Awa")
    expect(_entry_deadline_row(page)).to_contain_text("En cours")
    assert_accessible(page)

    page.get_by_role("link", name="Saisir un entretien").click()
    form = page.locator("#panneau form")
    expect(form).to_be_visible()
    record_url = page.url
    form.get_by_label("Type").select_option("individual")
    form.get_by_label("Compte rendu").fill("Pas de voiture, bus rare.")
    form.get_by_label("Mobilité").select_option("identified")
    form.get_by_label("Action de l'offre de service").first.select_option(str(offer.pk))
    form.get_by_label("Heures par semaine").first.fill("6")
    assert_accessible(page)
    form.get_by_role("button", name="Enregistrer l'entretien").click()

    expect(page.get_by_role("status")).to_have_text("Entretien enregistré.")
    assert page.url == record_url  # no full reload, no navigation
    expect(_entry_deadline_row(page)).to_contain_text("Respecté")
    expect(page.locator("#freins")).to_contain_text("Mobilité : identifié")
    expect(page.locator("#heures")).to_contain_text("6,0 h")
    assert_accessible(page)

    page.get_by_role("link", name="Changer d'étape").click()
    page.get_by_label("Nouvelle étape").select_option("sociopro")
    page.get_by_role("button", name="Valider le changement d'étape").click()
    expect(page.get_by_role("status")).to_contain_text("Étape mise à jour")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Accompagnement socio-professionnel"
    )
    assert_accessible(page)

    pathway = person.pathways.get()
    assert pathway.stage == Stage.SOCIOPRO
    assert Deadline.objects.get(pathway=pathway, kind=DeadlineKind.ENTRY).met_on is not None
    assert Barrier.objects.filter(beneficiary=person, kind="mobility").exists()
    assert Prescription.objects.get(beneficiary=person).offer == offer


def _tab_to(page, predicate, limit=80):
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"Focus never reached: {predicate}")


def _focused_is(text):
    return f"document.activeElement && document.activeElement.textContent.trim() === {text!r}"


def _focused_label(label):
    return (
        "(() => { const e = document.activeElement; if (!e || !e.labels || !e.labels.length)"
        f" return false; return e.labels[0].textContent.trim().startsWith({label!r}); }})()"
    )


def test_the_whole_flow_works_with_the_keyboard_alone(page, live_server, log_in):
    staff, person, offer = _setup()
    log_in(page, staff.user.username)
    expect(page.get_by_role("heading", name="Mon portefeuille")).to_be_visible()

    # search: the field, typed; results update as one types
    _tab_to(page, _focused_label("Rechercher"))
    page.keyboard.type("Traoré")
    expect(page.locator("#resultats tbody tr")).to_have_count(1)
    _tab_to(page, _focused_is("TRAORÉ Awa"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awa")

    _tab_to(page, _focused_is("Saisir un entretien"))
    page.keyboard.press("Enter")
    # the opened form takes the focus (its title), the fields follow in order
    expect(page.locator("#titre-formulaire")).to_be_focused()
    _tab_to(page, _focused_label("Compte rendu"))
    page.keyboard.type("Entretien mené au clavier.")
    _tab_to(page, _focused_label("Mobilité"))
    page.keyboard.press("ArrowDown")  # "Identifié"
    _tab_to(page, _focused_label("Action de l'offre de service"))
    page.keyboard.press("ArrowDown")  # the first action of the catalogue
    _tab_to(page, _focused_label("Heures par semaine"))
    page.keyboard.type("4")
    _tab_to(page, _focused_is("Enregistrer l'entretien"))
    page.keyboard.press("Enter")

    status = page.get_by_role("status")
    expect(status).to_have_text("Entretien enregistré.")
    expect(status).to_be_focused()
    expect(_entry_deadline_row(page)).to_contain_text("Respecté")

    _tab_to(page, _focused_is("Changer d'étape"))
    page.keyboard.press("Enter")
    expect(page.locator("#titre-formulaire")).to_be_focused()
    _tab_to(page, _focused_label("Nouvelle étape"))
    page.keyboard.press("ArrowDown")  # social → socio-professional
    _tab_to(page, _focused_is("Valider le changement d'étape"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Étape mise à jour")

    assert person.pathways.get().stage == Stage.SOCIOPRO
    assert Prescription.objects.get(beneficiary=person).hours_per_week == 4


def test_refused_interview_shows_french_messages_in_place(
    page, live_server, log_in, assert_accessible
):
    staff, person, offer = _setup()
    log_in(page, staff.user.username)
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Saisir un entretien").click()
    form = page.locator("#panneau form")
    form.get_by_label("Date de l'entretien").fill("2099-01-01")
    form.get_by_role("button", name="Enregistrer l'entretien").click()
    expect(form.get_by_text("ne peut pas être daté dans le futur")).to_be_visible()
    expect(_entry_deadline_row(page)).to_contain_text("En cours")
    assert_accessible(page)


def test_a_section_loading_later_leaves_the_keyboard_focus_where_it_is(page, live_server, log_in):
    """After a save, the record's appointments load by themselves; when they
    arrive, the focus stays on what the user tabbed to, not on the status."""
    staff, person, offer = _setup()
    log_in(page, staff.user.username)
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Saisir un entretien").click()
    page.locator("#panneau form").get_by_role("button", name="Enregistrer l'entretien").click()
    expect(page.get_by_role("status")).to_be_focused()
    expect(page.locator("#rendez-vous")).to_contain_text("Aucun rendez-vous.")

    _tab_to(page, _focused_is("Changer d'étape"))
    # the appointments section arrives again, as it would late on a slow day
    page.evaluate(
        """url => new Promise(resolve => {
            document.addEventListener("htmx:afterSettle", () => setTimeout(resolve, 0), {once: true});
            htmx.ajax("GET", url, {target: "#rendez-vous", swap: "innerHTML"});
        })""",
        f"{live_server.url}{reverse('appointments:record_section', args=[person.pk])}",
    )
    assert page.evaluate(_focused_is("Changer d'étape"))
