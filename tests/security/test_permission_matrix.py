"""The permission table of docs/security.md, checked: every URL pattern of
the URLConf (admin included) is requested by every role, and the answer is
the one the table says. A URL pattern missing from the table fails, with the
row to add.

Every role is a staff member of Département A, territory "Montargis" (one
login per role). The URLs' arguments point at real objects of *another*
territory of Département A ("Gien") or of Département B, named in the
table's "objects" column (the keys of `OBJECTS` below), so that "scoped"
cells prove the 404 of an object outside the user's scope.

Run: `.venv/bin/pytest tests/security -q`. To see every answer of one role:
`MATRIX_SHOW=1 .venv/bin/pytest tests/security/test_permission_matrix.py -k manager -s`.
"""

import datetime
import os

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django_otp import DEVICE_ID_SESSION_KEY

from appointments.enums import Channel, MessageKind
from appointments.links import appointment_token
from appointments.models import Appointment, Message, NoShowFlag
from beneficiaries.models import Beneficiary, Tag
from caseload.models import CapPolicy, ReferentChangeRequest
from caseload.services import admin_group, assignment_create
from core.models import User
from intake.enums import ImportPhase, IssueSeverity
from intake.models import ApplicantImport, ColumnMapping, ImportRowIssue
from pathways.enums import DeadlineKind, NotificationKind
from pathways.models import DeadlinePolicy, Notification
from privacy.enums import ExportKind, RestrictionKind
from privacy.exports import export_file_create
from privacy.models import Restriction
from tests.appointments.factories import SlotFactory
from tests.caseload.factories import (
    BinomeFactory,
    CommuneFactory,
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.caseload.helpers import new_applicant
from tests.pathways.factories import InterviewFactory, PrescriptionFactory, ServiceOfferFactory
from tests.security.matrix import DOC, ROLES, read_table, template_row, url_patterns
from tests.two_factor import needs_second_factor


def _build():
    """The objects the URLs point at, and one user per role. Returns
    (objects: {key: value for the URL}, users: {role: user or None})."""
    dep_a = DepartementFactory(name="Loiret")
    home = TerritoryFactory(departement=dep_a, name="Montargis")
    gien = TerritoryFactory(departement=dep_a, name="Gien")
    structure = StructureFactory(departement=dep_a)

    users = {"anonymous": None}
    for role in ROLES[1:-1]:
        traits = {} if role == "sociopro_referent" else {role: True}
        users[role] = StaffProfileFactory(
            structure=structure, territories=[] if role == "admin" else [home], **traits
        ).user
    # A Département admin holds the admin group's model permissions, as
    # `caseload.services.staff_create` gives them.
    users["admin"].groups.add(admin_group())
    users["operator"] = UserFactory(is_superuser=True, is_staff=True)

    # Gien: a referent, a person they follow, with their record's objects.
    gien_referent = StaffProfileFactory(structure=structure, territories=[gien])
    person = new_applicant(gien)
    assignment = assignment_create(beneficiary=person, staff=gien_referent, acting_user=None)
    binome = BinomeFactory(
        pe_advisor=StaffProfileFactory(pe_advisor=True, structure=structure, territories=[gien]),
        social_worker=StaffProfileFactory(
            social_worker=True, structure=structure, territories=[gien]
        ),
    )
    change_request = ReferentChangeRequest.objects.create(
        beneficiary=person, requested_by=gien_referent.user, reason="Étape suivante"
    )
    offer = ServiceOfferFactory(departement=dep_a)
    notification = Notification.objects.create(
        recipient=gien_referent.user,
        kind=NotificationKind.REMINDER,
        beneficiary=person,
        deadline_kind=DeadlineKind.ENTRY,
        due_on=datetime.date.today(),
    )

    # Gien's person has an appointment on their referent's slot, a message
    # and a no-show flag; their signed link is the token of the person's page.
    slot = SlotFactory(referent=gien_referent)
    appointment = Appointment.objects.create(beneficiary=person, slot=slot)

    # Département B: its admin objects and an import.
    dep_b = DepartementFactory(name="Aube")
    territory_b = TerritoryFactory(departement=dep_b, name="Troyes")
    staff_b = StaffProfileFactory(structure__departement=dep_b, territories=[territory_b])
    binome_b = BinomeFactory(
        pe_advisor=StaffProfileFactory(
            pe_advisor=True, structure__departement=dep_b, territories=[territory_b]
        ),
        social_worker=StaffProfileFactory(
            social_worker=True, structure=staff_b.structure, territories=[territory_b]
        ),
    )
    applicant_import = ApplicantImport.objects.create(
        departement=dep_b,
        token="matrice",
        file_name="entrants.csv",
        file_kind="csv",
        created_by=staff_b.user,
    )
    deadline_policy, _created = DeadlinePolicy.objects.get_or_create(departement=dep_b)
    person_b = new_applicant(territory_b)
    slot_b = SlotFactory(referent=staff_b)
    appointment_b = Appointment.objects.create(beneficiary=person_b, slot=slot_b)
    objects = {
        "person": person.pk,
        "assignment": assignment.pk,
        "staff": gien_referent.pk,
        "binome": binome.pk,
        "request": change_request.pk,
        "offer": offer.pk,
        "interview": InterviewFactory(beneficiary=person).pk,
        "prescription": PrescriptionFactory(beneficiary=person, offer=offer).pk,
        "notification": notification.pk,
        "restriction": Restriction.objects.create(
            beneficiary=person,
            kind=RestrictionKind.RESTRICTION,
            reason="Matrice",
            requested_on=datetime.date.today(),
            recorded_by=gien_referent.user,
        ).pk,
        "export_b": export_file_create(
            owner=staff_b.user,
            kind=ExportKind.SUBJECT_ACCESS_JSON,
            content=b"{}",
            filename="matrice.json",
            content_type="application/json",
        ).pk,
        "appointment": appointment.pk,
        "token": appointment_token(appointment),
        "no_show": NoShowFlag.objects.create(beneficiary=person).pk,
        "place_b": slot_b.place_id,
        "tag_b": Tag.objects.create(departement=dep_b, name="Matrice", key="matrice").pk,
        "slot_b": slot_b.pk,
        "appointment_b": appointment_b.pk,
        "message_b": Message.objects.create(
            beneficiary=person_b,
            appointment=appointment_b,
            kind=MessageKind.CONVOCATION,
            channel=Channel.SMS,
            idempotency_key="matrice",
        ).pk,
        "no_show_b": NoShowFlag.objects.create(beneficiary=person_b).pk,
        "import_b": applicant_import.pk,
        "issue_b": ImportRowIssue.objects.create(
            applicant_import=applicant_import,
            phase=ImportPhase.DRY_RUN,
            severity=IssueSeverity.ERROR,
            line_number=2,
        ).pk,
        "mapping_b": ColumnMapping.objects.create(departement=dep_b, name="Matrice").pk,
        "departement_b": dep_b.pk,
        "territory_b": territory_b.pk,
        "commune_b": CommuneFactory(territory=territory_b).pk,
        "structure_b": staff_b.structure_id,
        "staff_b": staff_b.pk,
        "user_b": staff_b.user_id,
        "binome_b": binome_b.pk,
        "cap_policy_b": CapPolicy.objects.filter(departement=dep_b).first().pk,
        "offer_b": ServiceOfferFactory(departement=dep_b).pk,
        "deadline_policy_b": deadline_policy.pk,
        "group": Group.objects.get_or_create(name="Matrice")[0].pk,
        "person_type": ContentType.objects.get_for_model(Beneficiary).pk,
        "user_type": ContentType.objects.get_for_model(User).pk,
    }
    return {key: str(value) for key, value in objects.items()}, users


def _url(route, kwargs):
    """The route with its arguments filled in (path converters and the
    admin's regex groups alike)."""
    import re

    def value(match):
        name = match.group(1) or match.group(2)
        return kwargs[name]

    url = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", value, route)
    return "/" + url.replace("^", "").replace("$", "").replace("\\", "")


def _fill(row, objects):
    kwargs = {}
    for kwarg, key in row.objects.items():
        kwargs[kwarg] = objects.get(key, key)
    return _url(row.route, kwargs)


def test_every_url_pattern_is_in_the_table():
    table = read_table()
    routes = {route: name for route, name, _p in url_patterns()}
    missing = [template_row(route, name) for route, name in routes.items() if route not in table]
    stale = [f"line {row.line}: `{route}`" for route, row in table.items() if route not in routes]
    assert not missing, (
        f"URL patterns missing from the permission table of docs/{DOC.name}; add these rows "
        "(fill in the method, the objects and each role's outcome):\n" + "\n".join(missing)
    )
    assert not stale, (
        f"Rows of docs/{DOC.name} for URL patterns that no longer exist:\n" + "\n".join(stale)
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(client, role):
    table = read_table()
    objects, users = _build()
    user = users[role]

    def log_in():
        if user is not None:
            client.force_login(user)
            # Managers, admins and operators have passed the second factor
            # (tests/conftest.py): the table is what a fully logged-in user gets.
            if needs_second_factor(user):
                assert DEVICE_ID_SESSION_KEY in client.session

    log_in()
    wrong = []
    shown = []
    for route, row in table.items():
        url = _fill(row, objects)
        expected = row.cells[role]
        response = client.post(url) if row.method == "POST" else client.get(url)
        got = f"{response.status_code} {response.get('Location', '')}".strip()
        shown.append(f"{row.method} {url}: {got}")
        if not expected.matches(response):
            wrong.append(
                f"line {row.line} `{route}` ({row.method} {url}): "
                f"table says {expected.text!r}, got {got}"
            )
        if "logout" in row.name or "logout" in route or "deconnexion" in route:
            log_in()
    if os.environ.get("MATRIX_SHOW"):
        print("\n".join(shown))
    assert not wrong, f"{role}: answers differ from docs/{DOC.name}:\n" + "\n".join(wrong)
