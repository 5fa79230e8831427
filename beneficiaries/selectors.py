"""Reads about people shared by several pages."""

from beneficiaries.models import Tag
from caseload.perms import scope_of


def tags_of(user):
    """The tags of the user's Département, by name (the filters of the
    portfolio and the queue); none without a Département."""
    scope = scope_of(user)
    if scope.departement_id is None:
        return Tag.objects.none()
    return Tag.objects.filter(departement_id=scope.departement_id).order_by("name", "pk")
