"""The portfolio list: most urgent entry deadline first, pages, deadline badges."""

import datetime
import zoneinfo

import pytest

from pathways.enums import DeadlineState
from pathways.services.deadlines import next_deadline_refresh
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory
from tests.caseload.html import record_links, table_row, text_of
from tests.pathways.factories import DeadlineFactory, PathwayFactory

TODAY = datetime.date(2025, 3, 10)


@pytest.fixture
def referent(time_machine):
    time_machine.move_to(
        datetime.datetime(2025, 3, 10, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")), tick=False
    )
    return StaffProfileFactory()


def followed(referent, last_name, *, due_in=None, met=False, cancelled=False):
    """A person followed by the referent; with `due_in`, an open pathway whose
    entry deadline falls that many days from today."""
    territory = referent.territories.get()
    person = BeneficiaryFactory(
        departement=territory.departement, territory=territory, last_name=last_name
    )
    AssignmentFactory(beneficiary=person, staff=referent)
    if due_in is not None:
        due_on = TODAY + datetime.timedelta(days=due_in)
        DeadlineFactory(
            pathway=PathwayFactory(beneficiary=person, opened_on=due_on - datetime.timedelta(15)),
            reference_date=due_on - datetime.timedelta(days=15),
            due_on=due_on,
            met=met,
            cancelled=cancelled,
        )
        # Factories bypass the deadline services, which keep the sort column.
        next_deadline_refresh(beneficiary_ids=[person.pk])
    return person


def portfolio(client, page=None):
    response = client.get("/portefeuille/", {"page": page} if page is not None else {})
    assert response.status_code == 200
    return response.content.decode()


def test_overdue_and_due_soon_deadlines_come_first_then_the_others_by_name(login, referent):
    met = followed(referent, "Respecte", due_in=-20, met=True)
    later = followed(referent, "Lointain", due_in=12)
    no_pathway = followed(referent, "Sansparcours")
    soon = followed(referent, "Proche", due_in=2)
    overdue_recent = followed(referent, "Recent", due_in=-1)
    overdue_old = followed(referent, "Ancien", due_in=-9)

    order = record_links(portfolio(login(referent)))

    # None of them was ever contacted: after the urgent ones, the order is by name.
    assert order == [p.pk for p in (overdue_old, overdue_recent, soon, later, met, no_pathway)]


def test_people_with_the_same_deadline_are_ordered_by_name(login, referent):
    zola = followed(referent, "Zola", due_in=5)
    bernard = followed(referent, "Bernard", due_in=5)

    assert record_links(portfolio(login(referent))) == [bernard.pk, zola.pk]


@pytest.mark.parametrize(
    ("due_in", "met", "badge"),
    [
        (-1, False, "Dépassé"),
        (0, False, "Échéance proche"),
        (3, False, "Échéance proche"),
        (4, False, "En cours"),
        (-30, True, "Respecté"),
    ],
)
def test_the_deadline_badge_shows_the_state_of_the_entry_deadline(
    login, referent, due_in, met, badge
):
    followed(referent, "Badge", due_in=due_in, met=met)

    row = text_of(table_row(portfolio(login(referent)), "BADGE"))

    assert row.endswith(badge)


@pytest.mark.parametrize(
    ("due_in", "state"), [(-1, DeadlineState.OVERDUE), (2, DeadlineState.DUE_SOON)]
)
def test_the_next_deadline_and_the_entry_deadline_say_the_same_state_with_the_same_label(
    login, referent, due_in, state
):
    followed(referent, "Badge", due_in=due_in)

    row = text_of(table_row(portfolio(login(referent)), "BADGE"))

    assert row.count(str(state.label)) == 2
    assert "En retard" not in row and "Bientôt" not in row


def test_the_deadline_filter_names_the_states_as_the_badges_do(login, referent):
    page = portfolio(login(referent))

    assert f'<option value="overdue">{DeadlineState.OVERDUE.label}</option>' in page
    assert f'<option value="due_soon">{DeadlineState.DUE_SOON.label}</option>' in page


def test_a_person_without_pathway_shows_no_deadline(login, referent):
    followed(referent, "Sansparcours")

    row = text_of(table_row(portfolio(login(referent)), "SANSPARCOURS"))

    assert row.endswith("— — — —")


def test_a_cancelled_entry_deadline_is_not_shown_overdue(login, referent):
    followed(referent, "Annule", due_in=-5, cancelled=True)

    row = text_of(table_row(portfolio(login(referent)), "ANNULE"))

    assert "Dépassé" not in row


@pytest.fixture
def five_people(referent, settings):
    settings.PORTFOLIO_PAGE_SIZE = 2
    return [followed(referent, name, due_in=days) for days, name in enumerate("ABCDE")]


def test_the_second_page_lists_the_next_people(login, referent, five_people):
    assert record_links(portfolio(login(referent), page=2)) == [p.pk for p in five_people[2:4]]


def test_the_page_says_which_page_it_is(login, referent, five_people):
    assert "Page 2 sur 3" in text_of(portfolio(login(referent), page=2))


@pytest.mark.parametrize("page", ["abc", "", "1.5"])
def test_a_page_that_is_not_a_number_gives_the_first_page(login, referent, five_people, page):
    assert record_links(portfolio(login(referent), page=page)) == [p.pk for p in five_people[:2]]


@pytest.mark.parametrize("page", ["4", "999", "0", "-1"])
def test_a_page_out_of_range_gives_the_last_page(login, referent, five_people, page):
    assert record_links(portfolio(login(referent), page=page)) == [five_people[4].pk]
