import datetime

from pathways.enums import DeadlineState
from pathways.models import deadline_state

DUE = datetime.date(2026, 3, 17)


def test_a_deadline_met_on_or_before_its_due_date_is_met():
    assert deadline_state(due_on=DUE, met_on=DUE, today=DUE) == DeadlineState.MET


def test_a_deadline_met_after_its_due_date_is_met_late():
    late = DUE + datetime.timedelta(days=1)

    assert deadline_state(due_on=DUE, met_on=late, today=late) == DeadlineState.MET_LATE


def test_an_open_deadline_past_its_due_date_is_overdue():
    assert deadline_state(due_on=DUE, today=DUE + datetime.timedelta(days=1)) == (
        DeadlineState.OVERDUE
    )
