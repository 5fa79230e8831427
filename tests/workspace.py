"""Shared set-up of the referent workspace tests: people created through the
real services, as users would."""

import datetime

from intake.people import beneficiary_create
from tests.caseload.factories import AssignmentFactory, CommuneFactory, StaffProfileFactory
from tests.pathways.factories import ServiceOfferFactory


def person_followed_by(staff, *, days_ago=0, **fields):
    territory = staff.territories.first()
    values = {
        "household_role": "demandeur",
        "first_name": "Inès",
        "last_name": "Martin",
        "rsa_application_date": datetime.date.today() - datetime.timedelta(days=days_ago),
        "territory": territory,
    }
    values.update(fields)
    values.setdefault("caf_number", str(3000000 + person_followed_by.counter))
    person_followed_by.counter += 1
    person = beneficiary_create(acting_user=None, departement=staff.structure.departement, **values)
    AssignmentFactory(beneficiary=person, staff=staff)
    return person


person_followed_by.counter = 0


def referent(**kwargs):
    return StaffProfileFactory(**kwargs)


def commune_of(staff, name):
    return CommuneFactory(territory=staff.territories.first(), name=name)


def offer_for(staff, **kwargs):
    kwargs.setdefault("title", "Atelier CV")
    return ServiceOfferFactory(
        departement=staff.structure.departement, territory=staff.territories.first(), **kwargs
    )
