"""Every fresh database gets the official region list (reports/data/regions.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from reports import regions_data

    regions_data.sync(apps.get_model("reports", "Region"), regions_data.read_rows())


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
