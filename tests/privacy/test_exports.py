"""Files made with personal data, downloaded through expiring links: their
owner only, 48 hours, then deleted by the beat's purge."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from beneficiaries.enums import AccessAction
from beneficiaries.models import RecordAccessLog
from privacy.enums import ExportKind
from privacy.exports import export_file_create, exports_purge_expired, purge_expired_exports
from privacy.models import ExportFile
from privacy.subject_access import subject_access_export


def _file(owner, **kwargs):
    return export_file_create(
        owner=owner.user,
        kind=ExportKind.SUBJECT_ACCESS_JSON,
        content=b'{"cle": "valeur"}',
        filename="droit-d-acces-personne-1-20260101.json",
        content_type="application/json",
        **kwargs,
    )


def test_a_link_expires_48_hours_after_the_file_was_made(admin):
    export = _file(admin)
    assert settings.EXPORT_LINK_VALIDITY_HOURS == 48
    assert export.expires_at - export.created_at == datetime.timedelta(hours=48)


def test_the_stored_file_and_the_link_name_no_one(admin, person):
    pdf, data = subject_access_export(acting_user=admin.user, person=person)
    for export in (pdf, data):
        url = reverse("privacy:export_download", args=[export.pk])
        for text in (url, export.file.name, export.filename):
            assert person.last_name not in text
            assert person.caf_number not in text
        assert export.file.name == f"{export.pk}{export.extension}"


def test_the_owner_downloads_the_file(login, admin):
    export = _file(admin)
    response = login(admin).get(reverse("privacy:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response.content == b'{"cle": "valeur"}'
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    export.refresh_from_db()
    assert export.downloaded_at is not None


def test_downloading_a_persons_export_is_traced_in_their_log(login, admin, person):
    pdf, _data = subject_access_export(acting_user=admin.user, person=person)
    login(admin).get(reverse("privacy:export_download", args=[pdf.pk]))
    assert RecordAccessLog.objects.filter(
        beneficiary=person, action=AccessAction.EXPORT, detail__startswith="téléchargement"
    ).exists()


@pytest.mark.parametrize("who", ["manager", "referent", "other_admin"])
def test_anyone_else_gets_a_404(login, admin, manager, referent, who):
    export = _file(admin)
    other = {"manager": manager, "referent": referent}.get(who)
    if other is None:
        from tests.caseload.factories import StaffProfileFactory

        other = StaffProfileFactory(
            admin=True, structure__departement=admin.structure.departement, territories=[]
        )
    response = login(other).get(reverse("privacy:export_download", args=[export.pk]))
    assert response.status_code == 404
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_a_link_is_refused_in_french_after_48_hours(login, admin):
    export = _file(admin)
    url = reverse("privacy:export_download", args=[export.pk])
    with time_machine.travel(export.created_at + datetime.timedelta(hours=47, minutes=59)):
        response = login(admin).get(url)
        assert response.status_code == 200
    with time_machine.travel(export.created_at + datetime.timedelta(hours=48, seconds=1)):
        response = login(admin).get(url)
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()


def test_the_purge_deletes_expired_files_and_rows_only(admin):
    old = _file(admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24)):
        recent = _file(admin)
    storage = storages["exports"]
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=49)):
        assert exports_purge_expired() == 1
    assert not storage.exists(old.file.name)
    assert not ExportFile.objects.filter(pk=old.pk).exists()
    assert storage.exists(recent.file.name)
    assert ExportFile.objects.filter(pk=recent.pk).exists()


def test_the_purge_before_expiry_deletes_nothing(admin):
    export = _file(admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=47)):
        assert purge_expired_exports() == 0
    assert storages["exports"].exists(export.file.name)


def test_the_purge_deletes_a_file_left_without_its_row(admin):
    export = _file(admin)
    name = export.file.name
    ExportFile.objects.filter(pk=export.pk).delete()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=49)):
        exports_purge_expired()
    assert not storages["exports"].exists(name)


def test_the_purge_runs_on_the_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-exports"]
    assert entry["task"] == purge_expired_exports.name


def test_the_exports_page_lists_the_users_files_with_their_expiry(login, admin, manager):
    mine = _file(admin)
    _file(manager)
    page = login(admin).get(reverse("privacy:exports")).content.decode()
    assert reverse("privacy:export_download", args=[mine.pk]) in page
    assert timezone.localtime(mine.expires_at).strftime("%d/%m/%Y %H:%M") in page
    assert page.count("droit-d-acces-personne-1-20260101.json") == 1


def test_an_expired_file_is_listed_without_its_link(login, admin):
    export = _file(admin)
    with time_machine.travel(export.expires_at + datetime.timedelta(hours=1)):
        page = login(admin).get(reverse("privacy:exports")).content.decode()
    assert reverse("privacy:export_download", args=[export.pk]) not in page
    assert "expiré" in page


@pytest.mark.parametrize("files", [1, 8])
def test_the_exports_page_takes_the_same_queries_at_any_size(
    login, admin, person, files, django_assert_num_queries
):
    for _number in range(files):
        _file(admin, beneficiary=person)
    client = login(admin)
    # session, user, the verified second factor, scope, the files with their person.
    with django_assert_num_queries(5):
        assert client.get(reverse("privacy:exports")).status_code == 200


def test_the_download_takes_a_fixed_number_of_queries(
    login, admin, person, django_assert_num_queries
):
    pdf, _data = subject_access_export(acting_user=admin.user, person=person)
    client = login(admin)
    # session, user, second factor, the file, its first download, the access row.
    with django_assert_num_queries(6):
        client.get(reverse("privacy:export_download", args=[pdf.pk]))
