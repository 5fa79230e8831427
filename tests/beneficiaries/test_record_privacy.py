"""What a record page shows to whom: the NIR, health notes, and the access log."""

import datetime

import pytest
from django.db import ProgrammingError, transaction
from django.utils import timezone

from beneficiaries.enums import AccessAction
from beneficiaries.models import RecordAccessLog
from tests.beneficiaries.records import HEALTH_NOTE, REFERENT_TRAITS
from tests.caseload.factories import (
    StaffProfileFactory,
)


def record_page(login, record, who):
    person, staff = record
    response = login(staff[who]).get(person.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", REFERENT_TRAITS)
def test_a_referent_sees_the_nir_masked(login, record, who):
    page = record_page(login, record, who)

    assert record[0].nir not in page
    assert 'aria-label="NIR masqué"' in page


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_and_admins_see_the_nir_in_clear(login, record, who):
    page = record_page(login, record, who)

    assert record[0].nir in page
    assert "NIR masqué" not in page


@pytest.mark.parametrize("who", ["nurse", "social_worker"])
def test_the_nurse_and_the_social_worker_following_the_person_see_health_notes(login, record, who):
    assert HEALTH_NOTE in record_page(login, record, who)


@pytest.mark.parametrize(
    "who", ["sociopro_referent", "pe_advisor", "job_consultant", "manager", "admin"]
)
def test_other_roles_never_see_health_notes(login, record, who):
    page = record_page(login, record, who)

    assert HEALTH_NOTE not in page
    assert "Santé (confidentiel)" not in page


def test_a_social_worker_whose_follow_up_just_ended_reads_the_record_without_health_notes(
    login, record
):
    person, staff = record
    person.assignments.filter(staff=staff["social_worker"]).update(
        ended_at=person.assignments.get(staff=staff["social_worker"]).started_at,
        end_reason="other",
    )

    response = login(staff["social_worker"]).get(person.get_absolute_url())

    assert response.status_code == 200
    assert HEALTH_NOTE not in response.content.decode()


def test_a_social_worker_whose_follow_up_ended_long_ago_cannot_open_the_record(login, record):
    person, staff = record
    long_ago = timezone.now() - datetime.timedelta(days=60)
    person.assignments.filter(staff=staff["social_worker"]).update(
        started_at=long_ago, ended_at=long_ago, end_reason="other"
    )

    response = login(staff["social_worker"]).get(person.get_absolute_url())

    assert response.status_code == 404
    assert HEALTH_NOTE not in response.content.decode()


def test_reading_a_record_writes_one_access_log_row(login, record):
    person, staff = record

    login(staff["nurse"]).get(person.get_absolute_url())

    log = RecordAccessLog.objects.get()
    assert (log.beneficiary_id, log.user_id, log.action, log.detail) == (
        person.pk,
        staff["nurse"].user_id,
        AccessAction.READ,
        "fiche",
    )


def test_a_refused_record_read_writes_no_access_log(login, record):
    person, _ = record
    outsider = StaffProfileFactory()

    login(outsider).get(person.get_absolute_url())

    assert not RecordAccessLog.objects.exists()


@pytest.fixture
def access_log(login, record):
    person, staff = record
    login(staff["manager"]).get(person.get_absolute_url())
    return RecordAccessLog.objects.get()


def test_the_access_log_refuses_updates_at_the_database(access_log):
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        RecordAccessLog.objects.filter(pk=access_log.pk).update(detail="effacé")

    access_log.refresh_from_db()
    assert access_log.detail == "fiche"


def test_the_access_log_refuses_saving_a_changed_row(access_log):
    access_log.user_id = access_log.user_id + 1

    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        access_log.save()


def test_the_access_log_refuses_deletes_at_the_database(access_log):
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        access_log.delete()

    assert RecordAccessLog.objects.filter(pk=access_log.pk).exists()
