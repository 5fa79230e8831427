"""A user's scope: what they may see, as plain data (no model here).

`scope_of(user)` computes it (`caseload.models`, beside the querysets that
filter on it); `caseload.perms` holds the predicates built on it.
"""

from dataclasses import dataclass, field

from caseload.enums import StaffRole


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    role: str | None = None
    staff_id: int | None = None
    departement_id: int | None = None
    territory_ids: list[int] = field(default_factory=list)

    @property
    def is_admin(self):
        return self.role == StaffRole.ADMIN

    @property
    def is_manager(self):
        return self.role == StaffRole.MANAGER

    @property
    def is_referent(self):
        return self.role in StaffRole.referent_roles()


NOTHING = Scope()
