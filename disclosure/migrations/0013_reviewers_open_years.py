"""Reviewers open fiscal years (issue 11): 审核人员 may add a FiscalYear, and reviewers and
auditors read the years' new history. Follows 0008_roles: a change of a role is a migration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "审核人员": ["add_fiscalyear", "view_historicalfiscalyear"],
    "审计人员": ["view_historicalfiscalyear"],
}


def _permissions(apps, codenames):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label="disclosure", codename=codename)
        for codename in codenames
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("disclosure", "0012_fiscal_year_history"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
