"""CAF numbers stored in their one canonical form (see
`beneficiaries.validators.canonical_caf_number`: leading zeros dropped, then
padded to 7 digits), so that a number cell and a text cell of the same number
designate the same person.

A number whose canonical form is already held by another person of the same
Département and household role is left as it is and reported: two records of
one person, for an administrator to merge. The rule is copied here so that
the migration keeps doing what it did when the rule changes."""

import re

from django.db import migrations
from django.db.models import F

WIDTH = 7
NOT_CANONICAL = r"^(0[0-9]{7,9}|[0-9]{1,6})$"


def canonical(number):
    if not re.fullmatch(r"[0-9]{1,10}", number):
        return number
    return number.lstrip("0").zfill(WIDTH)


def canonicalise(apps, schema_editor):
    Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
    db = schema_editor.connection.alias
    people = Beneficiary.objects.using(db)
    candidates = list(
        people.filter(caf_number__regex=NOT_CANONICAL)
        .order_by("pk")
        .values_list("pk", "departement_id", "household_role", "caf_number")
    )
    if not candidates:
        return
    wanted = {canonical(number) for _pk, _dep, _role, number in candidates}
    taken = set(
        people.filter(caf_number__in=wanted).values_list(
            "departement_id", "household_role", "caf_number"
        )
    )
    skipped = []
    for pk, departement_id, role, number in candidates:
        new = canonical(number)
        key = (departement_id, role, new)
        if new == number:
            continue
        if key in taken:
            skipped.append((pk, number, new))
            continue
        taken.add(key)
        people.filter(pk=pk).update(caf_number=new, version=F("version") + 1)
    for pk, number, new in skipped:
        print(
            f"\n  Numéro allocataire {number} (personne n° {pk}) laissé tel quel : "
            f"{new} est déjà enregistré pour une autre personne du même rôle "
            "dans ce Département (doublon à fusionner)."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_moved_from_beneficiaries"),
        ("beneficiaries", "0006_imports_moved_to_intake"),
    ]

    operations = [migrations.RunPython(canonicalise, migrations.RunPython.noop)]
