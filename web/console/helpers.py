"""Helpers shared by the manager console's views: access, ids from forms,
refused choices shown again, redirects after a write."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from caseload.perms import OutOfScope, can_manage_territories
from caseload.selectors import may_exceed_caps


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


def all_or_refuse(queryset, ids):
    """The rows of a scoped queryset with these ids, all of them, or
    OutOfScope (a French refusal, answered with 403 and nothing changed) when
    one is outside the user's scope or no longer there: a selection is acted
    on whole or not at all."""
    rows = list(queryset.filter(pk__in=ids))
    if len(rows) != len(ids):
        raise OutOfScope()
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids]


def redirect_back(request, default):
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(target)


def refusal(request, key, error, *, ticked="people"):
    """What a page needs to show a refused assignment form (`key`) again: the
    referent chosen, the rows ticked (`ticked`: the checkboxes' name) and the
    reasons typed, and, when a cap refused it, that a manager may exceed it
    with a reason (the reason field then shown)."""
    try:
        staff = int(request.POST.get("staff", ""))
    except ValueError:
        staff = None
    try:
        ticked_ids = set(ids_from(request.POST.getlist(ticked)))
    except BadInput:
        ticked_ids = set()
    return {
        "key": key,
        "staff": staff,
        "ticked": ticked_ids,
        "reason": request.POST.get("reason", ""),
        "over_cap_reason": request.POST.get("over_cap_reason", ""),
        "cap_reached": "cap_reached" in _codes(error),
        "may_exceed": may_exceed_caps(request.user),
    }


def _codes(error):
    if hasattr(error, "error_list"):
        return {getattr(e, "code", None) for e in error.error_list}
    return {getattr(error, "code", None)}
