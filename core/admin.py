from django.contrib import admin
from django.db import models

from core import date_ranges
from core.admin_site import OperatorOnlyAdmin
from core.models import WorkerHeartbeat


class DateRangeAdminMixin:
    """Every date and datetime of an admin form within the database's fixed
    bounds (1900–2200), with a French message naming the field, so that the
    admin can never store a date that cannot be read back."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.DateField):
            # DateTimeField is a DateField too.
            field.validators.append(
                date_ranges.range_validator(
                    date_ranges.db_range(), field_label=str(db_field.verbose_name).capitalize()
                )
            )
        return field


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(OperatorOnlyAdmin, admin.ModelAdmin):
    list_display = ["name", "last_seen_at"]
    readonly_fields = ["name", "last_seen_at"]
