"""Who may change a person's record."""

from caseload.perms import scope_of


def can_edit_record(user):
    """Referents write in the records of the people they follow (the caller
    has already found the person through `visible_to(user)`); managers and
    admins read them."""
    scope = scope_of(user)
    return scope.everything or scope.is_referent
