"""`manage.py seed_demo`: a deterministic demo dataset, complete, within the
caps, with one working login per role."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from beneficiaries.models import Barrier, BarrierEvent, Beneficiary, OutreachAttempt
from beneficiaries.validators import validate_nir
from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, Departement, StaffProfile
from caseload.selectors import cap_tables, effective_cap, load_counter_drift, staff_load
from core.models import User
from demo import generator as demo
from pathways.enums import DeadlineKind, Stage
from pathways.models import (
    Contract,
    Deadline,
    Interview,
    OrientationDecision,
    Pathway,
    Prescription,
    StageTransition,
)
from pathways.portfolio import with_portfolio_data
from pathways.services.deadlines import next_deadline_refresh

TODAY = datetime.date(2026, 11, 22)
PEOPLE = 100


def row_counts():
    return (Departement.objects.count(), User.objects.count(), Beneficiary.objects.count())


def seed_demo(*options, beneficiaries=PEOPLE, seed=1):
    out = io.StringIO()
    call_command(
        "seed_demo",
        f"--beneficiaries={beneficiaries}",
        f"--seed={seed}",
        f"--today={TODAY:%Y-%m-%d}",
        *options,
        stdout=out,
    )
    return out.getvalue()


class RolledBack(Exception):
    pass


def snapshot_of_a_seed(**options):
    """Who the seed creates, and how they are followed; the seed is rolled
    back afterwards so that the next one starts from an empty database."""
    try:
        with transaction.atomic():
            seed_demo(**options)
            snapshot = (
                sorted(
                    Beneficiary.objects.values_list(
                        "caf_number",
                        "household_role",
                        "first_name",
                        "last_name",
                        "nir",
                        "birth_date",
                    )
                ),
                sorted(
                    Pathway.objects.values_list(
                        "beneficiary__caf_number",
                        "beneficiary__household_role",
                        "stage",
                        "opened_on",
                    )
                ),
                sorted(
                    Assignment.objects.values_list(
                        "beneficiary__caf_number",
                        "staff__user__username",
                        "programme",
                        "started_at",
                    )
                ),
            )
            raise RolledBack
    except RolledBack:
        return snapshot


def test_the_same_seed_and_day_give_the_same_dataset():
    assert snapshot_of_a_seed(seed=7) == snapshot_of_a_seed(seed=7)


def test_another_seed_gives_other_people():
    people_of_seed_1 = snapshot_of_a_seed(seed=1)[0]
    people_of_seed_2 = snapshot_of_a_seed(seed=2)[0]

    names_1 = {(first, last) for _, _, first, last, _, _ in people_of_seed_1}
    names_2 = {(first, last) for _, _, first, last, _, _ in people_of_seed_2}
    assert len(names_1 & names_2) < len(names_1) / 2


def test_every_role_has_a_working_demo_login_in_the_montargis_area():
    seed_demo()

    for login in demo.DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(demo.DEMO_PASSWORD)
        profile = user.staff_profile
        assert profile.role == login.role
        assert profile.structure.departement.code == "45"
        assert [t.name for t in profile.territories.all()] == ["Agglomération montargoise"]
    assert {login.role for login in demo.DEMO_LOGINS} == set(StaffRole.values)


def test_every_stage_and_programme_is_present():
    seed_demo()

    assert set(Pathway.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Pathway.objects.values_list("programme", flat=True)) == set(Programme.values)


def test_some_open_entry_deadlines_are_overdue():
    seed_demo()

    overdue = Deadline.objects.open().filter(kind=DeadlineKind.ENTRY, due_on__lt=TODAY)
    assert overdue.exists()


def test_each_demo_referent_has_overdue_and_due_soon_entry_deadlines():
    seed_demo()

    for role in (
        StaffRole.SOCIAL_WORKER,
        StaffRole.SOCIOPRO_REFERENT,
        StaffRole.PE_ADVISOR,
        StaffRole.JOB_CONSULTANT,
    ):
        staff = StaffProfile.objects.get(user__username=demo.DEMO_USERNAME[role])
        open_entries = [
            person.entry_due_on
            for person in with_portfolio_data(Beneficiary.objects.followed_by(staff), staff.pk)
            if person.entry_met_on is None and person.entry_due_on is not None
        ]
        assert any(due < TODAY for due in open_entries), role
        assert any(TODAY <= due <= TODAY + datetime.timedelta(days=3) for due in open_entries), role


def test_the_demo_social_worker_and_advisor_follow_people_through_their_binome():
    seed_demo()

    for role in (StaffRole.SOCIAL_WORKER, StaffRole.PE_ADVISOR):
        staff = StaffProfile.objects.get(user__username=demo.DEMO_USERNAME[role])
        portfolio = with_portfolio_data(Beneficiary.objects.followed_by(staff), staff.pk)
        assert any(person.via_binome for person in portfolio), role


def test_no_staff_member_exceeds_their_effective_cap():
    seed_demo(beneficiaries=150)

    caps = cap_tables(Departement.objects.values_list("pk", flat=True))
    for staff in StaffProfile.objects.select_related("structure", "user").with_load_counts():
        table = caps[staff.structure.departement_id]
        for programme in Programme.values:
            cap = effective_cap(table.get((staff.role, programme)), staff.part_time_ratio)
            load = getattr(staff, f"load_{programme}")
            assert cap is None or load <= cap, (staff.user.username, programme, load, cap)
        total, cap = staff_load(staff)
        assert cap is None or total <= cap, (staff.user.username, total, cap)


def test_the_stored_loads_match_the_seeded_assignments():
    seed_demo()

    assert Assignment.objects.active().exists()
    assert load_counter_drift() == []


def test_next_deadlines_match_what_the_deadline_services_compute():
    seed_demo()
    seeded = dict(Beneficiary.objects.values_list("pk", "next_deadline_on"))

    next_deadline_refresh(beneficiary_ids=list(seeded))

    assert dict(Beneficiary.objects.values_list("pk", "next_deadline_on")) == seeded
    assert any(seeded.values())


def test_nirs_have_valid_keys_matching_civility_and_birth_date():
    seed_demo()

    people = Beneficiary.objects.exclude(nir="")
    assert people.exists()
    assert Beneficiary.objects.filter(nir="").exists()
    for person in people:
        validate_nir(person.nir)
        assert person.nir[0] == ("2" if person.civility == "mme" else "1")
        assert person.nir[1:5] == f"{person.birth_date:%y%m}"


VALIDATED_MODELS = [
    Beneficiary,
    Barrier,
    BarrierEvent,
    OutreachAttempt,
    Pathway,
    StageTransition,
    OrientationDecision,
    Deadline,
    Interview,
    Prescription,
    Contract,
    Assignment,
]


def test_seeded_rows_pass_field_validation():
    """Rows are written in bulk without validation: the builder must respect
    choices, lengths and validators (constraints are checked by the database)."""
    seed_demo()

    for model in VALIDATED_MODELS:
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.clean_fields(exclude=relations)


def test_a_failure_while_writing_people_leaves_nothing_behind(monkeypatch):
    write = demo.insert_rows

    def failing_on_contracts(model, rows, *args):
        if model is Contract:
            raise RuntimeError("disque plein")
        write(model, rows, *args)

    # Patched where `Rows.save` looks it up.
    monkeypatch.setattr(demo.writer, "insert_rows", failing_on_contracts)
    before = row_counts()

    with pytest.raises(RuntimeError, match="disque plein"):
        seed_demo()

    assert row_counts() == before


def test_if_empty_creates_nothing_on_a_seeded_database_and_shows_the_logins():
    seed_demo()
    before = row_counts()

    out = seed_demo("--if-empty", seed=2)

    assert row_counts() == before
    assert "rien n'a été créé" in out
    assert "travailleur.social" in out
    assert demo.DEMO_PASSWORD in out


def test_seeding_a_database_that_has_data_without_if_empty_is_refused():
    seed_demo()

    with pytest.raises(CommandError, match="déjà"):
        seed_demo(seed=2)


def test_logins_only_creates_nothing():
    before = row_counts()

    out = seed_demo("--logins-only")

    assert row_counts() == before
    for login in demo.DEMO_LOGINS:
        assert login.username in out
    assert "compte absent" in out


def test_the_demo_referents_have_filled_agendas():
    import time_machine
    from django.db.models import Count, Q

    from appointments.enums import AppointmentStatus, Attendance
    from appointments.models import Appointment, NoShowFlag, Slot

    noon = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        seed_demo()

    for login in demo.DEMO_LOGINS:
        if login.role not in StaffRole.referent_roles():
            continue
        slots = Slot.objects.filter(referent__user__username=login.username)
        assert (
            slots.filter(starts_at__lt=noon).exists() and slots.filter(starts_at__gt=noon).exists()
        )
        appointments = Appointment.objects.filter(slot__in=slots)
        attended = set(appointments.values_list("attendance", flat=True))
        assert {Attendance.SEEN, Attendance.NO_SHOW} <= attended, login.username
        assert appointments.filter(
            status__in=AppointmentStatus.active(), slot__starts_at__gt=noon
        ).exists()
    assert NoShowFlag.objects.filter(closed_at__isnull=True).exists()
    counted = Slot.objects.annotate(
        taken=Count("appointments", filter=~Q(appointments__status=AppointmentStatus.CANCELLED))
    )
    assert all(slot.booked_count == slot.taken <= slot.capacity for slot in counted)


def test_a_larger_dataset_spreads_over_more_departements_of_the_same_shape():
    from caseload.models import Territory

    demo.seed_demo(beneficiaries=300, seed=1, today=TODAY, people_per_shape=100)

    assert Departement.objects.count() == 9
    assert Territory.objects.count() == 18
    people_per_territory = Beneficiary.objects.values("territory").annotate(n=Count("pk"))
    assert len(people_per_territory) == 18
    # The Aube's shape keeps a binôme in each of its territories.
    aube_shaped = Territory.objects.filter(departement__code__in=["10", "02", "05"])
    with_binome = aube_shaped.filter(staff__binomes_as_social_worker__isnull=False).distinct()
    assert aube_shaped.count() == with_binome.count() == 6
    assert load_counter_drift() == []


def test_the_first_200_000_people_stay_in_the_three_departements_of_the_sources():
    from demo.generator.reference import geography

    assert [code for code, *_ in geography(199_999).departements] == ["45", "10", "35"]
    assert len(geography(200_000).departements) == 6


def test_a_dataset_larger_than_the_departements_list_is_refused_with_a_message():
    with pytest.raises(CommandError, match="Au plus 2 199 999 bénéficiaires"):
        seed_demo(beneficiaries=2_200_000)
    assert Departement.objects.count() == 0
