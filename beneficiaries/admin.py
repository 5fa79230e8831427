"""The Django admin of the beneficiaries app: the Département's tags only.

People's records are managed through the application's own pages, which
scope and trace every access; they are deliberately absent from the Django
admin, which would bypass both."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Tag
from beneficiaries.services import tag_key
from caseload.admin import DepartementScopedAdmin


class TagForm(forms.ModelForm):
    """A tag's name; its comparison key follows it (`tag_key`), and a name
    that compares equal to another tag of the Département is refused (the
    database constraint is on the key, which is not a form field)."""

    class Meta:
        model = Tag
        fields = ["departement", "name"]

    def clean(self):
        cleaned = super().clean()
        departement, name = cleaned.get("departement"), cleaned.get("name")
        if departement is None or not name:
            return cleaned
        key = tag_key(name)
        if not key:
            self.add_error("name", _("Le nom doit contenir au moins une lettre ou un chiffre."))
            return cleaned
        others = Tag.objects.filter(departement=departement, key=key)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            self.add_error("name", _("Ce Département a déjà une étiquette de ce nom."))
        self.instance.key = key
        return cleaned


@admin.register(Tag)
class TagAdmin(DepartementScopedAdmin):
    """The Département's tags (imports create them): renamed here, or deleted
    once no person carries them (the people are not listed: their records
    stay out of the admin)."""

    form = TagForm
    departement_path = "departement"
    list_display = ["name", "people", "created_at"]
    search_fields = ["name"]
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("links"))

    @admin.display(description=_("personnes"), ordering="people_count")
    def people(self, obj):
        return obj.people_count

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.links.exists():
            return False
        return super().has_delete_permission(request, obj)
