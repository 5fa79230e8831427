"""Fast bulk data for size tests: many staff and people in a few INSERTs."""

import itertools

from beneficiaries.models import Beneficiary
from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, StaffProfile
from core.models import User

_batch = itertools.count(1)

ROLES = [StaffRole.SOCIOPRO_REFERENT, StaffRole.SOCIAL_WORKER, StaffRole.PE_ADVISOR]


def bulk_staff(*, structure, territory, count):
    batch = next(_batch)
    users = User.objects.bulk_create(
        [
            User(username=f"bulk{batch}-{i}", first_name=f"Prénom{i}", last_name=f"Nom{i:05d}")
            for i in range(count)
        ]
    )
    staff = StaffProfile.objects.bulk_create(
        [
            StaffProfile(user=user, role=ROLES[i % len(ROLES)], structure=structure)
            for i, user in enumerate(users)
        ]
    )
    StaffProfile.territories.through.objects.bulk_create(
        [
            StaffProfile.territories.through(staffprofile_id=s.pk, territory_id=territory.pk)
            for s in staff
        ]
    )
    return staff


def bulk_people(*, territory, staff, count, assigned=True):
    batch = next(_batch)
    people = Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                departement_id=territory.departement_id,
                territory=territory,
                caf_number=f"{batch:03d}{i:07d}"[-10:],
                household_role="demandeur",
                first_name=f"P{i}",
                last_name=f"N{i:06d}",
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    if assigned:
        programmes = list(Programme)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    beneficiary=person,
                    staff=staff[i % len(staff)],
                    programme=programmes[i % len(programmes)],
                )
                for i, person in enumerate(people)
            ],
            batch_size=5000,
        )
    return people
