"""The retention clock: who is anonymised, when, and who is kept."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary, HealthNote, OutreachAttempt, RecordAccessLog
from caseload.models import StaffLoad
from caseload.selectors import load_counter_drift
from pathways.enums import InterviewKind
from pathways.models import Interview
from pathways.services.followup import contract_create, interview_create
from privacy.retention import ANONYMISED_NAME, legal_hold_create
from tests.caseload.factories import AssignmentFactory, DepartementFactory, StaffProfileFactory
from tests.pathways.factories import PathwayFactory
from tests.privacy.retention.conftest import after_contact, at_noon, travel

TWENTY_FOUR_MONTHS_AND_A_DAY = 731
TWENTY_THREE_MONTHS = 700


def run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def last_line(output):
    return output.strip().splitlines()[-1]


def test_a_person_last_seen_24_months_and_a_day_ago_without_open_pathway_is_anonymised(
    seen_person,
):
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        output = run()
    assert last_line(output) == "anonymised: 1"
    seen_person.refresh_from_db()
    assert seen_person.anonymised_at is not None
    assert (seen_person.last_name, seen_person.first_name) == (ANONYMISED_NAME, "")
    assert (seen_person.nir, seen_person.caf_number, seen_person.phone, seen_person.email) == (
        "",
        "",
        "",
        "",
    )
    assert seen_person.birth_date.year == 1979
    assert seen_person.birth_date != datetime.date(1979, 10, 23)


def test_an_anonymised_person_keeps_no_note_nor_health_data(seen_person):
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        run()
    assert list(
        Interview.objects.filter(beneficiary=seen_person).values_list("notes", flat=True)
    ) == [""]
    assert list(
        OutreachAttempt.objects.filter(beneficiary=seen_person).values_list("notes", flat=True)
    ) == [""]
    assert not HealthNote.objects.filter(beneficiary=seen_person).exists()


def test_a_person_last_seen_23_months_ago_is_kept(seen_person):
    with travel(after_contact(TWENTY_THREE_MONTHS)):
        output = run()
    assert last_line(output) == "anonymised: 0"
    seen_person.refresh_from_db()
    assert seen_person.anonymised_at is None
    assert seen_person.last_name == "Vasseur"


def test_a_new_interview_resets_the_clock(seen_person, referent):
    with travel(after_contact(400)):
        interview_create(
            acting_user=referent.user,
            beneficiary=seen_person,
            occurred_on=after_contact(400),
            kind=InterviewKind.INDIVIDUAL,
        )
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run()) == "anonymised: 0"
    with travel(after_contact(400 + TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run()) == "anonymised: 1"


def test_a_signed_contract_resets_the_clock(seen_person, referent):
    with travel(after_contact(400)):
        contract_create(
            acting_user=referent.user,
            beneficiary=seen_person,
            signed_on=after_contact(400),
            review_on=after_contact(580),
            weekly_hours=15,
        )
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run()) == "anonymised: 0"


def test_an_open_pathway_keeps_the_record(seen_person):
    PathwayFactory(beneficiary=seen_person, opened_on=after_contact(-30))
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY * 2)):
        assert last_line(run()) == "anonymised: 0"


def test_a_pathway_closed_after_the_last_contact_starts_the_clock_at_its_end(seen_person):
    PathwayFactory(
        beneficiary=seen_person,
        closed=True,
        opened_on=after_contact(-30),
        closed_at=at_noon(after_contact(200)),
    )
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run()) == "anonymised: 0"
    with travel(after_contact(200 + TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run()) == "anonymised: 1"


def test_a_legal_hold_keeps_the_record_until_its_end(seen_person, referent):
    manager = StaffProfileFactory(manager=True, structure=referent.structure).user
    with travel(after_contact(700)):
        legal_hold_create(
            acting_user=manager,
            beneficiary=seen_person,
            reason="Contentieux en cours au tribunal administratif",
            until=after_contact(900),
        )
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run()) == "anonymised: 0"
    with travel(after_contact(901)):
        assert last_line(run()) == "anonymised: 1"


def test_a_dry_run_changes_nothing_and_announces_the_same_count(seen_person):
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        dry = run("--dry-run")
        seen_person.refresh_from_db()
        assert seen_person.anonymised_at is None
        assert HealthNote.objects.filter(beneficiary=seen_person).exists()
        real = run()
    assert last_line(dry) == "would anonymise: 1"
    assert last_line(real) == "anonymised: 1"


def test_a_second_run_anonymises_nothing_more(seen_person):
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        run()
        first = Beneficiary.objects.get(pk=seen_person.pk)
        assert last_line(run()) == "anonymised: 0"
    assert Beneficiary.objects.get(pk=seen_person.pk).anonymised_at == first.anonymised_at


def test_the_departement_option_limits_the_run_to_that_departement(seen_person):
    DepartementFactory(code="18")
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run("--departement", "18")) == "anonymised: 0"
        assert last_line(run("--departement", "45")) == "anonymised: 1"


def test_an_unknown_departement_is_refused_in_french(seen_person):
    with pytest.raises(CommandError, match="Département inconnu : « 99 »"):
        run("--departement", "99")


def test_the_command_reports_the_purges(seen_person):
    output = run("--dry-run")
    assert "traces d'accès à purger" in output
    assert "fichiers d'import à purger" in output


def test_the_anonymisation_is_traced_in_the_access_log_with_the_command(seen_person, settings):
    # The database stamps the row with its own clock, not the frozen one: kept
    # from the purge of old rows that follows in the same run.
    settings.AUDIT_RETENTION_DAYS = 5000
    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        run()
    row = RecordAccessLog.objects.get(beneficiary=seen_person, detail="anonymisation")
    assert (row.action, row.user_id, row.command) == (AccessAction.CHANGE, None, "apply_retention")


def test_the_anonymisation_keeps_the_stored_loads_exact(seen_person, referent):
    # The anonymisation blanks the reasons of the person's assignments (an
    # UPDATE of the assignment table): the loads must not move.
    AssignmentFactory(beneficiary=seen_person, staff=referent, ended=True)
    AssignmentFactory(staff=referent)
    before = set(StaffLoad.objects.values_list("staff_id", "programme", "active"))

    with travel(after_contact(TWENTY_FOUR_MONTHS_AND_A_DAY)):
        assert last_line(run()) == "anonymised: 1"

    assert load_counter_drift() == []
    assert set(StaffLoad.objects.values_list("staff_id", "programme", "active")) == before
