"""The one way in: a person typed in and a person imported are written by the
same code, so the same input gives the same rows."""

import datetime

import pytest
from django.forms.models import model_to_dict

from beneficiaries.models import Beneficiary, RecordAccessLog
from intake.people import beneficiaries_create_bulk, beneficiary_create
from pathways.models import Deadline, DeadlineReminder, Pathway, StageTransition
from tests.caseload.factories import CommuneFactory, StaffProfileFactory

# Columns that differ between two people by construction (keys, times of writing).
IGNORED = {
    "id",
    "caf_number",
    "created_at",
    "updated_at",
    "occurred_at",
    "at",
    "beneficiary",
    "pathway",
    "deadline",
}


@pytest.fixture
def admin():
    return StaffProfileFactory(admin=True, territories=[])


def person_values(commune, caf_number):
    return {
        "caf_number": caf_number,
        "household_role": "demandeur",
        "last_name": "Martin",
        "first_name": "Léa",
        "civility": "mme",
        "birth_date": datetime.date(1990, 5, 17),
        "commune_id": commune.pk,
        "territory_id": commune.territory_id,
        "phone": "0612345678",
        "rsa_application_date": datetime.date(2026, 11, 2),
        "rights_opening_date": datetime.date(2026, 10, 28),
    }


def written_rows(person):
    """Every row the intake wrote for a person, without the columns that
    differ by construction, in a stable order."""

    def rows(queryset):
        return sorted(
            ({k: v for k, v in model_to_dict(obj).items() if k not in IGNORED} for obj in queryset),
            key=repr,
        )

    return {
        "person": rows(Beneficiary.objects.filter(pk=person.pk)),
        "pathways": rows(Pathway.objects.filter(beneficiary=person)),
        "transitions": rows(StageTransition.objects.filter(pathway__beneficiary=person)),
        "deadlines": rows(Deadline.objects.filter(pathway__beneficiary=person)),
        "reminders": rows(DeadlineReminder.objects.filter(deadline__pathway__beneficiary=person)),
        "access": sorted(
            RecordAccessLog.objects.filter(beneficiary_id=person.pk).values_list(
                "user_id", "action", "detail"
            )
        ),
    }


def test_a_person_typed_in_and_a_person_imported_are_written_with_the_same_rows(admin):
    departement = admin.structure.departement
    commune = CommuneFactory(territory__departement=departement)
    typed = beneficiary_create(
        acting_user=admin.user,
        departement=departement,
        detail="import",
        **person_values(commune, "1111111"),
    )
    (imported_id,) = beneficiaries_create_bulk(
        acting_user=admin.user,
        departement=departement,
        people=[person_values(commune, "2222222")],
        detail="import",
    )
    imported = Beneficiary.objects.get(pk=imported_id)

    typed_rows, imported_rows = written_rows(typed), written_rows(imported)
    assert typed_rows == imported_rows
    # The comparison holds on something: every kind of row was written.
    assert all(typed_rows.values()), typed_rows


def test_a_person_typed_in_gets_the_next_deadline_the_portfolio_sorts_on(admin):
    departement = admin.structure.departement
    commune = CommuneFactory(territory__departement=departement)

    person = beneficiary_create(
        acting_user=admin.user, departement=departement, **person_values(commune, "3333333")
    )

    entry = Deadline.objects.get(pathway__beneficiary=person, kind="entry")
    assert person.next_deadline_on == entry.due_on
