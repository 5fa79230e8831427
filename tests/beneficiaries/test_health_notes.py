"""Health notes and the disability recognition (RQTH): written by exactly
those who read them, the nurse and the person's social worker, and traced."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from beneficiaries.enums import AccessAction
from beneficiaries.models import HealthNote, RecordAccessLog
from beneficiaries.services import health_note_create
from tests.beneficiaries.records import HEALTH_NOTE

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTE = "Suivi psychologique au CMP, en cours."
WRITERS = ["nurse", "social_worker"]
OTHERS = ["sociopro_referent", "pe_advisor", "job_consultant", "manager", "admin"]


def url(person):
    return reverse("workspace:health_note_create", args=[person.pk])


@pytest.mark.parametrize("who", WRITERS)
def test_the_nurse_and_the_social_worker_write_a_health_note_with_the_rqth(login, record, who):
    person, staff = record

    response = login(staff[who]).post(
        url(person), {"text": NOTE, "disability_recognised": "on"}, **HTMX
    )

    assert response.status_code == 200
    note = HealthNote.objects.get(text=NOTE)
    assert (note.beneficiary, note.author, note.disability_recognised) == (
        person,
        staff[who].user,
        True,
    )
    html = response.content.decode()
    assert NOTE in html
    assert "Reconnaissance de la qualité de travailleur handicapé (RQTH) :" in html


@pytest.mark.parametrize("who", WRITERS)
def test_writing_a_health_note_is_traced_in_the_access_log(login, record, who):
    person, staff = record

    login(staff[who]).post(url(person), {"text": NOTE}, **HTMX)

    assert RecordAccessLog.objects.filter(
        beneficiary_id=person.pk, user=staff[who].user, action=AccessAction.CHANGE, detail="santé"
    ).exists()


@pytest.mark.parametrize("who", WRITERS)
def test_the_record_offers_the_health_note_form_to_its_writers(login, record, who):
    person, staff = record

    page = login(staff[who]).get(person.get_absolute_url()).content.decode()

    assert url(person) in page


@pytest.mark.parametrize("who", OTHERS)
def test_other_roles_can_neither_open_nor_post_the_health_note_form(login, record, who):
    person, staff = record
    client = login(staff[who])

    assert client.get(url(person), **HTMX).status_code == 403
    assert client.post(url(person), {"text": NOTE}, **HTMX).status_code == 403
    assert not HealthNote.objects.filter(text=NOTE).exists()


@pytest.mark.parametrize("who", OTHERS)
def test_other_roles_read_no_health_note_and_no_link_to_write_one(login, record, who):
    person, staff = record

    page = login(staff[who]).get(person.get_absolute_url()).content.decode()

    assert HEALTH_NOTE not in page
    assert url(person) not in page


@pytest.mark.parametrize("who", OTHERS)
def test_the_service_refuses_a_health_note_from_other_roles(record, who):
    person, staff = record

    with pytest.raises(PermissionDenied):
        health_note_create(acting_user=staff[who].user, beneficiary=person, text=NOTE)


def test_a_social_worker_who_no_longer_follows_the_person_cannot_write_a_health_note(login, record):
    person, staff = record
    assignment = person.assignments.get(staff=staff["social_worker"])
    person.assignments.filter(pk=assignment.pk).update(
        ended_at=assignment.started_at, end_reason="other"
    )

    response = login(staff["social_worker"]).post(url(person), {"text": NOTE}, **HTMX)

    assert response.status_code == 403
