"""The delay settings in force for each Département: its own `DeadlinePolicy`
row, else the row for every Département, else the settings' defaults."""

from caseload.models import Departement
from pathways.deadlines import HOLIDAY_SUBDIVISIONS, Policy, default_policy
from pathways.models import DeadlinePolicy


def policies_for(departement_ids) -> dict:
    """The policy of each Département, in one query: its own row, else the
    global row, else the settings' defaults."""
    ids = {pk for pk in departement_ids if pk is not None}
    rows = {
        row.departement_id: row
        for row in DeadlinePolicy.objects.filter(departement_id__in=ids)
        | DeadlinePolicy.objects.filter(departement__isnull=True)
    }
    codes = dict(Departement.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}
    fallback = rows[None].as_policy() if None in rows else default_policy()
    result = {}
    for pk in ids:
        base = rows[pk].as_policy() if pk in rows else fallback
        result[pk] = _with_subdivision(base, codes.get(pk))
    result[None] = fallback
    return result


def policy_for(departement_id) -> Policy:
    return policies_for([departement_id])[departement_id]


def _with_subdivision(policy, departement_code):
    subdivision = HOLIDAY_SUBDIVISIONS.get(departement_code or "")
    if subdivision == policy.holiday_subdivision:
        return policy
    return Policy(**{**policy.__dict__, "holiday_subdivision": subdivision})
