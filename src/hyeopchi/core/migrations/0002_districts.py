from django.db import migrations

from hyeopchi.core.districts import load_districts


def forwards(apps, schema_editor):
    # The alias the migration runs on, so `migrate --database=other` fills that database.
    load_districts(apps.get_model("core", "District"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
