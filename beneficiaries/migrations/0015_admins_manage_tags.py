"""The Département admins' group gets the permissions on tags (a group made
before they were in `ADMIN_MODELS`); each admin still sees only their own
Département's tags (`beneficiaries/admin.py`)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_GROUP_NAME = "Administrateurs"


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ADMIN_GROUP_NAME).first()
    if group is None:
        return
    app_config = apps.get_app_config("beneficiaries")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    permission = apps.get_model("auth", "Permission")
    group.permissions.add(
        *permission.objects.filter(
            content_type__app_label="beneficiaries", content_type__model="tag"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0014_tags_structure_imported_health_notes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
