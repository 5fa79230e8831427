"""beneficiary_create: a new applicant enters with a pathway and its deadlines."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary, RecordAccessLog
from intake.people import beneficiary_create
from pathways.enums import DeadlineKind, Stage
from pathways.models import Deadline, Pathway, StageTransition
from tests.caseload.factories import CommuneFactory, StaffProfileFactory, TerritoryFactory

APPLIED_ON = datetime.date(2025, 3, 3)
RIGHTS_OPENED_ON = datetime.date(2025, 3, 20)
VALID_NIR = "185044523401218"


@pytest.fixture
def admin():
    return StaffProfileFactory(admin=True, territories=[])


def create(admin, **fields):
    territory = TerritoryFactory(departement=admin.structure.departement)
    values = {
        "territory": territory,
        "caf_number": "1234567",
        "household_role": "demandeur",
        "last_name": "Martin",
        "first_name": "Léa",
        "rsa_application_date": APPLIED_ON,
        "rights_opening_date": RIGHTS_OPENED_ON,
        **fields,
    }
    return beneficiary_create(
        acting_user=admin.user, departement=admin.structure.departement, **values
    )


def test_a_new_applicant_gets_one_open_pathway_pending_orientation(admin):
    person = create(admin)

    pathway = Pathway.objects.get(beneficiary=person)
    assert (pathway.stage, pathway.closed_at, pathway.opened_on) == (
        Stage.PENDING,
        None,
        APPLIED_ON,
    )


def test_the_entry_deadline_falls_15_days_after_the_rsa_application(admin):
    person = create(admin)

    entry = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ENTRY)
    assert (entry.reference_date, entry.due_on) == (APPLIED_ON, datetime.date(2025, 3, 18))


def test_the_orientation_deadline_falls_42_days_after_the_rights_opening(admin):
    person = create(admin)

    orientation = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ORIENTATION)
    assert (orientation.reference_date, orientation.due_on) == (
        RIGHTS_OPENED_ON,
        datetime.date(2025, 5, 1),
    )


def test_only_the_entry_and_orientation_deadlines_are_opened(admin):
    person = create(admin)

    kinds = Deadline.objects.filter(pathway__beneficiary=person).values_list("kind", flat=True)
    assert sorted(kinds) == [DeadlineKind.ENTRY, DeadlineKind.ORIENTATION]


def test_the_orientation_deadline_runs_from_the_application_when_rights_are_not_open(admin):
    person = create(admin, rights_opening_date=None)

    orientation = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ORIENTATION)
    assert orientation.due_on == APPLIED_ON + datetime.timedelta(days=42)


def test_the_delays_are_settings(admin, settings):
    settings.PATHWAY_ENTRY_DELAY_DAYS = 10

    person = create(admin)

    entry = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ENTRY)
    assert entry.due_on == APPLIED_ON + datetime.timedelta(days=10)


def test_the_transition_log_starts_with_the_opening_by_the_acting_user(admin):
    person = create(admin)

    transition = StageTransition.objects.get(pathway__beneficiary=person)
    assert (transition.from_stage, transition.to_stage, transition.by) == (
        "",
        Stage.PENDING,
        admin.user,
    )


def test_the_creation_is_traced_in_the_access_log(admin):
    person = create(admin)

    log = RecordAccessLog.objects.get()
    assert (log.beneficiary_id, log.user_id, log.action) == (
        person.pk,
        admin.user_id,
        AccessAction.CHANGE,
    )


def test_the_nir_is_stored_without_spaces(admin):
    person = create(admin, nir="1 85 04 45 234 012 18")

    assert Beneficiary.objects.get(pk=person.pk).nir == VALID_NIR


def test_the_territory_comes_from_the_commune_when_not_given(admin):
    commune = CommuneFactory(territory__departement=admin.structure.departement)

    person = create(admin, territory=None, commune=commune)

    assert person.territory == commune.territory


def test_an_invalid_nir_is_refused_with_a_french_message(admin):
    with pytest.raises(ValidationError) as excinfo:
        create(admin, nir="185044523401219")

    assert excinfo.value.message_dict == {
        "nir": ["La clé du NIR ne correspond pas : vérifiez les 15 caractères saisis."]
    }


def test_an_invalid_nir_leaves_nothing_written(admin):
    with pytest.raises(ValidationError):
        create(admin, nir="185044523401219")

    assert not Beneficiary.objects.exists()
    assert not Pathway.objects.exists()
    assert not Deadline.objects.exists()
    assert not StageTransition.objects.exists()
    assert not RecordAccessLog.objects.exists()


def test_a_failure_after_the_person_is_saved_leaves_nothing_written(admin, monkeypatch):
    def broken_pathway_open(**kwargs):
        raise RuntimeError("panne pendant l'ouverture du parcours")

    monkeypatch.setattr("intake.people.pathways_open_bulk", broken_pathway_open)

    with pytest.raises(RuntimeError):
        create(admin)

    assert not Beneficiary.objects.exists()
