"""Shared set-ups of the caseload tests: a territory with its manager and
referents, people created through the real services."""

import datetime

from caseload.models import CapPolicy
from intake.people import beneficiary_create
from tests.caseload.factories import StaffProfileFactory, TerritoryFactory

_counter = iter(range(3_000_000, 9_999_999))


def set_cap(departement, role, programme, cap):
    CapPolicy.objects.update_or_create(
        departement=departement, role=role, programme=programme, defaults={"cap": cap}
    )


def new_applicant(territory, *, days_ago=0, **fields):
    """A new applicant through the real service: pathway pending orientation,
    entry and orientation deadlines, in the unassigned queue."""
    number = next(_counter)
    values = {
        "territory": territory,
        "caf_number": str(number),
        "household_role": "demandeur",
        "first_name": f"Prénom{number}",
        "last_name": f"Nom{number}",
        "rsa_application_date": datetime.date.today() - datetime.timedelta(days=days_ago),
    }
    values.update(fields)
    return beneficiary_create(acting_user=None, departement=territory.departement, **values)


def territory_team(**referent_kwargs):
    """A territory, its manager and one socio-professional referent."""
    territory = TerritoryFactory()
    departement = territory.departement
    manager = StaffProfileFactory(
        manager=True, structure__departement=departement, territories=[territory]
    )
    referent = StaffProfileFactory(
        structure=manager.structure, territories=[territory], **referent_kwargs
    )
    return territory, manager, referent
