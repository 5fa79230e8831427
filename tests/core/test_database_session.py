"""PostgreSQL sessions start with `pgtrigger.ignore` set, so that the history
triggers read it without raising and catching an error on every row (which
made bulk writes quadratic), and ignoring a trigger still works."""

import pgtrigger
import pytest
from django.db import connection

from beneficiaries.models import BeneficiaryHistory
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def _setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
        return cursor.fetchone()[0]


def test_a_session_starts_with_no_trigger_ignored():
    assert _setting() == "{}"


def test_an_ignored_trigger_writes_no_history_and_the_next_statement_does():
    with pgtrigger.ignore("beneficiaries.Beneficiary:insert_insert"):
        ignored = BeneficiaryFactory()
    assert _setting() == "{}"
    recorded = BeneficiaryFactory()
    assert not BeneficiaryHistory.objects.filter(pgh_obj=ignored).exists()
    assert BeneficiaryHistory.objects.filter(pgh_obj=recorded, pgh_label="insert").exists()
