"""Every fresh database gets the official region list (reports/data/regions.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from reports.regions.data import read_rows
    from reports.services.regions import regions_sync

    regions_sync(rows=read_rows(), region_model=apps.get_model("reports", "Region"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
