"""The unassigned queue at scale: search and filters, combined with the
ordering and the pagination, refreshed by htmx, scoped to the manager."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseload.enums import Programme
from caseload.services import assignment_create
from pathways.enums import Orientation, Stage
from pathways.models import Pathway
from pathways.selectors import QUEUE_DEADLINE_LATER, unassigned_count, unassigned_queue
from pathways.services.orientation import orientation_decide
from tests.caseload.factories import CommuneFactory, StaffProfileFactory, TerritoryFactory
from tests.caseload.helpers import new_applicant, territory_team

QUEUE = "console:queue"


@pytest.fixture
def team():
    return territory_team()


def _names(response):
    return [row["person"].last_name for row in response.context["rows"]]


def _orient(person, manager, orientation, programme=Programme.DROIT_COMMUN):
    orientation_decide(
        pathway=Pathway.objects.open().get(beneficiary=person),
        orientation=orientation,
        programme=programme,
        starting_stage=Stage.SOCIOPRO,
        acting_user=manager.user,
    )


def test_the_queue_search_finds_a_person_by_name_prefix(login, team):
    territory, manager, _referent = team
    new_applicant(territory, last_name="Moreau")
    new_applicant(territory, last_name="Martin")

    response = login(manager).get(reverse(QUEUE), {"q": "mor"})

    assert _names(response) == ["Moreau"]


def test_the_queue_search_finds_a_person_by_caf_number(login, team):
    territory, manager, _referent = team
    new_applicant(territory, last_name="Moreau", caf_number="0875213")
    new_applicant(territory, last_name="Martin", caf_number="1875213")

    response = login(manager).get(reverse(QUEUE), {"q": "0875213"})

    assert _names(response) == ["Moreau"]


def test_the_queue_filters_by_territory_and_commune(login, team):
    territory, manager, _referent = team
    other = TerritoryFactory(departement=territory.departement)
    manager.territories.add(other)
    orleans = CommuneFactory(territory=territory, name="Orléans")
    olivet = CommuneFactory(territory=territory, name="Olivet")
    new_applicant(territory, last_name="Orleanaise", commune=orleans)
    new_applicant(territory, last_name="Olivetaine", commune=olivet)
    new_applicant(other, last_name="Ailleurs")
    client = login(manager)

    by_territory = client.get(reverse(QUEUE), {"territory": territory.pk})
    by_commune = client.get(reverse(QUEUE), {"commune": olivet.pk})

    assert sorted(_names(by_territory)) == ["Olivetaine", "Orleanaise"]
    assert _names(by_commune) == ["Olivetaine"]


def test_the_queue_filters_by_programme_of_the_open_pathway(login, team):
    territory, manager, _referent = team
    renforce = new_applicant(territory, last_name="Renforce")
    new_applicant(territory, last_name="Commun")
    _orient(renforce, manager, Orientation.PROFESSIONNELLE, Programme.FRANCE_TRAVAIL_RENFORCE)

    response = login(manager).get(reverse(QUEUE), {"programme": Programme.FRANCE_TRAVAIL_RENFORCE})

    assert _names(response) == ["Renforce"]


def test_the_queue_filters_by_the_state_of_the_next_deadline(login, team):
    territory, manager, _referent = team
    new_applicant(territory, last_name="Retard", days_ago=20)
    new_applicant(territory, last_name="Proche", days_ago=13)
    new_applicant(territory, last_name="Tard", days_ago=0)
    client = login(manager)

    def names(state):
        return _names(client.get(reverse(QUEUE), {"deadline": state}))

    assert (names("overdue"), names("due_soon"), names("later"), names("none")) == (
        ["Retard"],
        ["Proche"],
        ["Tard"],
        [],
    )


def test_the_queue_filters_by_latest_orientation_or_none_yet(login, team):
    territory, manager, _referent = team
    social = new_applicant(territory, last_name="Sociale")
    reoriented = new_applicant(territory, last_name="Reorientee")
    new_applicant(territory, last_name="Attente")
    _orient(social, manager, Orientation.SOCIALE)
    _orient(reoriented, manager, Orientation.SOCIALE)
    orientation_decide(
        pathway=Pathway.objects.open().get(beneficiary=reoriented),
        orientation=Orientation.PROFESSIONNELLE,
        programme=Programme.DROIT_COMMUN,
        starting_stage=Stage.EMPLOYMENT,
        acting_user=manager.user,
        reason="Projet professionnel clarifié",
    )
    client = login(manager)

    sociale = client.get(reverse(QUEUE), {"orientation": Orientation.SOCIALE})
    not_yet = client.get(reverse(QUEUE), {"orientation": "none"})

    assert _names(sociale) == ["Sociale"]
    assert _names(not_yet) == ["Attente"]
    assert "Orientation Sociale" in sociale.content.decode()


def test_the_queue_filters_combine_with_the_oldest_deadline_first_ordering(login, team):
    territory, manager, _referent = team
    new_applicant(territory, last_name="Moreau", days_ago=1)
    new_applicant(territory, last_name="Morin", days_ago=30)
    new_applicant(territory, last_name="Martin", days_ago=40)

    response = login(manager).get(reverse(QUEUE), {"q": "mor"})

    assert _names(response) == ["Morin", "Moreau"]


def test_the_queue_pagination_keeps_the_search_and_filters(login, team, settings):
    settings.QUEUE_PAGE_SIZE = 2
    territory, manager, _referent = team
    for index in range(3):
        new_applicant(territory, last_name=f"Moreau{index}", days_ago=index)
    new_applicant(territory, last_name="Martin")
    client = login(manager)

    first = client.get(reverse(QUEUE), {"q": "moreau", "deadline": "later"})
    second = client.get(reverse(QUEUE), {"q": "moreau", "deadline": "later", "page": 2})

    assert "?q=moreau&amp;deadline=later&amp;page=2" in first.content.decode()
    assert len(_names(first)) == 2
    assert _names(second) == ["Moreau0"]


def test_a_territory_outside_the_managers_scope_shows_nobody_from_it(login, team):
    territory, manager, _referent = team
    elsewhere = TerritoryFactory(departement=territory.departement)
    commune = CommuneFactory(territory=elsewhere)
    new_applicant(elsewhere, last_name="Ailleurs", commune=commune)
    new_applicant(territory, last_name="Ici")
    client = login(manager)

    by_territory = client.get(reverse(QUEUE), {"territory": elsewhere.pk})
    by_commune = client.get(reverse(QUEUE), {"commune": commune.pk})
    by_name = client.get(reverse(QUEUE), {"q": "ailleurs"})

    assert "Ailleurs" not in _names(by_territory) + _names(by_commune) + _names(by_name)
    assert by_territory.context["form"].errors
    assert str(elsewhere.pk) not in [
        str(value) for value, _label in by_territory.context["form"].fields["territory"].choices
    ]


def test_an_htmx_filter_request_gets_the_results_only_and_varies_on_it(login, team):
    territory, manager, _referent = team
    new_applicant(territory, last_name="Moreau")

    response = login(manager).get(
        reverse(QUEUE),
        {"q": "mor"},
        headers={"HX-Request": "true", "HX-Target": "file-resultats"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="row g-4" id="file-resultats">')
    assert "<html" not in html and "MOREAU" in html
    assert "HX-Request" in response["Vary"]


def test_a_queue_search_leaves_no_search_term_in_the_logs(login, team, caplog):
    territory, manager, _referent = team
    new_applicant(territory, last_name="Moreau", caf_number="0875213")
    client = login(manager)

    with caplog.at_level(logging.DEBUG):
        client.get(reverse(QUEUE), {"q": "0875213"})
        client.get(reverse(QUEUE), {"q": "Moreau", "territory": "pirate"})

    assert "0875213" not in caplog.text
    assert "Moreau" not in caplog.text


FILTERS = {
    "q": "nom",
    "programme": Programme.DROIT_COMMUN,
    "deadline": "later",
    "orientation": "none",
}


def test_a_filtered_queue_keeps_a_constant_number_of_queries(login):
    counts = []
    for size in (3, 40):
        territory, manager, _referent = territory_team()
        commune = CommuneFactory(territory=territory)
        for _index in range(size):
            new_applicant(territory, commune=commune)
        client = login(manager)
        filters = {**FILTERS, "territory": territory.pk, "commune": commune.pk}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(QUEUE), filters)
        assert len(response.context["rows"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("beneficiaries_beneficiary", "territory_id"),  # territory (+ next_deadline_on: state)
        ("beneficiaries_beneficiary", "commune_id"),  # commune
        ("beneficiaries_beneficiary", "caf_number"),  # search by CAF number
        ("beneficiaries_beneficiary", "departement_id"),  # search by name (with the names)
        ("pathways_pathway", "beneficiary_id"),  # programme of the open pathway
        ("pathways_orientationdecision", "pathway_id"),  # latest orientation
        ("pathways_deadline", "pathway_id"),  # next deadline
    ],
)
def test_each_queue_filter_reads_an_index(table, column):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)

    assert any(c["index"] and c["columns"][:1] == [column] for c in constraints.values())


def test_the_queue_total_read_on_the_stored_queue_is_the_number_of_people_listed(login, team):
    territory, manager, referent = team
    second = TerritoryFactory(departement=territory.departement)
    manager.territories.add(second)
    waiting = [new_applicant(territory) for _ in range(3)] + [new_applicant(second)]
    assignment_create(beneficiary=waiting[0], staff=referent, acting_user=manager.user)
    _orient(waiting[1], manager, Orientation.PROFESSIONNELLE, Programme.FRANCE_TRAVAIL_RENFORCE)
    new_applicant(TerritoryFactory(departement=territory.departement))  # not the manager's

    for filters in (
        {},
        {"territory_id": territory.pk},
        {"territory_id": second.pk},
        {"programme": Programme.FRANCE_TRAVAIL_RENFORCE},
    ):
        assert unassigned_count(manager.user, **filters) == (
            unassigned_queue(manager.user, **filters).count()
        ), filters
    assert unassigned_count(manager.user) == 3


def test_the_queue_counts_its_list_itself_for_a_filter_on_the_people(team):
    territory, manager, _referent = team
    new_applicant(territory, last_name="Moreau")

    assert unassigned_count(manager.user, search="mor") is None
    assert unassigned_count(manager.user, deadline=QUEUE_DEADLINE_LATER) is None


def test_an_administrator_s_queue_counts_its_list_itself(team):
    territory, manager, _referent = team
    admin = StaffProfileFactory(admin=True, structure=manager.structure, territories=[])
    new_applicant(territory)

    assert unassigned_count(admin.user) is None


def test_a_queue_page_past_the_end_shows_the_last_page(login, team, settings):
    settings.QUEUE_PAGE_SIZE = 2
    territory, manager, _referent = team
    for index in range(3):
        new_applicant(territory, last_name=f"Moreau{index}", days_ago=index)

    response = login(manager).get(reverse(QUEUE), {"page": 9})

    assert response.context["page"].number == 2
    assert response.context["page"].paginator.count == 3
    assert _names(response) == ["Moreau0"]


def test_each_queue_page_read_under_its_due_date_bound_lists_the_same_people(login, team, settings):
    settings.QUEUE_PAGE_SIZE = 2
    territory, manager, _referent = team
    for index, days_ago in enumerate([3, 3, 3, 2, 9, 0, 2]):  # ties on a day
        new_applicant(territory, last_name=f"Moreau{index}", days_ago=days_ago)
    everyone = [person.last_name for person in unassigned_queue(manager.user)]
    client = login(manager)

    pages = [_names(client.get(reverse(QUEUE), {"page": number})) for number in (1, 2, 3, 4)]

    assert pages == [everyone[0:2], everyone[2:4], everyone[4:6], everyone[6:8]]


def test_the_due_date_bound_is_read_only_where_the_total_is(team):
    from pathways.selectors import unassigned_due_bound

    territory, manager, _referent = team
    first = new_applicant(territory, days_ago=5)
    new_applicant(territory, days_ago=1)
    earliest = min(d.due_on for d in first.pathways.get().deadlines.all())

    assert unassigned_due_bound(manager.user, 1) == earliest
    assert unassigned_due_bound(manager.user, 3) is None  # past the end
    assert unassigned_due_bound(manager.user, 1, search="mor") is None
