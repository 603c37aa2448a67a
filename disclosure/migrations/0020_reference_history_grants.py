"""Reviewers and auditors read the history of the reference data frozen once used (issue 15):
the code versions, codes, formats, tables, columns and fixed rows. Follows 0013's pattern."""

from django.db import migrations

HISTORIES = [
    "codeversion",
    "classificationcode",
    "reportformat",
    "tablespec",
    "columnspec",
    "rowspec",
]
GRANTS = {role: [f"view_historical{m}" for m in HISTORIES] for role in ("审核人员", "审计人员")}


def _permissions(apps, codenames):
    from importlib import import_module

    return import_module("disclosure.migrations.0013_reviewers_open_years")._permissions(
        apps, codenames
    )


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
        ("disclosure", "0019_reference_frozen"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
