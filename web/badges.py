"""The badge of a deadline's state: one colour and one label (the state's own,
`DeadlineState`) on every page — portfolio, record, queue, console."""

from pathways.enums import DeadlineState

DEADLINE_BADGE_CLASSES = {
    DeadlineState.MET: "text-bg-success",
    DeadlineState.MET_LATE: "text-bg-secondary",
    DeadlineState.OVERDUE: "text-bg-danger",
    DeadlineState.DUE_SOON: "text-bg-warning",
    DeadlineState.CANCELLED: "text-bg-secondary",
    DeadlineState.OPEN: "text-bg-light border",
}


def deadline_badge(state):
    """(CSS classes, label) of a state (a `DeadlineState` or its value), or
    None without a state."""
    if not state:
        return None
    state = DeadlineState(state)
    return DEADLINE_BADGE_CLASSES[state], str(state.label)
