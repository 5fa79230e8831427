"""French wording of every page and message: elision before a name, no space
before a comma, no feminine applied to a man."""

import datetime
import io
import re
import tokenize
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from caseload.enums import StaffRole
from caseload.selectors import ProgrammeLoad
from core.text import elide_de
from pathways.enums import DeadlineKind, EmailKind, InterviewKind, NotificationKind
from pathways.models import Notification, OutgoingEmail
from pathways.notifications import email_message
from pathways.services.followup import interview_create
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, territory_team
from tests.caseload.html import text_of
from tests.workspace import person_followed_by
from web.templatetags.console_tags import load_bar

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = [
    "core",
    "caseload",
    "beneficiaries",
    "pathways",
    "appointments",
    "intake",
    "web",
    "templates",
]


def _sources(*suffixes):
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Étienne", "le délai d’Étienne"),
        ("Inès", "le délai d’Inès"),
        ("Yves", "le délai d’Yves"),
        ("Camille", "le délai de Camille"),
        ("Yasmine", "le délai de Yasmine"),
        ("Hugo", "le délai de Hugo"),
    ],
)
def test_de_before_a_name_is_elided_before_a_vowel(name, expected):
    assert elide_de(f"le délai de {name}", name) == expected


def test_text_without_de_before_the_name_is_left_as_it_is():
    assert elide_de("Étienne's deadline", "Étienne") == "Étienne's deadline"


def test_the_reminder_email_writes_d_apostrophe_before_a_first_name_with_a_vowel():
    referent = StaffProfileFactory()
    person = person_followed_by(referent, first_name="Étienne")
    notification = Notification.objects.create(
        recipient=referent.user,
        kind=NotificationKind.REMINDER,
        beneficiary=person,
        deadline_kind=DeadlineKind.ENTRY,
        due_on=datetime.date(2026, 3, 17),
    )

    email = OutgoingEmail(recipient=referent.user, kind=EmailKind.NOTIFICATION)

    body = email_message(email, [notification]).body

    assert "d’Étienne arrive à échéance" in body
    assert "de Étienne" not in body


def test_the_daily_digest_writes_d_apostrophe_before_a_first_name_with_a_vowel():
    referent = StaffProfileFactory()
    person = person_followed_by(referent, first_name="Étienne")
    notification = Notification.objects.create(
        recipient=referent.user,
        kind=NotificationKind.ESCALATION,
        beneficiary=person,
        deadline_kind=DeadlineKind.ENTRY,
        due_on=datetime.date(2026, 3, 17),
    )
    email = OutgoingEmail(recipient=referent.user, kind=EmailKind.DIGEST)

    body = email_message(email, [notification]).body

    assert "d’Étienne est dépassé" in body
    assert "de Étienne" not in body


def test_the_load_bar_of_a_referent_named_with_a_vowel_is_labelled_with_d_apostrophe():
    load = ProgrammeLoad(programme="droit_commun", label="Droit commun", active=3, cap=10)

    html = load_bar(load, "Étienne Roux")

    assert 'aria-label="Charge Droit commun d’Étienne Roux"' in html


def test_no_template_puts_a_comma_at_the_start_of_a_line():
    """A comma opening a line (after tags) renders with a space before it."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources(".html", ".txt")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.match(r"^\s*(\{%[^%]*%\}\s*)*,", line)
    ]
    assert offenders == []


def test_no_message_has_a_space_before_a_comma():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources(".html", ".txt")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\S ,", line)
    ]
    for path in _sources(".py"):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        offenders += [
            f"{path.relative_to(ROOT)}:{token.start[0]}"
            for token in tokens
            if token.type == tokenize.STRING and " ," in token.string
        ]
    assert offenders == []


def test_the_interview_and_pathway_lines_of_a_record_have_no_space_before_a_comma(login):
    referent = StaffProfileFactory()
    colleague = StaffProfileFactory(structure=referent.structure)
    person = person_followed_by(referent)
    interview_create(
        acting_user=referent.user,
        beneficiary=person,
        occurred_on=datetime.date.today(),
        kind=InterviewKind.INDIVIDUAL,
        attendees=[referent, colleague],
        other_attendees="Mme Roux (CCAS)",
    )

    page = text_of(
        login(referent).get(reverse("workspace:detail", args=[person.pk])).content.decode()
    )

    assert " ," not in page
    assert (
        f"présents : {referent.user.get_full_name()}, {colleague.user.get_full_name()}, "
        "Mme Roux (CCAS)" in page
    ) or (
        f"présents : {colleague.user.get_full_name()}, {referent.user.get_full_name()}, "
        "Mme Roux (CCAS)" in page
    )
    assert ", entrée effective le" in page


def test_assigning_a_man_says_who_follows_him_without_a_feminine(login):
    territory, manager, referent = territory_team()
    person = new_applicant(territory, civility="m", first_name="Étienne", last_name="Roux")

    response = login(manager).post(
        reverse("console:person_assign", args=[person.pk]), {"staff": referent.pk}, follow=True
    )

    page = text_of(response.content.decode())
    assert f"{referent.user.get_full_name()} suit désormais Étienne Roux." in page
    assert "confiée" not in page


def test_the_console_page_of_a_man_not_yet_oriented_has_no_feminine(login):
    territory, manager, _referent = territory_team()
    person = new_applicant(territory, civility="m", first_name="Étienne", last_name="Roux")

    page = text_of(login(manager).get(reverse("console:person", args=[person.pk])).content.decode())

    assert "orientée" not in page
    assert "Aucune orientation décidée." in page


def test_the_record_of_a_person_never_met_has_no_gendered_wording(login):
    referent = StaffProfileFactory(role=StaffRole.SOCIAL_WORKER)
    person = person_followed_by(referent, civility="mme", known_to_departement=False)

    page = text_of(
        login(referent).get(reverse("workspace:detail", args=[person.pk])).content.decode()
    )

    assert "Connu du Département Non, aucune rencontre" in page
    assert "rencontré" not in page


LOGIN_PAGE_FRENCH = [
    "Identifiant",
    "Mot de passe",
    "Se connecter",
    "Connexion",
    "Langue",
    "Changer",
]


def test_the_english_login_page_is_all_in_english(client):
    client.cookies["django_language"] = "en"

    page = text_of(client.get(reverse("login")).content.decode())

    assert [word for word in LOGIN_PAGE_FRENCH if word in page] == []
    assert "Username" in page and "Password" in page and "Log in" in page


def test_the_english_lockout_page_is_all_in_english(client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    client.cookies["django_language"] = "en"

    client.post(reverse("login"), {"username": "quelqu-un", "password": "faux"})
    response = client.post(reverse("login"), {"username": "quelqu-un", "password": "faux"})

    page = text_of(response.content.decode())
    assert response.status_code == 429
    assert "bloqué" not in page and "tentatives" not in page
    assert "Too many failed" in page


def test_english_dates_are_written_day_first_as_in_french():
    day = datetime.date(2026, 12, 3)

    with translation.override("en"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "03/12/2026"
        assert date_format(day) == "3 December 2026"
