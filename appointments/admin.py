from django.contrib import admin

from appointments.models import Appointment, Message, NoShowFlag, Place, Slot
from caseload.admin import DepartementScopedAdmin

# Each admin declares how its rows reach a Département: a Département admin
# sees and picks only their own Département's places, slots, appointments,
# messages and flags (the rule of core/admin_site.py).


@admin.register(Place)
class PlaceAdmin(DepartementScopedAdmin):
    departement_path = "territory__departement"
    list_display = ["name", "kind", "territory", "city", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "city"]


@admin.register(Slot)
class SlotAdmin(DepartementScopedAdmin):
    departement_path = "place__territory__departement"
    list_display = ["starts_at", "place", "referent", "kind", "capacity", "booked_count"]
    list_select_related = ["place", "referent__user"]
    readonly_fields = ["booked_count"]


@admin.register(Appointment)
class AppointmentAdmin(DepartementScopedAdmin):
    departement_path = "beneficiary__departement"
    list_display = ["pk", "slot", "status", "attendance"]
    list_select_related = ["slot__place"]
    readonly_fields = ["link_nonce"]
    raw_id_fields = ["beneficiary", "slot", "interview"]


@admin.register(Message)
class MessageAdmin(DepartementScopedAdmin):
    departement_path = "beneficiary__departement"
    list_display = ["pk", "kind", "channel", "status", "delivery_status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "delivery_status"]
    readonly_fields = ["idempotency_key", "provider_id"]
    raw_id_fields = ["beneficiary", "appointment", "invitation"]


@admin.register(NoShowFlag)
class NoShowFlagAdmin(DepartementScopedAdmin):
    departement_path = "beneficiary__departement"
    list_display = ["pk", "raised_at", "closed_at"]
    raw_id_fields = ["beneficiary"]
