"""Writes of caseload, by topic: `reference` (Départements, caps, staff),
`assignments` (under hard caps), `binomes` and `change_requests`. Every
public name is also importable from here."""

from caseload.services.accounts import (
    staff_invite,
    user_password_change_done,
    user_password_change_force,
    user_password_reset_send,
)
from caseload.services.assignments import (
    CapReached,
    RoleTaken,
    assignment_auto_for_import,
    assignment_create,
    assignment_end,
    assignment_reassign,
    assignments_create_many,
    assignments_end_for_people,
    assignments_end_many,
    assignments_reassign_many,
)
from caseload.services.binomes import binome_create, binome_dissolve, binome_enrol
from caseload.services.change_requests import change_request_accept, change_request_refuse
from caseload.services.reference import (
    ADMIN_GROUP_NAME,
    ADMIN_MODELS,
    admin_group,
    cap_policies_initialise,
    cap_policies_update,
    departement_create,
    staff_create,
)

__all__ = [
    "ADMIN_GROUP_NAME",
    "ADMIN_MODELS",
    "CapReached",
    "RoleTaken",
    "admin_group",
    "assignment_auto_for_import",
    "assignment_create",
    "assignment_end",
    "assignment_reassign",
    "assignments_create_many",
    "assignments_end_for_people",
    "assignments_end_many",
    "assignments_reassign_many",
    "binome_create",
    "binome_dissolve",
    "binome_enrol",
    "cap_policies_initialise",
    "cap_policies_update",
    "change_request_accept",
    "change_request_refuse",
    "departement_create",
    "staff_create",
    "staff_invite",
    "user_password_change_done",
    "user_password_change_force",
    "user_password_reset_send",
]
