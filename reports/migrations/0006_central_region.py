"""The 中央 level: central bodies (国务院办公厅, ministries …) are filed under one more region."""

from django.db import migrations


def add_central(apps, schema_editor):
    from reports.regions.central import CENTRAL_ROW
    from reports.services.regions import regions_sync

    regions_sync(rows=[CENTRAL_ROW], region_model=apps.get_model("reports", "Region"))


def remove_central(apps, schema_editor):
    from reports.regions.central import CENTRAL_CODE

    apps.get_model("reports", "Region").objects.filter(code=CENTRAL_CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_report_year_validators")]
    operations = [migrations.RunPython(add_central, remove_central)]
