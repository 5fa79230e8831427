from django.contrib import admin

from core.admin import DepartementScopedAdmin
from pathways.models import ServiceOffer


@admin.register(ServiceOffer)
class ServiceOfferAdmin(DepartementScopedAdmin):
    list_display = ["title", "theme", "provider", "funding", "territory", "is_active"]
    list_filter = ["theme", "funding", "is_active"]
    search_fields = ["title", "provider"]
    list_select_related = ["territory"]
