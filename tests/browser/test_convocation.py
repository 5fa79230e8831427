"""The convocation in the browser: a referent books from the record and
convokes by letter, SMS and email; the letter's PDF names the date, place
and referent; the SMS and email backends each receive one message; the
person's link confirms and reschedules; axe on every page."""

import datetime
import io
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from appointments import sms
from appointments.channels import slot_facts
from appointments.outbox import messages_send
from tests.appointments.factories import PlaceFactory, SlotFactory
from tests.caseload.factories import StaffProfileFactory
from tests.workspace import person_followed_by


def _setup():
    staff = StaffProfileFactory(
        user__username="referente", user__first_name="Camille", user__last_name="Hervé"
    )
    place = PlaceFactory(
        territory=staff.territories.first(), name="Maison du Département de Montargis"
    )
    start = (timezone.localtime() + datetime.timedelta(days=6)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    first = SlotFactory(
        referent=staff, place=place, starts_at=start, ends_at=start + datetime.timedelta(minutes=45)
    )
    later = SlotFactory(
        referent=staff,
        place=place,
        starts_at=start + datetime.timedelta(days=1),
        ends_at=start + datetime.timedelta(days=1, minutes=45),
    )
    person = person_followed_by(
        staff,
        first_name="Awa",
        last_name="Traoré",
        days_ago=2,
        phone="06 12 34 56 78",
        email="awa@example.org",
        address_line="3 allée des Tilleuls",
        postcode="45200",
        city="Montargis",
    )
    return staff, person, first, later


def test_a_referent_convokes_and_the_person_confirms_then_reschedules(
    page, browser, live_server, log_in, assert_accessible, settings
):
    settings.SMS_BACKEND = "appointments.sms.LocmemSmsBackend"
    settings.SITE_URL = live_server.url
    sms.outbox.clear()
    mail.outbox = []
    staff, person, first, later = _setup()
    log_in(page, staff.user.username)
    page.goto(f"{live_server.url}/portefeuille/personnes/{person.pk}/")
    expect(page.get_by_role("heading", name="Rendez-vous")).to_be_visible()
    page.get_by_role("link", name="Convoquer", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Convoquer")
    expect(page.get_by_label("Créneau")).to_have_value(str(first.pk))
    for channel in ("Courrier", "SMS", "Courriel"):
        expect(page.get_by_label(channel)).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Réserver et convoquer").click()

    expect(page.get_by_role("alert")).to_contain_text("Rendez-vous réservé et convocation envoyée.")
    section = page.locator("#rendez-vous")
    expect(section.get_by_role("cell", name="Maison du Département de Montargis")).to_be_visible()
    assert_accessible(page)

    assert messages_send() == (3, 0)
    assert len(sms.outbox) == 1
    assert len(mail.outbox) == 1
    facts = slot_facts(first)

    page.reload()
    letter_link = page.locator("#rendez-vous").get_by_role("link", name=re.compile("Courrier"))
    pdf = page.request.get(live_server.url + letter_link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert facts["date"] in text
    assert "Maison du Département de Montargis" in text
    assert "Camille Hervé" in text

    link = re.search(r"https?://\S+", sms.outbox[0]["text"]).group(0)
    email_link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    # The same appointment's link; each message signs it at its own second.
    assert appointment_named_by(link) == appointment_named_by(email_link)
    person_page = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    person_page.goto(link)
    expect(person_page.get_by_role("heading", name="Votre rendez-vous")).to_be_visible()
    expect(person_page.get_by_text(facts["date"])).to_be_visible()
    expect(person_page.get_by_text("Traoré")).to_have_count(0)
    assert_accessible(person_page)
    person_page.get_by_role("button", name="Je confirme ma venue").click()
    expect(person_page.get_by_role("status")).to_have_text("Merci, votre rendez-vous est confirmé.")
    assert_accessible(person_page)

    later_facts = slot_facts(later)
    person_page.get_by_label(re.compile(later_facts["date"])).check()
    person_page.get_by_role("button", name="Choisir cette date").click()
    expect(person_page.get_by_role("status")).to_have_text(
        "C'est noté : votre rendez-vous a changé de date."
    )
    expect(person_page.get_by_text(later_facts["date"]).first).to_be_visible()
    assert_accessible(person_page)
    person.appointments.get(slot=later)


def appointment_named_by(link):
    """The signed payload of a person's link, without its timestamp and signature."""
    return link.split("/rdv/")[1].split(":")[0]


def test_a_referent_moves_cancels_and_invites_and_each_page_passes_axe(
    page, live_server, log_in, assert_accessible, settings
):
    from appointments.enums import Channel
    from appointments.services import appointment_book, convocation_send

    settings.SMS_BACKEND = "appointments.sms.LocmemSmsBackend"
    staff, person, first, later = _setup()
    appointment = appointment_book(acting_user=staff.user, beneficiary=person, slot=first)
    convocation_send(acting_user=staff.user, appointment=appointment, channels=[Channel.SMS])
    log_in(page, staff.user.username)
    page.goto(f"{live_server.url}/portefeuille/personnes/{person.pk}/")

    section = page.locator("#rendez-vous")
    expect(section.get_by_text("SMS : à envoyer")).to_be_visible()
    assert_accessible(page)
    section.get_by_role("link", name=re.compile("^Déplacer")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Déplacer le rendez-vous")
    assert_accessible(page)
    page.get_by_label("Nouveau créneau").select_option(str(later.pk))
    page.get_by_role("button", name="Déplacer et prévenir la personne").click()
    expect(page.get_by_role("alert")).to_contain_text("Rendez-vous déplacé")
    expect(
        page.locator("#rendez-vous").get_by_text("Changement de rendez-vous — SMS")
    ).to_be_visible()

    day = timezone.localtime(later.starts_at).date().isoformat()
    page.goto(f"{live_server.url}/agenda/?jour={day}")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Annuler le rendez-vous d’Awa")).click()
    expect(page.get_by_role("alert")).to_contain_text("Rendez-vous annulé")

    page.goto(f"{live_server.url}/portefeuille/personnes/{person.pk}/")
    page.get_by_role("link", name="Inviter à prendre rendez-vous").click()
    expect(page.get_by_label("SMS")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Invitation envoyée")
    expect(
        page.locator("#rendez-vous").get_by_text("Invitation à prendre rendez-vous — SMS")
    ).to_be_visible()
    assert_accessible(page)


def test_a_manager_closes_a_no_show_flag_from_the_list_and_the_page_passes_axe(
    page, live_server, log_in, assert_accessible
):
    from appointments.models import NoShowFlag
    from caseload.enums import StaffRole

    staff, person, _first, _later = _setup()
    manager = StaffProfileFactory(
        role=StaffRole.MANAGER,
        structure=staff.structure,
        territories=list(staff.territories.all()),
        user__username="cheffe",
    )
    flag = NoShowFlag.objects.create(
        beneficiary=person,
        evidence=[
            {"date": "2026-11-20T09:30:00+01:00", "place": "Maison du Département", "messages": []},
            {"date": "2026-11-27T09:30:00+01:00", "place": "Maison du Département", "messages": []},
        ],
    )
    log_in(page, manager.user.username)
    page.goto(f"{live_server.url}/a-convoquer/")
    expect(page.get_by_role("heading", name="Deux absences de suite")).to_be_visible()
    expect(page.get_by_text("Absence du 27/11/2026 — Maison du Département")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Suite donnée pour Awa Traoré").fill("Appelée : nouvelle convocation.")
    page.get_by_role("button", name="Clore le signalement").click()

    expect(page.get_by_role("alert")).to_contain_text("Signalement traité.")
    expect(page.get_by_role("heading", name="Deux absences de suite")).to_have_count(0)
    flag.refresh_from_db()
    assert flag.closing_note == "Appelée : nouvelle convocation."
