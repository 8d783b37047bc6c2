"""The region list brought up to the 统计用区划代码 of 2023 (reports/data/regions.csv): the counties
created since the list of 2021-01-04 are added. Counties abolished since are kept, as regions_sync
always does, for the reports that point at them; reports/data/region_changes.csv names their
successors."""

from django.db import migrations


def load(apps, schema_editor):
    from reports.regions.data import read_rows
    from reports.services.regions import regions_sync

    regions_sync(rows=read_rows(), region_model=apps.get_model("reports", "Region"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_report_unconfirmed_cells")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
