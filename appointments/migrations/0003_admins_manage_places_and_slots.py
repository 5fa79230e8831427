"""The Département admins' group gets the permissions on places and slots
(a group made before they were in `ADMIN_MODELS`); each admin still sees
only their own Département's rows (`appointments/admin.py`)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_GROUP_NAME = "Administrateurs"


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ADMIN_GROUP_NAME).first()
    if group is None:
        return
    app_config = apps.get_app_config("appointments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    permission = apps.get_model("auth", "Permission")
    group.permissions.add(
        *permission.objects.filter(
            content_type__app_label="appointments", content_type__model__in=["place", "slot"]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0002_staff_moves_flag_notes_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
