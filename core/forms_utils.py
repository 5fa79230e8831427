"""Helpers shared by the apps' forms."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_service_errors(form, error: ValidationError, formsets=None):
    """Put a service's ValidationError on the matching form fields.

    Keys like `prescriptions-0-offer` go to line 0 of the formset whose prefix
    is `prescriptions`; unknown keys become non-field errors.
    """
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] in formsets:
            formset = formsets[parts[0]]
            index, field = int(parts[1]), parts[2]
            if index < len(formset.forms):
                for message in messages:
                    formset.forms[index].add_error(field, message)
                continue
        target = key if key in form.fields else None
        if key == NON_FIELD_ERRORS:
            target = None
        for message in messages:
            form.add_error(target, message)
