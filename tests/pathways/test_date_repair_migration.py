"""The migrations that add the date bounds and the duplicate guards first
repair what is stored: a next appointment in year 1 (unreadable once shifted
by the time zone) is emptied without being read, a birth date before 1900 is
emptied, an interview dated year 1 is brought to 1900, an action active twice
keeps one active prescription, and a pathway's contracts are chained."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from beneficiaries.models import Beneficiary
from pathways.models import Contract, Interview, Prescription

BEFORE = [
    ("beneficiaries", "0008_consent_history"),
    ("pathways", "0007_people_met_are_no_longer_never_met"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_rows(apps):
    Departement = apps.get_model("caseload", "Departement")
    OldBeneficiary = apps.get_model("beneficiaries", "Beneficiary")
    User = apps.get_model("core", "User")
    Pathway = apps.get_model("pathways", "Pathway")
    OldInterview = apps.get_model("pathways", "Interview")
    ServiceOffer = apps.get_model("pathways", "ServiceOffer")
    OldPrescription = apps.get_model("pathways", "Prescription")
    OldContract = apps.get_model("pathways", "Contract")

    departement = Departement.objects.create(code="45", name="Loiret")
    person = OldBeneficiary.objects.create(
        departement=departement,
        caf_number="1234567",
        household_role="demandeur",
        last_name="Martin",
        first_name="Inès",
        birth_date=datetime.date(1850, 1, 1),
    )
    author = User.objects.create(username="referent")
    pathway = Pathway.objects.create(beneficiary=person, opened_on=datetime.date(2025, 3, 1))
    interview = OldInterview.objects.create(
        beneficiary=person,
        pathway=pathway,
        occurred_on=datetime.date(1, 1, 1),
        kind="individual",
        author=author,
    )
    # What the form stored: 00:00 in Paris on 1 January of year 1, which is
    # in year 1 BC once in UTC and cannot be read back into Python.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pathways_interview SET next_appointment_at = %s::timestamptz WHERE id = %s",
            ["0001-01-01 00:00:00+00:09:21", interview.pk],
        )
    offer = ServiceOffer.objects.create(
        departement=departement, title="Atelier CV", theme="cv_workshop", provider="Département"
    )
    twice = [
        OldPrescription.objects.create(
            beneficiary=person,
            pathway=pathway,
            offer=offer,
            hours_per_week=Decimal("6"),
            prescribed_on=datetime.date(2025, 4, day),
            status=status,
        )
        for day, status in ((1, "prescribed"), (2, "in_progress"), (3, "prescribed"))
    ]
    contracts = [
        OldContract.objects.create(
            beneficiary=person,
            pathway=pathway,
            signed_on=datetime.date(2025, month, 1),
            review_on=datetime.date(2025, month + 6, 1),
        )
        for month in (4, 5)
    ]
    return person, interview, twice, contracts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="year 1 BC is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_migrations_repair_dates_and_duplicates_before_adding_the_constraints():
    try:
        person, interview, twice, contracts = _old_rows(_migrate(BEFORE))
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())

    repaired = Interview.objects.get(pk=interview.pk)
    assert repaired.next_appointment_at is None
    assert repaired.occurred_on == datetime.date(1900, 1, 1)
    assert Beneficiary.objects.get(pk=person.pk).birth_date is None
    statuses = dict(
        Prescription.objects.filter(pk__in=[p.pk for p in twice]).values_list("pk", "status")
    )
    assert [statuses[p.pk] for p in twice] == ["abandoned", "in_progress", "abandoned"]
    first, second = (Contract.objects.get(pk=c.pk) for c in contracts)
    assert (first.renews_id, second.renews_id) == (None, first.pk)
