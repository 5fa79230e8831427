"""Access rows for the pages, fragments and actions that show people.

Thin helpers over `beneficiaries.services`: the views call them once they
know what they show. A list writes one row with its filters and its row
count, never the text of a search (it may be a name) nor any name.
"""

from beneficiaries.enums import AccessAction
from beneficiaries.services import access_log_list, access_log_record, access_logs_record_bulk

SEARCH_KEYS = {"q", "search", "query", "name"}


def describe_filters(filters):
    """ "clé=valeur" for the filters in use; a search is only said to be there."""
    parts = []
    for key, value in sorted(filters.items()):
        if value in (None, "", [], ()):
            continue
        if key in SEARCH_KEYS:
            parts.append(f"{key}=…")
        else:
            parts.append(f"{key}={getattr(value, 'pk', value)}")
    return ", ".join(parts)


def trace_person(request, person, detail, action=AccessAction.READ):
    """One row: this user saw (or changed) this person."""
    access_log_record(user=request.user, beneficiary=person, action=action, detail=detail)


def trace_people(request, people, detail, action=AccessAction.CHANGE):
    """One row per person of a bulk action."""
    access_logs_record_bulk(
        user=request.user,
        beneficiary_ids=[getattr(person, "pk", person) for person in people],
        action=action,
        detail=detail,
    )


def trace_list(request, label, row_count, filters=None, action=AccessAction.LIST):
    """One row for a list of people shown (or exported)."""
    described = describe_filters(filters or {})
    detail = f"{label} ({described})" if described else label
    access_log_list(user=request.user, detail=detail, row_count=row_count, action=action)
