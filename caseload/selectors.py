"""Reads of the caseload app: caps and loads."""

import math
from dataclasses import dataclass

from django.db.models import Count

from caseload.enums import Programme
from caseload.models import Assignment, CapPolicy


def cap_table(departement_id):
    """{(role, programme): cap or None} for a Département, in one query."""
    return cap_tables([departement_id]).get(departement_id, {})


def cap_tables(departement_ids):
    """{departement_id: {(role, programme): cap or None}}, in one query."""
    tables = {}
    for row in CapPolicy.objects.filter(departement_id__in=set(departement_ids)):
        tables.setdefault(row.departement_id, {})[(row.role, row.programme)] = row.cap
    return tables


def effective_cap(cap, part_time_ratio):
    """A cap scaled for part-time work, rounded down (a hard limit never rounds up)."""
    if cap is None:
        return None
    return math.floor(cap * part_time_ratio)


@dataclass(frozen=True)
class ProgrammeLoad:
    programme: str
    label: str
    active: int
    cap: int | None

    @property
    def ratio(self):
        if self.cap is None:
            return None
        if self.cap == 0:
            # A cap scaled down to nothing: any one person is over it.
            return 1.0 if self.active == 0 else float(self.active + 1)
        return self.active / self.cap

    @property
    def percent(self):
        ratio = self.ratio
        return None if ratio is None else min(100, round(ratio * 100))

    @property
    def over_cap(self):
        return self.cap is not None and self.active > self.cap

    @property
    def near_cap(self):
        return self.cap is not None and not self.over_cap and self.active >= 0.9 * self.cap


def programme_loads(staff, caps):
    """Loads of a staff member annotated by `StaffProfileQuerySet.with_load_counts`."""
    return [
        ProgrammeLoad(
            programme=programme.value,
            label=programme.label,
            active=getattr(staff, f"load_{programme.value}"),
            cap=effective_cap(caps.get((staff.role, programme.value)), staff.part_time_ratio),
        )
        for programme in Programme
    ]


def staff_load(staff, programme=None):
    """(active, cap) of a staff member, all programmes or one. `cap` is None
    when not set for the role in that programme (or, for all programmes, when
    none of the programmes the staff member holds people in has one)."""
    caps = cap_table(staff.structure.departement_id)
    active_qs = Assignment.objects.active().filter(staff=staff)
    if programme is not None:
        cap = effective_cap(caps.get((staff.role, programme)), staff.part_time_ratio)
        return active_qs.filter(programme=programme).count(), cap
    held = dict(
        active_qs.order_by()
        .values("programme")
        .annotate(active=Count("pk"))
        .values_list("programme", "active")
    )
    known = [caps[(staff.role, p)] for p in held if caps.get((staff.role, p)) is not None]
    cap = effective_cap(max(known), staff.part_time_ratio) if known else None
    return sum(held.values()), cap
