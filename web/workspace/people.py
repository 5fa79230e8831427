"""Finding the person a record page is about, with the user's rights on them.

Every view of the record (reading it, or writing to it) starts from one of
these two lookups, so that a person the user may not see is a 404 and a record
the user may only read is a 403, the same way everywhere.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from beneficiaries.models import Beneficiary
from beneficiaries.perms import can_edit_record
from web.workspace.record import visible_person


def person_or_404(request, pk):
    """The person, for a page that reads their record: a 404 when the user may
    not see them (`Beneficiary.objects.visible_to`)."""
    person = visible_person(request.user, pk)
    if person is None:
        raise Http404
    return person


def editable_person_or_404(request, pk):
    """The person, for a page that changes their record: a 404 when the user
    may not see them, a 403 when they only read it (a manager, or a previous
    referent's read-only access)."""
    person = person_or_404(request, pk)
    if not can_edit_record(request.user) or not (
        Beneficiary.objects.writable_by(request.user).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied
    return person
