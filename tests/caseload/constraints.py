"""Checks shared by the constraint tests of every app: the same rule refused
twice, in French by model validation, and by the database when validation is
skipped."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def validation_messages(instance, *, constraints_only=False):
    """Messages of the ValidationError raised by full_clean() (or by
    validate_constraints() alone, when a field validator would report the
    same mistake first and hide the constraint)."""
    with pytest.raises(ValidationError) as excinfo:
        if constraints_only:
            instance.validate_constraints()
        else:
            instance.full_clean()
    return excinfo.value.messages


def constraint_refusing_save(instance):
    """Name of the database constraint that refuses a save skipping validation."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        instance.save()
    return excinfo.value.__cause__.diag.constraint_name


def violation_message(model, name):
    """The violation_error_message a model declares for a constraint."""
    (constraint,) = [c for c in model._meta.constraints if c.name == name]
    return constraint.violation_error_message
