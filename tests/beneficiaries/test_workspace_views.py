"""Referent workspace pages: permissions of every view and htmx endpoint, bad
input, and what the record shows."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import HealthNote, OutreachAttempt, RecordAccessLog
from beneficiaries.services import barrier_set_state
from pathways.enums import DeadlineKind, InterviewKind, Stage
from pathways.models import Contract, Deadline, Interview, Prescription
from pathways.services.followup import interview_create, prescription_create
from pathways.services.transitions import pathway_advance
from tests.caseload.factories import (
    AssignmentFactory,
    BinomeFactory,
    StaffProfileFactory,
    TerritoryFactory,
)
from tests.pathways.factories import ServiceOfferFactory
from tests.workspace import commune_of, offer_for, person_followed_by

TODAY = datetime.date.today()
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff():
    return StaffProfileFactory()


@pytest.fixture
def person(staff):
    return person_followed_by(staff, days_ago=2)


def _urls(person, interview=None, offer=None):
    urls = {
        "detail": ("get", reverse("workspace:detail", args=[person.pk])),
        "contact_edit": ("get", reverse("workspace:contact_edit", args=[person.pk])),
        "outreach_create": ("get", reverse("workspace:outreach_create", args=[person.pk])),
        "interview_create": ("get", reverse("workspace:interview_create", args=[person.pk])),
        "advance": ("get", reverse("workspace:advance", args=[person.pk])),
        "contract_create": ("get", reverse("workspace:contract_create", args=[person.pk])),
        "catalogue": ("get", reverse("workspace:catalogue") + f"?person={person.pk}"),
        "interview_list": ("get", reverse("workspace:interview_list", args=[person.pk])),
    }
    if interview is not None:
        urls["interview_edit"] = (
            "get",
            reverse("workspace:interview_edit", args=[person.pk, interview.pk]),
        )
    if offer is not None:
        urls["prescribe"] = ("post", reverse("workspace:prescribe", args=[person.pk, offer.pk]))
    return urls


def _interview(staff, person, **kwargs):
    return interview_create(
        acting_user=staff.user,
        beneficiary=person,
        occurred_on=TODAY,
        kind=InterviewKind.INDIVIDUAL,
        **kwargs,
    )


# --- Permissions ----------------------------------------------------------------


def test_every_view_answers_for_the_referent(login, staff, person):
    client = login(staff)
    interview = _interview(staff, person)
    offer = offer_for(staff)
    for name, (method, url) in _urls(person, interview, offer).items():
        if method == "get":
            for extra in ({}, HTMX):
                response = client.get(url, **extra)
                assert response.status_code == 200, (name, extra)
        else:
            response = client.post(url, {"hours_per_week": "4"})
            assert response.status_code == 302, name


@pytest.mark.parametrize("htmx", [False, True])
def test_a_person_outside_the_portfolio_is_a_404_everywhere(login, staff, person, htmx):
    other_staff = StaffProfileFactory(structure=staff.structure)
    stranger = person_followed_by(other_staff)
    interview = _interview(other_staff, stranger)
    offer = offer_for(other_staff)
    client = login(staff)
    extra = HTMX if htmx else {}
    for name, (method, url) in _urls(stranger, interview, offer).items():
        response = getattr(client, method)(url, **extra)
        assert response.status_code == 404, name
        response = client.post(url, {}, **extra)
        assert response.status_code in (404, 405), name
    # URL guessing: an interview of someone else under the referent's own person
    guessed = reverse("workspace:interview_edit", args=[person.pk, interview.pk])
    assert client.get(guessed).status_code == 404
    assert client.post(guessed, {}).status_code == 404
    # and an id that does not exist
    assert client.get(reverse("workspace:detail", args=[999999999])).status_code == 404
    assert not Interview.objects.filter(beneficiary=person).exists()
    assert not Prescription.objects.exists()


def test_a_manager_reads_but_does_not_write(login, staff, person):
    manager = StaffProfileFactory(
        manager=True, structure=staff.structure, territories=list(staff.territories.all())
    )
    client = login(manager)
    assert client.get(reverse("workspace:detail", args=[person.pk])).status_code == 200
    url = reverse("workspace:interview_create", args=[person.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_anonymous_users_are_sent_to_login(client, person):
    for _name, (method, url) in _urls(person).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "/connexion/" in response["Location"]


@pytest.mark.parametrize(
    ("traits", "sees"),
    [
        ({}, False),
        ({"social_worker": True}, True),
        ({"nurse": True}, True),
        ({"pe_advisor": True}, False),
        ({"job_consultant": True}, False),
    ],
)
def test_health_notes_only_for_the_nurse_and_the_social_worker(login, traits, sees):
    staff = StaffProfileFactory(**traits)
    person = person_followed_by(staff)
    HealthNote.objects.create(
        beneficiary=person, text="Suivi cardiologique confidentiel", author=staff.user
    )
    client = login(staff)
    for url, extra in [
        (reverse("workspace:detail", args=[person.pk]), {}),
        (reverse("workspace:outreach_create", args=[person.pk]), HTMX),
    ]:
        html = client.get(url, **extra).content.decode()
        assert "Suivi cardiologique confidentiel" not in html or sees
    html = client.get(reverse("workspace:detail", args=[person.pk])).content.decode()
    assert ("Suivi cardiologique confidentiel" in html) is sees
    assert ("Santé (confidentiel)" in html) is sees
    # the record re-rendered after an htmx write obeys the same rule
    response = client.post(
        reverse("workspace:outreach_create", args=[person.pk]),
        {"channel": "phone", "result": "reached", "attempted_on": TODAY.isoformat()},
        **HTMX,
    )
    assert response.status_code == 200
    assert ("Suivi cardiologique confidentiel" in response.content.decode()) is sees


def test_nir_is_masked_for_referents_and_shown_to_managers(login, staff):
    person = person_followed_by(staff, nir="185047523400192")
    html = login(staff).get(person.get_absolute_url()).content.decode()
    assert "185047523400192" not in html
    assert "NIR masqué" in html
    manager = StaffProfileFactory(
        manager=True, structure=staff.structure, territories=list(staff.territories.all())
    )
    html = login(manager).get(person.get_absolute_url()).content.decode()
    assert "185047523400192" in html


def test_household_partner_linked_only_when_visible(login, staff, person):
    partner = person_followed_by(
        staff, caf_number=person.caf_number, household_role="conjoint", first_name="Karim"
    )
    html = login(staff).get(person.get_absolute_url()).content.decode()
    assert partner.get_absolute_url() in html
    other = StaffProfileFactory(structure=staff.structure)
    hidden = person_followed_by(
        other, caf_number="9999999", household_role="demandeur", first_name="Zoé"
    )
    visible = person_followed_by(staff, caf_number="9999999", household_role="conjoint")
    html = login(staff).get(visible.get_absolute_url()).content.decode()
    assert hidden.get_absolute_url() not in html
    assert "Pas d'autre membre du foyer suivi ici" in html


# --- Logging an interview through the page ------------------------------------------


def _interview_post(offer=None, **overrides):
    data = {
        "occurred_on": TODAY.isoformat(),
        "kind": "individual",
        "status": "held",
        "notes": "Point sur la mobilité",
        "barrier_mobility": "identified",
        "prescriptions-TOTAL_FORMS": "2",
        "prescriptions-INITIAL_FORMS": "0",
        "prescriptions-MIN_NUM_FORMS": "0",
        "prescriptions-MAX_NUM_FORMS": "5",
        "prescriptions-0-offer": str(offer.pk) if offer else "",
        "prescriptions-0-hours_per_week": "6" if offer else "",
    }
    data.update(overrides)
    return data


def test_logging_an_interview_with_htmx_rerenders_the_record(login, staff, person):
    offer = offer_for(staff, title="Atelier mobilité")
    client = login(staff)
    response = client.post(
        reverse("workspace:interview_create", args=[person.pk]), _interview_post(offer), **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#fiche"
    html = response.content.decode()
    assert "Entretien enregistré." in html
    assert "Atelier mobilité" in html
    assert "Respecté" in html
    assert Deadline.objects.get(kind=DeadlineKind.ENTRY).met_on == TODAY


def test_logging_an_interview_without_htmx_redirects(login, staff, person):
    client = login(staff)
    response = client.post(
        reverse("workspace:interview_create", args=[person.pk]), _interview_post()
    )
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"occurred_on": (TODAY + datetime.timedelta(days=2)).isoformat()},
            "ne peut pas être daté dans le futur",
        ),
        ({"prescriptions-0-hours_per_week": "36"}, "comprises entre 0 et 35"),
        ({"prescriptions-0-hours_per_week": "-1"}, "comprises entre 0 et 35"),
        ({"prescriptions-0-offer": "987654321"}, "n'existe pas dans l'offre de service"),
        ({"notes": "x" * 10001}, "au plus 10000 caractères"),
    ],
)
def test_bad_interview_input_gets_a_french_message_and_saves_nothing(
    login, staff, person, overrides, message
):
    offer = offer_for(staff)
    client = login(staff)
    response = client.post(
        reverse("workspace:interview_create", args=[person.pk]),
        _interview_post(offer, **overrides),
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html.replace("\u202f", " ").replace("&#x27;", "'")
    assert "is-invalid" in html
    assert not Interview.objects.exists()
    assert not Prescription.objects.exists()
    assert Deadline.objects.get(kind=DeadlineKind.ENTRY).met_on is None


def test_an_offer_of_another_territory_is_refused(login, staff, person):
    elsewhere = ServiceOfferFactory(departement=staff.structure.departement)
    elsewhere.territory_id = None
    elsewhere.territory = TerritoryFactory(departement=staff.structure.departement)
    elsewhere.save()
    response = login(staff).post(
        reverse("workspace:interview_create", args=[person.pk]),
        _interview_post(elsewhere),
        **HTMX,
    )
    assert response.status_code == 422
    assert not Interview.objects.exists()


def test_a_stale_interview_edit_is_refused_with_a_reload_link(login, staff, person):
    interview = _interview(staff, person, notes="Version d'origine")
    client = login(staff)
    url = reverse("workspace:interview_edit", args=[person.pk, interview.pk])
    data = {
        "occurred_on": TODAY.isoformat(),
        "kind": "phone",
        "status": "held",
        "notes": "Première modification",
        "version": "1",
    }
    assert client.post(url, data, **HTMX).status_code == 200
    data["notes"] = "Modification concurrente"
    response = client.post(url, data, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Quelqu&#x27;un d&#x27;autre a modifié cette fiche" in html
    assert "Recharger la fiche à jour" in html
    assert person.get_absolute_url() in html
    interview.refresh_from_db()
    assert interview.notes == "Première modification"


def test_a_stale_contact_edit_is_refused(login, staff, person):
    client = login(staff)
    url = reverse("workspace:contact_edit", args=[person.pk])
    data = {"phone": "0601020304", "email": "", "address_line": "", "postcode": "", "city": ""}
    assert client.post(url, {**data, "version": "1"}, **HTMX).status_code == 200
    response = client.post(url, {**data, "phone": "0700000000", "version": "1"}, **HTMX)
    assert response.status_code == 409
    person.refresh_from_db()
    assert (person.phone, person.version) == ("06 01 02 03 04", 2)


def test_stage_change_through_the_page_shows_the_pending_referent_change(login, staff, person):
    client = login(staff)
    response = client.post(
        reverse("workspace:advance", args=[person.pk]),
        {"to_stage": "employment", "expected_stage": "pending"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Changement de référent demandé" in html
    assert person.pathways.get().stage == Stage.EMPLOYMENT
    # the same form submitted again from the stale page
    response = client.post(
        reverse("workspace:advance", args=[person.pk]),
        {"to_stage": "sociopro", "expected_stage": "pending"},
        **HTMX,
    )
    assert response.status_code == 409


def test_going_back_without_reason_is_refused(login, staff, person):
    client = login(staff)
    url = reverse("workspace:advance", args=[person.pk])
    client.post(url, {"to_stage": "sociopro", "expected_stage": "pending"})
    response = client.post(url, {"to_stage": "social", "expected_stage": "sociopro"}, **HTMX)
    assert response.status_code == 422
    assert "Indiquez le motif" in response.content.decode()


def test_contract_and_outreach_through_the_page(login, staff, person):
    client = login(staff)
    response = client.post(
        reverse("workspace:contract_create", args=[person.pk]),
        {
            "kind": "contrat_engagement",
            "signed_on": TODAY.isoformat(),
            "review_on": (TODAY + datetime.timedelta(days=180)).isoformat(),
            "weekly_hours": "10",
            "hours_reduction_reason": "",
            "objectives-TOTAL_FORMS": "1",
            "objectives-INITIAL_FORMS": "0",
            "objectives-0-label": "Passer le permis",
            "objectives-0-state": "open",
        },
        **HTMX,
    )
    assert response.status_code == 422
    assert "indiquez le motif" in response.content.decode()
    assert not Contract.objects.exists()
    response = client.post(
        reverse("workspace:outreach_create", args=[person.pk]),
        {"channel": "sms", "result": "no_answer", "attempted_on": TODAY.isoformat()},
        **HTMX,
    )
    assert response.status_code == 200
    assert OutreachAttempt.objects.filter(beneficiary=person).count() == 1


def test_catalogue_search_and_prescription(login, staff, person):
    offer_for(staff, title="Atelier CV express", theme="cv_workshop")
    fle = offer_for(staff, title="Cours de FLE", theme="fle")
    client = login(staff)
    html = client.get(reverse("workspace:catalogue"), {"theme": "fle"}).content.decode()
    assert "Cours de FLE" in html and "Atelier CV express" not in html
    html = client.get(reverse("workspace:catalogue"), {"q": "express"}).content.decode()
    assert "Atelier CV express" in html and "Cours de FLE" not in html
    response = client.post(
        reverse("workspace:prescribe", args=[person.pk, fle.pk]), {"hours_per_week": "40"}
    )
    assert response.status_code == 422
    assert "comprises entre 0 et 35" in response.content.decode()
    response = client.post(
        reverse("workspace:prescribe", args=[person.pk, fle.pk]), {"hours_per_week": "12"}
    )
    assert response.status_code == 302
    assert Prescription.objects.get().offer == fle


# --- Portfolio ------------------------------------------------------------------------


def test_portfolio_search_filters_and_htmx(login, staff):
    montargis = commune_of(staff, "Montargis")
    alice = person_followed_by(staff, last_name="Durand", first_name="Alice", days_ago=20)
    bruno = person_followed_by(
        staff, last_name="Petit", first_name="Bruno", commune=montargis, caf_number="7654321"
    )
    client = login(staff)
    url = reverse("workspace:portfolio")

    def names(params, **extra):
        response = client.get(url, params, **extra)
        assert response.status_code == 200
        html = response.content.decode()
        return {p.last_name for p in (alice, bruno) if p.last_name.upper() in html}

    assert names({}) == {"Durand", "Petit"}
    assert names({"q": "dur"}) == {"Durand"}
    assert names({"q": "765"}) == {"Petit"}
    assert names({"q": "montar"}) == {"Petit"}
    assert names({"deadline": "overdue"}) == {"Durand"}
    _interview(staff, bruno)
    assert names({"deadline": "entry_met"}) == {"Petit"}
    assert names({"no_interview_days": "30"}) == {"Durand"}
    pathway = bruno.pathways.get()
    pathway_advance(acting_user=staff.user, pathway=pathway, to_stage=Stage.SOCIOPRO)
    assert names({"stage": "sociopro"}) == {"Petit"}
    assert names({"programme": "droit_commun"}) == {"Durand", "Petit"}
    barrier_set_state(
        acting_user=staff.user, beneficiary=alice, kind="housing", state="identified", on=TODAY
    )
    assert names({"barrier": "housing"}) == {"Durand"}
    # htmx gets the results only, with links that keep the filters
    response = client.get(url, {"q": "dur"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="resultats")
    html = response.content.decode()
    assert "<html" not in html and 'id="resultats"' in html
    # an invalid filter is reported, not a crash
    assert client.get(url, {"no_interview_days": "abc"}).status_code == 200


def test_portfolio_fragment_and_page_vary_on_htmx_and_the_fragment_is_never_cached(
    login, staff, person
):
    client = login(staff)
    url = reverse("workspace:portfolio")

    fragment = client.get(url, {"q": "dur"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="resultats")
    full_page = client.get(url, {"q": "dur"})

    assert "HX-Request" in fragment["Vary"]
    assert "no-store" in fragment["Cache-Control"]
    assert "HX-Request" in full_page["Vary"]


def test_portfolio_urgency_order_and_binome_marker(login):
    binome = BinomeFactory()
    staff = binome.social_worker
    late = person_followed_by(staff, last_name="Retard", days_ago=20)
    soon = person_followed_by(staff, last_name="Bientot", days_ago=14)
    calm = person_followed_by(staff, last_name="Calme", days_ago=0)
    shared = person_followed_by(staff, last_name="Partage", days_ago=0)
    shared.assignments.update(binome=binome, binome_agreement_at=timezone.now())
    AssignmentFactory(
        beneficiary=shared,
        staff=binome.pe_advisor,
        binome=binome,
        binome_agreement_at=timezone.now(),
    )
    html = login(staff).get(reverse("workspace:portfolio")).content.decode()
    html = html[html.index('id="resultats"') :]
    positions = [html.index(p.last_name.upper()) for p in (late, soon, calm)]
    assert positions == sorted(positions)
    row = html[html.index("PARTAGE") : html.index("PARTAGE") + 200]
    assert "Binôme" in row


def test_the_record_shows_recent_interviews_and_loads_older_ones(login, staff, person):
    for index in range(23):
        _interview(staff, person, notes=f"Note numéro {index:02d}")
    client = login(staff)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Note numéro 22" in html and "Note numéro 03" in html
    assert "Note numéro 02" not in html
    assert "Afficher les entretiens plus anciens" in html
    response = client.get(
        reverse("workspace:interview_list", args=[person.pk]), {"offset": "20"}, **HTMX
    )
    html = response.content.decode()
    assert "Note numéro 02" in html and "Note numéro 00" in html
    assert "Note numéro 03" not in html
    assert "Afficher les entretiens plus anciens" not in html


def test_prescription_status_from_the_record(login, staff, person):
    offer = offer_for(staff, title="Atelier numérique")
    prescription = prescription_create(
        acting_user=staff.user, beneficiary=person, offer=offer, hours_per_week=16
    )
    client = login(staff)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "dans l&#x27;objectif" in html or "dans l'objectif" in html
    url = reverse("workspace:prescription_status", args=[person.pk, prescription.pk])
    assert client.post(url, {"status": "nonsense"}, **HTMX).status_code == 400
    response = client.post(url, {"status": "abandoned"}, **HTMX)
    assert response.status_code == 200
    assert "sous le minimum" in response.content.decode()
    prescription.refresh_from_db()
    assert prescription.status == "abandoned" and prescription.ends_on is not None
    # someone else's prescription, guessed under the referent's person or their own
    other_staff = StaffProfileFactory(structure=staff.structure)
    stranger = person_followed_by(other_staff)
    foreign = prescription_create(
        acting_user=other_staff.user,
        beneficiary=stranger,
        offer=offer_for(other_staff),
        hours_per_week=3,
    )
    for args in ([stranger.pk, foreign.pk], [person.pk, foreign.pk]):
        url = reverse("workspace:prescription_status", args=args)
        assert client.post(url, {"status": "completed"}, **HTMX).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "prescribed"


def test_get_views_write_nothing_but_the_read_trace(login, staff, person):
    interview = _interview(staff, person)
    offer = offer_for(staff)
    client = login(staff)

    def counts():
        return {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label in {"beneficiaries", "pathways", "caseload"}
        }

    before = counts()
    for _name, (method, url) in _urls(person, interview, offer).items():
        if method == "get":
            client.get(url)
            client.get(url, **HTMX)
    after = counts()
    changed = {label for label in before if before[label] != after[label]}
    assert changed == {"beneficiaries.RecordAccessLog"}
    reads = RecordAccessLog.objects.filter(beneficiary_id=person.pk, action="read")
    assert reads.filter(detail="fiche").count() == 2
    assert (
        not RecordAccessLog.objects.filter(beneficiary_id=person.pk, action="read")
        .filter(user_id=None)
        .exists()
    )
