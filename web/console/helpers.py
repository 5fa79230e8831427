"""Helpers shared by the manager console's views: access, ids from forms,
redirects after a write."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from caseload.perms import can_manage_territories


def manager_required(view):
    """The manager console is for managers (their territories) and admins
    (their Département); anyone else gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_manage_territories(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class BadInput(Exception):
    """Input that cannot be read at all (a tampered form): answered with 400."""


def ids_from(values):
    try:
        ids = [int(value) for value in values]
    except (TypeError, ValueError) as error:
        raise BadInput from error
    if any(value < 1 for value in ids):
        raise BadInput
    return list(dict.fromkeys(ids))


def all_or_404(queryset, ids):
    """The rows of a scoped queryset with these ids, all of them or 404 (an id
    outside the user's scope is treated as nonexistent)."""
    rows = list(queryset.filter(pk__in=ids))
    if len(rows) != len(ids):
        raise Http404
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids]


def redirect_back(request, default):
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(target)
