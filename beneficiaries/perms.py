"""Who may change a person's record."""

from caseload.perms import can_view_health_notes, scope_of


def can_edit_record(user):
    """Referents write in the records of the people they follow (the caller
    has already found the person through `visible_to(user)`); managers and
    admins read them."""
    scope = scope_of(user)
    return scope.everything or scope.is_referent


def can_write_health_notes(user, beneficiary, *, current_referent_ids=None):
    """Health notes and the disability recognition (RQTH) are written by
    exactly those who read them: the nurse and the person's social worker,
    while they follow the person (`caseload.perms.can_view_health_notes`)."""
    return can_view_health_notes(user, beneficiary, current_referent_ids=current_referent_ids)
