"""Reads of the console's queue pages: each person waiting for a referent
with the best-ranked one, the balancing plan, and the loads panel.

The people come from `pathways.selectors.unassigned_queue` (annotated with
their open pathway's stage and programme); the staff and their loads from
`caseload.selectors.SuggestionPool`.
"""

from caseload.enums import Programme
from caseload.selectors import SuggestionPool, previous_referents, programme_loads
from pathways.enums import Orientation
from pathways.models import Deadline, Pathway, deadline_state
from pathways.selectors import roles_for_stage, unassigned_queue

BALANCE_LIMIT = 200
LOADS_PANEL_SIZE = 30


def _best_candidate(pool, person, previous):
    """The best-ranked referent for a person of the queue, or None."""
    candidates = pool.candidates(
        territory_id=person.territory_id,
        roles=roles_for_stage(person.pathway_stage),
        programme=person.pathway_programme or Programme.DROIT_COMMUN,
        previous_staff_ids=previous.get(person.pk, set()),
        limit=1,
    )
    return candidates[0] if candidates else None


def queue_rows(people, pool, *, today):
    """One row per person of a queue page: labels of their stage, programme,
    latest orientation and most urgent deadline, and the suggested referent (one query, for the
    people's past referents)."""
    previous = previous_referents(p.pk for p in people)
    rows = []
    for person in people:
        programme = person.pathway_programme or Programme.DROIT_COMMUN
        rows.append(
            {
                "person": person,
                "stage_label": Pathway(stage=person.pathway_stage).get_stage_display(),
                "programme_label": Programme(programme).label,
                "orientation_label": (
                    Orientation(person.pathway_orientation).label
                    if person.pathway_orientation
                    else ""
                ),
                "deadline_label": (
                    Deadline(kind=person.deadline_kind).get_kind_display()
                    if person.deadline_kind
                    else ""
                ),
                "deadline_state": deadline_state(due_on=person.deadline_due_on, today=today),
                "suggestion": _best_candidate(pool, person, previous),
            }
        )
    return rows


def balance_plan(user):
    """A full plan for the oldest BALANCE_LIMIT people of the queue: each to
    the best-ranked referent, the planned assignments counted as they are
    planned so that no referent is planned past their cap.
    [(person, Candidate or None)]."""
    people = list(unassigned_queue(user)[:BALANCE_LIMIT])
    pool = SuggestionPool(user)
    previous = previous_referents(p.pk for p in people)
    plan = []
    for person in people:
        choice = _best_candidate(pool, person, previous)
        if choice is not None:
            pool.take(choice)
        plan.append((person, choice))
    return plan


def pool_loads(pool, first=()):
    """The loads panel beside the queue: the referents suggested on the page
    first, then the others by name, at most LOADS_PANEL_SIZE (the dashboard
    lists them all)."""
    first = list(dict.fromkeys(first))
    rest = sorted(
        (s for s in pool.staff if s.pk not in set(first)),
        key=lambda s: (s.user.last_name, s.user.first_name, s.pk),
    )
    by_id = {s.pk: s for s in pool.staff}
    chosen = ([by_id[pk] for pk in first] + rest)[:LOADS_PANEL_SIZE]
    return [
        (staff, programme_loads(staff, pool.caps.get(staff.structure.departement_id, {})))
        for staff in chosen
    ]
