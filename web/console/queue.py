"""Reads of the console's queue pages: each person waiting for a referent
with the best-ranked one, the balancing plan, and the loads panel.

The people come from `pathways.selectors.unassigned_queue` (the stored queue
on PostgreSQL, with their open pathway's stage and programme and their next
deadline); the staff and their loads from `caseload.selectors.SuggestionPool`,
ranked for the rows shown only.
"""

import math
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from caseload.enums import Programme, StaffRole
from caseload.selectors import SuggestionPool, previous_referents, programme_loads
from core.date_ranges import day_text
from pathways.enums import DeadlineKind, Orientation, Stage
from pathways.models import deadline_state
from pathways.selectors import (
    latest_orientations,
    roles_for_stage,
    unassigned_due_bound,
    unassigned_queue,
)
from web.badges import deadline_badge
from web.row_links import url_by_pk

BALANCE_LIMIT = 200
# The loads panel beside the queue: the referents suggested on the page, then
# others by name, this many at most (the dashboard lists them all).
LOADS_PANEL_SIZE = 12


def page_number(value):
    """The page asked for in `?page=`: 1 when absent, unreadable or below 1."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def one_query_page(queryset, number, per_page, *, total=None):
    """The page `number` of a queryset and its total, as a `Paginator` page:
    the total given (`total`, counted elsewhere) or counted in the same query
    (`COUNT(*) OVER ()` on the page's rows); a page past the end gives the
    last one (one more query then)."""
    number = page_number(number)
    if total is None:
        counted = queryset.annotate(queue_total=Window(Count("*")))
        rows = list(counted[(number - 1) * per_page : number * per_page])
        total = rows[0].queue_total if rows else (queryset.count() if number > 1 else 0)
    else:
        counted = queryset
        rows = list(counted[(number - 1) * per_page : number * per_page]) if total else []
    last = max(1, math.ceil(total / per_page))
    if not rows and number > last:
        number = last
        rows = list(counted[(number - 1) * per_page : number * per_page])
    paginator = Paginator(queryset, per_page)
    paginator.count = total
    return Page(rows, number, paginator)


def _best_candidate(pool, person, previous, shared=None):
    """The best-ranked referent for a person of the queue (its `staff_id`
    only: `SuggestionPool.resolve`), or None. With `shared` (a dict, while
    nothing is taken from the pool), people of the same territory, stage and
    programme with no past referent share one ranking."""
    roles = roles_for_stage(person.pathway_stage)
    programme = person.pathway_programme or Programme.DROIT_COMMUN
    past = previous.get(person.pk, set())
    key = (person.territory_id, tuple(roles), programme)
    if shared is not None and not past and key in shared:
        return shared[key]
    candidates = pool.candidates(
        territory_id=person.territory_id,
        roles=roles,
        programme=programme,
        previous_staff_ids=past,
        limit=1,
        resolve=False,
    )
    best = candidates[0] if candidates else None
    if shared is not None and not past:
        shared[key] = best
    return best


def queue_rows(people, pool, *, today, ticked=frozenset()):
    """One row per person of a queue page: labels of their stage, programme,
    latest orientation and most urgent deadline, and the suggested referent
    (three queries: the people's past referents, their latest orientations,
    the suggested staff with the loads panel's others).

    Each row carries its texts and links ready to print (`_display`): the
    page lists fifty people, and every variable, tag and filter the template
    evaluates per row costs; `ticked`: the ids to keep ticked (a refused bulk
    form)."""
    previous = previous_referents(p.pk for p in people)
    orientations = latest_orientations(p.pathway_id for p in people)
    shared = {}
    suggestions = [_best_candidate(pool, person, previous, shared) for person in people]
    pool.resolve(suggestions, others=LOADS_PANEL_SIZE)
    rows = []
    for person, suggestion in zip(people, suggestions, strict=True):
        programme = person.pathway_programme or Programme.DROIT_COMMUN
        orientation = orientations.get(person.pathway_id)
        state = deadline_state(due_on=person.deadline_due_on, today=today)
        rows.append(
            {
                "person": person,
                # Labels as text once here rather than translated at each print.
                "stage_label": str(Stage(person.pathway_stage).label)
                if person.pathway_stage
                else "",
                "programme_label": str(Programme(programme).label),
                "orientation_label": str(Orientation(orientation).label) if orientation else "",
                "deadline_label": (
                    str(DeadlineKind(person.deadline_kind).label) if person.deadline_kind else ""
                ),
                "deadline_state": state,
                "deadline_badge": deadline_badge(state),
                "suggestion": suggestion,
                **_display(person, suggestion, ticked),
            }
        )
    return rows


def _display(person, suggestion, ticked):
    """The texts and links of a queue row, as the template prints them."""
    display = {
        "id": str(person.pk),
        "ticked": person.pk in ticked,
        "name": f"{person.last_name.upper()} {person.first_name}",
        "territory": person.territory.name if person.territory_id else "",
        "choose_label": _("Choisir %(name)s") % {"name": person.full_name},
        "person_url": url_by_pk("console:person", person.pk),
        "assign_url": url_by_pk("console:person_assign", person.pk),
        "referents_url": url_by_pk("console:queue_referents", person.pk),
        "due": day_text(person.deadline_due_on) if person.deadline_due_on else "",
    }
    if suggestion is not None:
        staff = suggestion.staff
        if suggestion.cap is None:
            load = _("%(active)s suivies, plafond non défini") % {"active": suggestion.active}
        else:
            load = _("%(active)s / %(cap)s") % {"active": suggestion.active, "cap": suggestion.cap}
        display |= {
            "staff_id": str(staff.pk),
            "assign_label": _("Affecter à %(name)s") % {"name": staff.user.get_full_name()},
            "staff_role": staff.role_label,
            "staff_load": load,
        }
    return display


def balance_plan(user):
    """A full plan for the oldest BALANCE_LIMIT people of the queue: each to
    the best-ranked referent, the planned assignments counted as they are
    planned so that no referent is planned past their cap.
    [(person, Candidate or None)]."""
    bound = unassigned_due_bound(user, BALANCE_LIMIT)
    people = list(unassigned_queue(user, due_by=bound)[:BALANCE_LIMIT])
    pool = SuggestionPool(user)
    previous = previous_referents(p.pk for p in people)
    plan = []
    for person in people:
        if previous.get(person.pk):
            choice = _best_candidate(pool, person, previous)
        else:
            choice = pool.best_for_plan(
                territory_id=person.territory_id,
                roles=roles_for_stage(person.pathway_stage),
                programme=person.pathway_programme or Programme.DROIT_COMMUN,
            )
        if choice is not None:
            pool.take(choice)
        plan.append((person, choice))
    pool.resolve([choice for _person, choice in plan])
    return plan


def balance_rows(plan):
    """The rows of a balancing plan, texts ready to print (200 rows): the
    person, and for a proposed referent the plan's value, their name and role
    and their load once the plan is applied."""
    rows = []
    for person, candidate in plan:
        row = {"name": f"{person.last_name.upper()} {person.first_name}", "candidate": candidate}
        if candidate is not None:
            staff = candidate.staff
            row |= {
                "value": f"{person.pk}:{staff.pk}",
                "staff": f"{staff.user.get_full_name()} ({staff.role_label})",
                "load": (
                    None if candidate.cap is None else f"{candidate.active + 1} / {candidate.cap}"
                ),
            }
        rows.append(row)
    return rows


def pool_loads(pool, first=()):
    """The loads panel beside the queue: the referents suggested on the page
    first, then others by name, at most LOADS_PANEL_SIZE (the staff
    `queue_rows` read; the dashboard lists them all)."""
    first = list(dict.fromkeys(first))
    read = pool.staff_read()
    rest = sorted(
        (s for pk, s in read.items() if pk not in set(first)),
        key=lambda s: (s.user.last_name, s.user.first_name, s.pk),
    )
    chosen = ([read[pk] for pk in first] + rest)[:LOADS_PANEL_SIZE]
    return [
        (staff, programme_loads(staff, pool.caps.get(staff.structure.departement_id, {})))
        for staff in chosen
    ]


class _Name(NamedTuple):
    first_name: str
    last_name: str

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class StaffChoice(NamedTuple):
    """An option of a referent select (`console/includes/staff_select.html`
    reads `pk` and `user.get_full_name`), read as columns, not models (named
    tuples: the queue's select lists a thousand referents)."""

    pk: int
    role: str
    user: _Name


def staff_choices(queryset, roles=None):
    """[(role label, [StaffChoice…])] of the staff of a queryset for a
    select with one group per role (one query of four columns), in the order
    of `roles` when given (other roles after), otherwise by role."""
    groups = {}
    for pk, role, first_name, last_name in queryset.order_by(
        "role", "user__last_name", "user__first_name", "pk"
    ).values_list("pk", "role", "user__first_name", "user__last_name"):
        groups.setdefault(role, []).append(StaffChoice(pk, role, _Name(first_name, last_name)))
    order = list(dict.fromkeys([*(roles or ()), *groups]))
    return [(StaffRole(role).label, groups[role]) for role in order if role in groups]


def staff_options_html(groups, selected=None):
    """The <optgroup>s of a referent select, rendered here rather than by a
    template loop (the queue's bulk select lists every referent: a thousand
    options): `groups` from `staff_choices`, `selected` the pk to keep
    selected (a choice a cap refused). Each name is escaped once and the
    options joined as plain strings: `format_html` per option cost 10 ms for
    a thousand."""
    parts = []
    for label, members in groups:
        parts.append(f'<optgroup label="{escape(label)}">')
        parts.extend(
            f'<option value="{member.pk:d}"{" selected" if member.pk == selected else ""}>'
            f"{escape(member.user.get_full_name())}</option>"
            for member in members
        )
        parts.append("</optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 (every value is escaped or an int)
