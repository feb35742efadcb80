from django.db import migrations

from hyeopchi.core.districts import load_districts


def forwards(apps, schema_editor):
    load_districts(apps.get_model("core", "District"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
