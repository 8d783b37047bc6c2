"""The three roles as auth groups. What each may do is written once, in reports/selectors/access.py
(django-rules predicates): the groups carry no Django permissions of their own."""

from django.db import migrations

ROLE_GROUPS = ("编辑", "审核", "管理员")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()  # not the ORM: a migration


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reports", "0012_review_workflow_audit"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
