import datetime

from playwright.sync_api import expect

from caseload.enums import StaffRole
from intake.people import beneficiaries_create_bulk, beneficiary_create
from pathways.reminders import scan_deadlines
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory


def test_the_bell_shows_a_reminder_and_clicking_it_opens_the_person(
    page, live_server, log_in, assert_accessible
):
    staff = StaffProfileFactory(user__username="referente-cloche", user__first_name="Camille")
    person = beneficiary_create(
        acting_user=None,
        departement=staff.structure.departement,
        territory=staff.territories.first(),
        caf_number="4000001",
        household_role="demandeur",
        first_name="Yasmina",
        last_name="Benali",
        rsa_application_date=datetime.date.today() - datetime.timedelta(days=8),
    )
    AssignmentFactory(beneficiary=person, staff=staff)
    assert scan_deadlines().sent == 1  # the day-8 reminder

    log_in(page, staff.user.username)

    bell = page.get_by_role("button", name="Notifications")
    expect(bell).to_contain_text("1")
    assert_accessible(page)
    bell.click()
    item = page.get_by_role("button", name="Yasmina")
    expect(item).to_be_visible()
    assert_accessible(page)
    item.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Yasmina")
    expect(page.get_by_role("button", name="Notifications")).not_to_contain_text("1")
    assert_accessible(page)


def test_a_manager_sees_one_grouped_alert_and_chooses_immediate_emails(
    page, live_server, log_in, assert_accessible
):
    manager = StaffProfileFactory(user__username="cheffe-cloche", role=StaffRole.MANAGER)
    territory = manager.territories.first()
    beneficiaries_create_bulk(
        acting_user=None,
        departement=manager.structure.departement,
        people=[
            {
                "territory_id": territory.pk,
                "caf_number": f"{4100000 + i}",
                "household_role": "demandeur",
                "first_name": "Prénom",
                "last_name": f"Nom{i}",
                "rsa_application_date": datetime.date.today(),
            }
            for i in range(25)
        ],
    )
    assert scan_deadlines().sent == 25

    log_in(page, manager.user.username)
    page.goto(f"{live_server.url}/notifications/")

    # One notification in the list (the bell, loaded by htmx, shows it too).
    expect(page.locator(".list-group").get_by_text("25 personnes")).to_have_count(1)
    digest = page.get_by_label("Résumé quotidien")
    expect(digest).to_be_checked()  # a manager's default
    assert_accessible(page)
    page.get_by_label("Immédiat").check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Votre choix de courriels est enregistré.")).to_be_visible()
    expect(page.get_by_label("Immédiat")).to_be_checked()
    page.get_by_role("button", name="Ouvrir la liste").click()
    expect(page).to_have_url(f"{live_server.url}/equipe/file/")


def test_the_notification_list_with_unread_notifications_is_accessible(
    page, live_server, log_in, assert_accessible
):
    staff = StaffProfileFactory(user__username="referente-liste")
    person = beneficiary_create(
        acting_user=None,
        departement=staff.structure.departement,
        territory=staff.territories.first(),
        caf_number="4000002",
        household_role="demandeur",
        first_name="Étienne",
        last_name="Roux",
        rsa_application_date=datetime.date.today() - datetime.timedelta(days=8),
    )
    AssignmentFactory(beneficiary=person, staff=staff)
    assert scan_deadlines().sent == 1
    log_in(page, staff.user.username)

    page.goto(f"{live_server.url}/notifications/")

    expect(page.get_by_role("button", name="Marquer comme lue")).to_be_visible()
    assert_accessible(page)
