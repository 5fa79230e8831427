"""The manager console's pages and actions: what managers see and do, and
what nobody else may."""

import pytest
from django.urls import reverse

from caseload.enums import AssignmentEndReason, ChangeRequestStatus, Programme, StaffRole
from caseload.models import Assignment, Binome, CapPolicy, ReferentChangeRequest
from caseload.services import assignment_create
from pathways.enums import DeadlineKind, Orientation, Stage
from pathways.models import Deadline, OrientationDecision
from tests.caseload.factories import StaffProfileFactory, TerritoryFactory
from tests.caseload.helpers import new_applicant, set_cap, territory_team

DC = Programme.DROIT_COMMUN


@pytest.fixture
def team():
    territory, manager, referent = territory_team()
    return territory, manager, referent


def _other_territory_setup(manager):
    """A person and a referent in another territory of the same Département."""
    elsewhere = TerritoryFactory(departement=manager.structure.departement)
    stranger = StaffProfileFactory(structure=manager.structure, territories=[elsewhere])
    return elsewhere, stranger, new_applicant(elsewhere)


# --- pages ------------------------------------------------------------------------------


PAGES = [
    ("console:team", None),
    ("console:queue", None),
    ("console:balance", None),
    ("console:binomes", None),
    ("console:requests", None),
    ("console:caps", None),
]


@pytest.mark.parametrize(("name", "_arg"), PAGES)
def test_manager_pages_render(login, team, name, _arg):
    territory, manager, referent = team
    new_applicant(territory)

    response = login(manager).get(reverse(name))

    assert response.status_code == 200


def test_person_and_staff_pages_render(login, team):
    territory, manager, referent = team
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    client = login(manager)

    assert client.get(reverse("console:person", args=[person.pk])).status_code == 200
    response = client.get(reverse("console:staff", args=[referent.pk]))
    assert response.status_code == 200
    assert person.last_name.upper() in response.content.decode()


ALL_VIEWS = [
    ("get", "console:team", False),
    ("get", "console:queue", False),
    ("get", "console:balance", False),
    ("post", "console:balance_confirm", False),
    ("post", "console:queue_assign", False),
    ("post", "console:queue_orient", False),
    ("get", "console:binomes", False),
    ("post", "console:binomes", False),
    ("get", "console:requests", False),
    ("get", "console:caps", False),
    ("get", "console:staff", True),
    ("post", "console:staff_bulk", True),
    ("post", "console:binome_dissolve", True),
    ("post", "console:request_accept", True),
    ("post", "console:request_refuse", True),
    ("get", "console:person", True),
    ("post", "console:person_assign", True),
    ("post", "console:person_orient", True),
    ("post", "console:person_enrol", True),
    ("post", "console:assignment_end", True),
    ("post", "console:assignment_reassign", True),
]


@pytest.mark.parametrize(("method", "name", "with_pk"), ALL_VIEWS)
@pytest.mark.parametrize("role", ["sociopro_referent", "social_worker", "pe_advisor", "nurse"])
def test_referents_get_403_everywhere(login, team, method, name, with_pk, role):
    territory, manager, _referent = team
    referent = StaffProfileFactory(role=role, structure=manager.structure, territories=[territory])
    url = reverse(name, args=[1]) if with_pk else reverse(name)

    response = getattr(login(referent), method)(url)

    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("console:queue"))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_manager_never_sees_another_territorys_people_or_staff(login, team):
    territory, manager, referent = team
    elsewhere, stranger, person = _other_territory_setup(manager)
    assignment = assignment_create(beneficiary=person, staff=stranger, acting_user=None)
    mine = new_applicant(territory)
    client = login(manager)

    assert client.get(reverse("console:person", args=[person.pk])).status_code == 404
    assert client.get(reverse("console:staff", args=[stranger.pk])).status_code == 404
    queue = client.get(reverse("console:queue")).content.decode()
    assert mine.last_name.upper() in queue
    assert person.last_name.upper() not in queue
    dashboard = client.get(reverse("console:team")).content.decode()
    assert stranger.user.get_full_name() not in dashboard
    # Acting on them: 404 (403 with a French message for a bulk selection),
    # nothing saved.
    response = client.post(
        reverse("console:queue_assign"), {"people": [person.pk], "staff": referent.pk}
    )
    assert response.status_code == 403
    assert "pas dans vos territoires" in response.content.decode()
    for url, data in [
        (reverse("console:person_assign", args=[person.pk]), {"staff": referent.pk}),
        (reverse("console:person_assign", args=[mine.pk]), {"staff": stranger.pk}),
        (reverse("console:queue_assign"), {"people": [mine.pk], "staff": stranger.pk}),
        (
            reverse("console:assignment_end", args=[assignment.pk]),
            {"end_reason": AssignmentEndReason.OTHER},
        ),
        (reverse("console:staff_bulk", args=[stranger.pk]), {"assignments": [assignment.pk]}),
        (
            reverse("console:person_orient", args=[person.pk]),
            {
                "orientation": Orientation.SOCIALE,
                "programme": DC,
                "starting_stage": Stage.SOCIAL,
            },
        ),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert Assignment.objects.count() == 1
    assert not OrientationDecision.objects.exists()


def test_manager_of_another_departement_gets_404(login, team):
    territory, manager, referent = team
    person = new_applicant(territory)
    foreign_manager = StaffProfileFactory(manager=True)

    client = login(foreign_manager)

    assert client.get(reverse("console:person", args=[person.pk])).status_code == 404
    assert client.get(reverse("console:staff", args=[referent.pk])).status_code == 404


def test_admin_sees_their_whole_departement_only(login, team):
    territory, manager, referent = team
    elsewhere, stranger, person = _other_territory_setup(manager)
    admin = StaffProfileFactory(admin=True, structure=manager.structure, territories=[])
    foreign = StaffProfileFactory()
    client = login(admin)

    assert client.get(reverse("console:person", args=[person.pk])).status_code == 200
    assert client.get(reverse("console:staff", args=[stranger.pk])).status_code == 200
    assert client.get(reverse("console:staff", args=[foreign.pk])).status_code == 404


# --- actions ----------------------------------------------------------------------------


def test_assign_from_queue_then_person_leaves_the_queue(login, team):
    territory, manager, referent = team
    person = new_applicant(territory)
    client = login(manager)

    response = client.post(
        reverse("console:person_assign", args=[person.pk]),
        {"staff": referent.pk, "next": reverse("console:queue")},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("console:queue")
    assert Assignment.objects.active().get(beneficiary=person).staff == referent
    page = client.get(reverse("console:queue")).content.decode()
    assert person.last_name.upper() not in page
    assert f"{referent.user.get_full_name()} suit désormais {person.full_name}." in page


def test_assign_over_cap_answers_422_in_french_and_saves_nothing(login, team):
    territory, manager, referent = team
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )
    person = new_applicant(territory)

    response = login(manager).post(
        reverse("console:person_assign", args=[person.pk]), {"staff": referent.pk}
    )

    assert response.status_code == 422
    assert "Plafond atteint" in response.content.decode()
    assert not Assignment.objects.filter(beneficiary=person).exists()


def test_the_second_manager_giving_a_person_just_assigned_gets_a_french_422(login, team):
    territory, manager, referent = team
    colleague = StaffProfileFactory(
        structure__departement=territory.departement, territories=[territory]
    )
    person = new_applicant(territory)
    # Another manager gave the person to a referent of the same role meanwhile.
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    response = login(manager).post(
        reverse("console:queue_assign"), {"people": [person.pk], "staff": colleague.pk}
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "a déjà un référent « Référent socio-professionnel » en Droit commun" in body
    assert "Aucune affectation n&#x27;a été enregistrée" in body
    assert not Assignment.objects.filter(staff=colleague).exists()


def test_manager_override_with_reason_is_listed_on_the_dashboard(login, team):
    territory, manager, referent = team
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )
    person = new_applicant(territory)
    client = login(manager)

    response = client.post(
        reverse("console:person_assign", args=[person.pk]),
        {"staff": referent.pk, "over_cap_reason": "Remplacement d'un collègue absent"},
    )

    assert response.status_code == 302
    page = client.get(reverse("console:team")).content.decode()
    assert "Remplacement d&#x27;un collègue absent" in page
    assert "Au-delà du plafond" in page


@pytest.mark.parametrize(
    "data",
    [
        {"staff": "abc"},
        {},
        {"staff": "1", "reason": "x" * 501},
    ],
)
def test_bad_assign_input_is_400_in_french(login, team, data):
    territory, manager, referent = team
    person = new_applicant(territory)

    response = login(manager).post(reverse("console:person_assign", args=[person.pk]), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Référent" in body or "Motif" in body
    assert not Assignment.objects.exists()


def test_bulk_assign_from_queue_is_all_or_nothing(login, team):
    territory, manager, referent = team
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 2)
    people = [new_applicant(territory) for _ in range(3)]
    client = login(manager)

    response = client.post(
        reverse("console:queue_assign"),
        {"people": [p.pk for p in people], "staff": referent.pk},
    )
    assert response.status_code == 422
    assert "Aucune affectation n&#x27;a été enregistrée" in response.content.decode()
    assert not Assignment.objects.exists()

    response = client.post(
        reverse("console:queue_assign"),
        {"people": [p.pk for p in people[:2]], "staff": referent.pk, "reason": "Lot"},
    )
    assert response.status_code == 302
    assert Assignment.objects.active().filter(staff=referent).count() == 2


def test_bulk_input_errors(login, team):
    territory, manager, referent = team
    client = login(manager)
    assert client.post(reverse("console:queue_assign"), {"staff": referent.pk}).status_code == 400
    assert (
        client.post(
            reverse("console:queue_assign"), {"people": ["x"], "staff": referent.pk}
        ).status_code
        == 400
    )


def test_batch_orientation_from_queue(login, team):
    territory, manager, referent = team
    people = [new_applicant(territory) for _ in range(2)]

    response = login(manager).post(
        reverse("console:queue_orient"),
        {
            "people": [p.pk for p in people],
            "orientation": Orientation.PROFESSIONNELLE,
            "programme": Programme.FRANCE_TRAVAIL_RENFORCE,
            "starting_stage": Stage.EMPLOYMENT,
        },
    )

    assert response.status_code == 302
    assert OrientationDecision.objects.count() == 2
    assert Deadline.objects.open().filter(kind=DeadlineKind.CONTRACT).count() == 2


def test_bad_orientation_is_400_and_reorientation_without_reason_422(login, team):
    territory, manager, referent = team
    person = new_applicant(territory)
    client = login(manager)
    url = reverse("console:person_orient", args=[person.pk])
    good = {"orientation": Orientation.SOCIALE, "programme": DC, "starting_stage": Stage.SOCIAL}

    assert client.post(url, {**good, "starting_stage": Stage.EXIT}).status_code == 400
    assert client.post(url, good).status_code == 302
    response = client.post(url, {**good, "starting_stage": Stage.SOCIOPRO})
    assert response.status_code == 422
    assert "réorientation indique son motif" in response.content.decode()
    assert OrientationDecision.objects.count() == 1


def test_reassign_and_end_from_the_person_page(login, team):
    territory, manager, referent = team
    other = StaffProfileFactory(structure=referent.structure, territories=[territory])
    person = new_applicant(territory)
    assignment = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    client = login(manager)

    response = client.post(
        reverse("console:assignment_reassign", args=[assignment.pk]),
        {"staff": other.pk, "reason": "Rééquilibrage", "end_reason": "rebalancing"},
    )
    assert response.status_code == 302
    new = Assignment.objects.active().get(beneficiary=person)
    assert new.staff == other

    response = client.post(
        reverse("console:assignment_end", args=[new.pk]), {"end_reason": "pathway_exit"}
    )
    assert response.status_code == 302
    assert not Assignment.objects.active().filter(beneficiary=person).exists()
    assert (
        client.post(
            reverse("console:assignment_end", args=[new.pk]), {"end_reason": "other"}
        ).status_code
        == 404
    )


def test_staff_page_bulk_reassign(login, team):
    territory, manager, referent = team
    other = StaffProfileFactory(structure=referent.structure, territories=[territory])
    assignments = [
        assignment_create(
            beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
        )
        for _ in range(3)
    ]
    client = login(manager)

    response = client.post(
        reverse("console:staff_bulk", args=[referent.pk]),
        {
            "assignments": [a.pk for a in assignments],
            "action": "reassign",
            "staff": other.pk,
            "end_reason": "referent_left",
        },
    )

    assert response.status_code == 302
    assert Assignment.objects.active().filter(staff=other).count() == 3
    assert Assignment.objects.filter(staff=referent, end_reason="referent_left").count() == 3


def test_balance_plan_then_confirm(login, team):
    territory, manager, referent = team
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 2)
    second = StaffProfileFactory(structure=referent.structure, territories=[territory])
    people = [new_applicant(territory, days_ago=i) for i in range(5)]
    client = login(manager)

    page = client.get(reverse("console:balance"))
    plan = page.context["plan"]
    planned = [(p, c) for p, c in plan if c is not None]
    # Two sociopro referents with cap 2 each, plus any other role without a set cap.
    assert {c.staff.pk for _p, c in planned} >= {referent.pk, second.pk}
    values = [f"{p.pk}:{c.staff.pk}" for p, c in planned]

    response = client.post(reverse("console:balance_confirm"), {"plan": values})

    assert response.status_code == 302
    assert Assignment.objects.active().filter(beneficiary__in=people).count() == len(values)
    assert Assignment.objects.active().filter(staff=referent).count() <= 2


def test_binome_create_and_enrol_and_dissolve(login, team):
    territory, manager, referent = team
    advisor = StaffProfileFactory(
        pe_advisor=True, structure__departement=territory.departement, territories=[territory]
    )
    worker = StaffProfileFactory(
        social_worker=True, structure=manager.structure, territories=[territory]
    )
    client = login(manager)

    response = client.post(
        reverse("console:binomes"), {"pe_advisor": advisor.pk, "social_worker": worker.pk}
    )
    assert response.status_code == 302
    binome = Binome.objects.get()
    assert (
        client.post(
            reverse("console:binomes"), {"pe_advisor": worker.pk, "social_worker": advisor.pk}
        ).status_code
        == 422
    )

    person = new_applicant(territory)
    url = reverse("console:person_enrol", args=[person.pk])
    response = client.post(url, {"binome": binome.pk, "advisor_agrees": "on"})
    assert response.status_code == 422
    assert "accord des deux membres" in response.content.decode()
    response = client.post(
        url, {"binome": binome.pk, "advisor_agrees": "on", "social_worker_agrees": "on"}
    )
    assert response.status_code == 302
    assert Assignment.objects.active().filter(beneficiary=person, binome=binome).count() == 2

    response = client.post(reverse("console:binome_dissolve", args=[binome.pk]))
    assert response.status_code == 302
    assert not Assignment.objects.active().filter(beneficiary=person).exists()


def test_change_request_accept_refuse_and_the_requester_sees_it(login, team, client):
    territory, manager, referent = team
    worker = StaffProfileFactory(
        social_worker=True, structure=manager.structure, territories=[territory]
    )
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    request = ReferentChangeRequest.objects.create(
        beneficiary=person, requested_by=referent.user, reason="Freins sociaux"
    )
    manager_client = login(manager)

    assert "Freins sociaux" in manager_client.get(reverse("console:requests")).content.decode()
    response = manager_client.post(
        reverse("console:request_refuse", args=[request.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    response = manager_client.post(
        reverse("console:request_accept", args=[request.pk]),
        {"staff": worker.pk, "reason": "Étape sociale"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.ACCEPTED

    # The requester keeps read access for a while and sees the decision on the
    # record; the person has left their portfolio.
    referent_client = login(referent)
    portfolio = referent_client.get(reverse("workspace:portfolio")).content.decode()
    assert person.last_name.upper() not in portfolio
    record = referent_client.get(reverse("workspace:detail", args=[person.pk]))
    assert record.status_code == 200
    body = record.content.decode()
    assert "Vos demandes de changement de référent" in body
    assert worker.user.get_full_name() in body


def test_the_record_lists_as_the_reader_s_own_only_the_change_requests_they_made(login, team):
    territory, manager, referent = team
    colleague = StaffProfileFactory(structure=manager.structure, territories=[territory])
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    ReferentChangeRequest.objects.create(
        beneficiary=person, requested_by=colleague.user, reason="Déménagement"
    )

    body = login(referent).get(reverse("workspace:detail", args=[person.pk])).content.decode()

    assert "Déménagement" in body
    assert "Vos demandes de changement de référent" not in body


def test_cap_policies_editable_by_admins_only(login, team):
    territory, manager, referent = team
    admin = StaffProfileFactory(admin=True, structure=manager.structure, territories=[])
    policy = CapPolicy.objects.get(
        departement=territory.departement, role=StaffRole.SOCIAL_WORKER, programme=DC
    )
    url = reverse("console:caps")

    assert login(manager).post(url, {f"cap-{policy.pk}": "12"}).status_code == 403
    response = login(admin).post(url, {f"cap-{policy.pk}": "0"})
    assert response.status_code == 400
    assert "entre 1 et 1000" in response.content.decode()
    response = login(admin).post(url, {f"cap-{policy.pk}": "12"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.cap == 12


def test_a_wrong_cap_keeps_the_other_edits_on_the_page_and_saves_nothing(login, team):
    territory, manager, referent = team
    admin = StaffProfileFactory(admin=True, structure=manager.structure, territories=[])
    social, sociopro = (
        CapPolicy.objects.get(departement=territory.departement, role=role, programme=DC)
        for role in (StaffRole.SOCIAL_WORKER, StaffRole.SOCIOPRO_REFERENT)
    )
    before = (social.cap, sociopro.cap)

    response = login(admin).post(
        reverse("console:caps"), {f"cap-{social.pk}": "45", f"cap-{sociopro.pk}": "douze"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="45"' in html
    assert 'value="douze"' in html
    assert f'aria-describedby="id_cap-{sociopro.pk}-erreur"' in html
    assert f'aria-describedby="id_cap-{social.pk}-erreur"' not in html
    assert "Aucun plafond n&#x27;a été enregistré" in html
    social.refresh_from_db()
    sociopro.refresh_from_db()
    assert (social.cap, sociopro.cap) == before


def test_dashboard_filters_and_bad_filter(login, team):
    territory, manager, referent = team
    worker = StaffProfileFactory(
        social_worker=True, structure=manager.structure, territories=[territory]
    )
    client = login(manager)

    page = client.get(reverse("console:team"), {"role": "social_worker", "programme": DC})
    body = page.content.decode()
    assert worker.user.get_full_name() in body
    assert referent.user.get_full_name() not in body
    assert page.context["programmes"] == [Programme.DROIT_COMMUN]
    assert client.get(reverse("console:team"), {"role": "pirate"}).status_code == 400


def test_dashboard_shows_cap_not_set_and_part_time_cap(login, team):
    territory, manager, referent = team
    advisor = StaffProfileFactory(
        pe_advisor=True,
        structure__departement=territory.departement,
        territories=[territory],
        part_time_ratio="0.50",
    )
    body = login(manager).get(reverse("console:team")).content.decode()
    assert "plafond non défini" in body  # pe_advisor droit commun: no figure in the sources
    assert 'aria-valuemax="50"' in body  # 100 in accompagnement global at half time
    assert advisor.user.get_full_name() in body


def test_staff_page_bulk_end_and_a_foreign_assignment_refuses_the_batch(login, team):
    territory, manager, referent = team
    other = StaffProfileFactory(structure=referent.structure, territories=[territory])
    mine = [
        assignment_create(
            beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
        )
        for _ in range(2)
    ]
    theirs = assignment_create(
        beneficiary=new_applicant(territory), staff=other, acting_user=manager.user
    )
    client = login(manager)
    url = reverse("console:staff_bulk", args=[referent.pk])

    response = client.post(
        url, {"assignments": [mine[0].pk, theirs.pk], "action": "end", "end_reason": "other"}
    )
    assert response.status_code == 403
    assert Assignment.objects.active().filter(pk=mine[0].pk).exists()
    response = client.post(url, {"assignments": [mine[0].pk], "action": "end"})
    assert response.status_code == 422
    assert "Motif de fin" in response.content.decode()
    response = client.post(
        url,
        {"assignments": [a.pk for a in mine], "action": "end", "end_reason": "referent_left"},
    )
    assert response.status_code == 302
    assert not Assignment.objects.active().filter(staff=referent).exists()
    assert Assignment.objects.active().filter(pk=theirs.pk).exists()


def test_htmx_error_answer_carries_the_message_in_the_console(login, team):
    territory, manager, referent = team
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )
    person = new_applicant(territory)

    response = login(manager).post(
        reverse("console:person_assign", args=[person.pk]),
        {"staff": referent.pk},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="console"' in body
    assert body.index("Plafond atteint") > body.index('id="console"')


def test_other_territorys_binomes_requests_and_assignments_are_404(login, team):
    territory, manager, referent = team
    elsewhere, stranger, person = _other_territory_setup(manager)
    advisor = StaffProfileFactory(
        pe_advisor=True, structure__departement=elsewhere.departement, territories=[elsewhere]
    )
    worker = StaffProfileFactory(
        social_worker=True, structure=manager.structure, territories=[elsewhere]
    )
    binome = Binome.objects.create(pe_advisor=advisor, social_worker=worker)
    assignment = assignment_create(beneficiary=person, staff=stranger, acting_user=None)
    request = ReferentChangeRequest.objects.create(
        beneficiary=person, requested_by=stranger.user, reason="Étape"
    )
    mine = new_applicant(territory)
    client = login(manager)

    for url, data in [
        (reverse("console:binome_dissolve", args=[binome.pk]), {}),
        (
            reverse("console:person_enrol", args=[mine.pk]),
            {"binome": binome.pk, "advisor_agrees": "on", "social_worker_agrees": "on"},
        ),
        (reverse("console:request_accept", args=[request.pk]), {"staff": referent.pk}),
        (reverse("console:request_refuse", args=[request.pk]), {"reason": "Non"}),
        (
            reverse("console:assignment_reassign", args=[assignment.pk]),
            {"staff": referent.pk, "end_reason": "other"},
        ),
        (reverse("console:binomes"), {"pe_advisor": advisor.pk, "social_worker": worker.pk}),
    ]:
        assert client.post(url, data).status_code == 404, url
    # A plan naming a person of another territory: refused whole, in French.
    response = client.post(
        reverse("console:balance_confirm"), {"plan": [f"{person.pk}:{referent.pk}"]}
    )
    assert response.status_code == 403
    requests_page = client.get(reverse("console:requests")).content.decode()
    assert "Étape" not in requests_page
    binome.refresh_from_db()
    request.refresh_from_db()
    assert binome.is_active and request.status == ChangeRequestStatus.PENDING
    assert Assignment.objects.active().get(beneficiary=person).staff == stranger
