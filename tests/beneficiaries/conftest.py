from tests.caseload.world import world  # noqa: F401  (fixture shared by the scoping tests)
