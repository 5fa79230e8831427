import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from pathways.deadlines import (
    add_days,
    default_policy,
    due_date,
    is_working_day,
    reminder_schedule,
)
from pathways.enums import DeadlineKind, ReminderStatus
from pathways.models import Deadline, DeadlinePolicy, DeadlineReminder
from pathways.policies import policy_for
from pathways.services.deadlines import deadline_meet, deadlines_recompute
from tests.pathways.conftest import DAY0


def _steps(deadline):
    return dict(deadline.reminders.order_by("send_on").values_list("step", "send_on"))


def test_a_new_applicant_gets_the_15_day_deadline_and_its_reminder_steps(new_applicant):
    person = new_applicant()

    entry = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ENTRY)
    assert entry.due_on == DAY0 + datetime.timedelta(days=15)
    day = lambda n: DAY0 + datetime.timedelta(days=n)  # noqa: E731
    assert _steps(entry) == {
        "unassigned": day(0),
        "before_7": day(8),
        "before_3": day(12),
        "before_1": day(14),
        "escalation": day(16),
    }
    orientation = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ORIENTATION)
    assert orientation.due_on == day(42)
    assert "unassigned" not in _steps(orientation)  # orientation reminders go to managers


def test_working_days_skip_weekends_and_french_public_holidays():
    policy = default_policy().__class__(**{**default_policy().__dict__, "working_days": True})

    # Friday 1 May 2026 (Fête du travail) and Friday 8 May (Victoire 1945).
    assert not is_working_day(datetime.date(2026, 5, 1))
    assert add_days(datetime.date(2026, 4, 30), 1, policy) == datetime.date(2026, 5, 4)
    assert add_days(datetime.date(2026, 5, 4), -1, policy) == datetime.date(2026, 4, 30)
    # 15 working days from Monday 27 April 2026: 1, 8 and 14 May (Ascension) are off.
    assert due_date(DeadlineKind.ENTRY, datetime.date(2026, 4, 27), policy) == datetime.date(
        2026, 5, 21
    )


def test_alsace_moselle_has_its_own_holidays(territory):
    # 26 December (Saint-Étienne) is off in Moselle only.
    assert is_working_day(datetime.date(2025, 12, 26))
    assert not is_working_day(datetime.date(2025, 12, 26), "57")


def test_a_departement_policy_overrides_the_global_one(territory):
    DeadlinePolicy.objects.create(departement=None, entry_delay_days=20)
    assert policy_for(territory.departement_id).entry_delay_days == 20
    DeadlinePolicy.objects.create(departement=territory.departement, entry_delay_days=10)
    assert policy_for(territory.departement_id).entry_delay_days == 10


def test_one_policy_per_departement_and_one_global(territory):
    DeadlinePolicy.objects.create(departement=None)
    with pytest.raises(IntegrityError):
        DeadlinePolicy.objects.create(departement=None)


def test_reminder_days_are_validated():
    policy = DeadlinePolicy(reminder_days_before="7, trois")
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "reminder_days_before" in error.value.message_dict


def test_reminders_before_the_reference_date_go_out_on_it():
    schedule = dict(
        reminder_schedule(
            kind=DeadlineKind.ENTRY,
            reference_date=DAY0,
            due_on=DAY0 + datetime.timedelta(days=2),
            policy=default_policy(),
        )
    )
    assert schedule["before_7"] == DAY0
    assert schedule["before_1"] == DAY0 + datetime.timedelta(days=1)


def test_changing_the_delay_recomputes_open_deadlines_only(new_applicant, referent, territory):
    open_one = new_applicant(followed_by=referent)
    met_one = new_applicant(followed_by=referent)
    entry_of = lambda p: Deadline.objects.get(  # noqa: E731
        pathway__beneficiary=p, kind=DeadlineKind.ENTRY
    )
    deadline_meet(pathway=entry_of(met_one).pathway, kind=DeadlineKind.ENTRY, on=DAY0)
    # One step of the open deadline already went out: it is never sent again.
    entry_of(open_one).reminders.filter(step="unassigned").update(
        status=ReminderStatus.SKIPPED, processed_at=datetime.datetime.now(datetime.UTC)
    )

    DeadlinePolicy.objects.create(
        departement=territory.departement, entry_delay_days=20, reminder_days_before="10, 2"
    )
    changed = deadlines_recompute(departement_id=territory.departement_id)

    day = lambda n: DAY0 + datetime.timedelta(days=n)  # noqa: E731
    assert changed == 1  # the open entry deadline; the orientation delay did not change
    assert entry_of(open_one).due_on == day(20)
    assert _steps(entry_of(open_one)) == {
        "unassigned": day(0),
        "before_10": day(10),
        "before_2": day(18),
        "escalation": day(21),
    }
    assert entry_of(open_one).reminders.get(step="unassigned").status == ReminderStatus.SKIPPED
    met = entry_of(met_one)
    assert met.due_on == day(15)
    assert not met.reminders.filter(status=ReminderStatus.PENDING).exists()
    assert set(met.reminders.values_list("step", flat=True)) == {
        "unassigned",
        "before_7",
        "before_3",
        "before_1",
        "escalation",
    }


def test_the_global_policy_leaves_departements_with_their_own_alone(new_applicant, territory):
    person = new_applicant()
    DeadlinePolicy.objects.create(departement=territory.departement, entry_delay_days=15)
    DeadlinePolicy.objects.create(departement=None, entry_delay_days=30)

    assert deadlines_recompute(departement_id=None) == 0
    assert DeadlineReminder.objects.filter(deadline__pathway__beneficiary=person).count() == 9


def test_saving_a_policy_in_the_admin_recomputes_after_the_commit(
    client, territory, django_capture_on_commit_callbacks
):
    from tests.caseload.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/pathways/deadlinepolicy/add/",
            {
                "departement": territory.departement_id,
                "entry_delay_days": 20,
                "orientation_delay_days": 42,
                "contract_delay_months": 1,
                "social_review_delay_months": 12,
                "reminder_days_before": "7, 3, 1",
                "escalation_days_after": 1,
            },
        )

    assert response.status_code == 302
    assert DeadlinePolicy.objects.get().entry_delay_days == 20
    assert len(callbacks) == 1  # recompute_deadlines.delay(departement_id)


def test_a_departement_admin_cannot_set_the_global_policy(login, territory):
    from tests.caseload.factories import StaffProfileFactory

    admin = StaffProfileFactory(admin=True, structure__departement=territory.departement)
    response = login(admin).post(
        "/admin/pathways/deadlinepolicy/add/",
        {
            "departement": "",
            "entry_delay_days": 20,
            "orientation_delay_days": 42,
            "contract_delay_months": 1,
            "social_review_delay_months": 12,
            "reminder_days_before": "7, 3, 1",
            "escalation_days_after": 1,
        },
    )

    assert response.status_code in (200, 403)
    assert not DeadlinePolicy.objects.exists()


def test_the_policy_admin_pages_render(admin_client, territory):
    DeadlinePolicy.objects.create(departement=territory.departement)

    assert admin_client.get("/admin/pathways/deadlinepolicy/").status_code == 200
    assert admin_client.get("/admin/pathways/deadlinepolicy/add/").status_code == 200


def test_the_social_review_falls_twelve_months_after_its_reference_date():
    assert due_date(DeadlineKind.SOCIAL_REVIEW, datetime.date(2026, 3, 2)) == datetime.date(
        2027, 3, 2
    )


def test_the_contract_deadline_falls_one_month_after_the_orientation():
    assert due_date(DeadlineKind.CONTRACT, datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
