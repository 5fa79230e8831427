"""The nightly job: scheduled by Celery beat, it runs the same retention as
the command."""

from django.conf import settings

from beneficiaries.models import Beneficiary
from privacy.tasks import apply_retention
from tests.privacy.retention.conftest import after_contact, travel


def test_beat_runs_the_retention_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == apply_retention.name == "privacy.apply_retention"
    assert entry["schedule"].hour == {settings.RETENTION_JOB_HOUR}


def test_the_task_anonymises_the_records_due(seen_person):
    with travel(after_contact(731)):
        assert apply_retention.apply().get() == 1
    assert Beneficiary.objects.get(pk=seen_person.pk).anonymised_at is not None
