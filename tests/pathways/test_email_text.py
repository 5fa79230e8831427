"""Emails are plain text: names and labels go out as typed, never as HTML
entities (an apostrophe is not `&#x27;`)."""

import datetime

import pytest

from pathways.notifications import emails_send
from pathways.reminders import scan_deadlines
from tests.pathways.conftest import DAY0

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reminder_email_keeps_the_apostrophe_of_a_first_name(new_applicant, referent, mailoutbox):
    new_applicant(followed_by=referent, first_name="N'Dèye")
    scan_deadlines(today=DAY0 + datetime.timedelta(days=8))

    emails_send()

    (email,) = mailoutbox
    assert "N'Dèye" in email.body
    assert "&#x27;" not in email.body + email.subject
