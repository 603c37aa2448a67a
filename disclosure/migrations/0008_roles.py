"""The three roles as groups with their permissions.

Row-level scoping (which agencies a clerk may touch) is not a permission: it is the binding in
bureaus.Agency.clerks, enforced by disclosure/permissions.py. A later change of a role's
permissions is a new migration, so every database has the same roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DATA_MODELS = [
    "disclosure",
    "staffingentry",
    "duty",
    "worktask",
    "worktaskitem",
    "expenditureline",
    "threepublicexpense",
    # the standard format's parts
    "reportrow",
    "cell",
    "tablenote",
    "consolidatedunit",
    "glossaryterm",
    "narrativefigure",
    "explanationsection",
    "explanationparagraph",
]
REFERENCE_MODELS = [("bureaus", "agency")] + [
    ("disclosure", m)
    for m in [
        "fiscalyear", "codeversion", "classificationcode", "reportformat", "tablespec",
        "columnspec", "rowspec",
    ]
]
HISTORY_MODELS = [("disclosure", f"historical{m}") for m in DATA_MODELS] + [
    ("bureaus", "historicalagency"),
    ("bureaus", "historicalagency_clerks"),
]


def _data(*actions):
    return [("disclosure", f"{a}_{m}") for a in actions for m in DATA_MODELS]


def _view(models):
    return [(app, f"view_{m}") for app, m in models]


def _custom(*codenames):
    return [("disclosure", codename) for codename in codenames]


ROLES = {
    # Clerks of one or more agencies: enter, edit and import their drafts, then submit them.
    "财务录入员": _data("view", "add", "change", "delete")
    + _view(REFERENCE_MODELS)
    + _custom("submit_disclosure", "import_disclosure"),
    # Reviewers at the finance bureau: read every agency, return, publish, open corrections.
    "审核人员": _data("view")
    + _view(REFERENCE_MODELS)
    + _view(HISTORY_MODELS)
    + _custom("view_all_agencies", "return_disclosure", "publish_disclosure", "correct_disclosure"),
    # Auditors: read everything, drafts and history included, and export; edit nothing.
    "审计人员": _data("view")
    + _view(REFERENCE_MODELS)
    + _view(HISTORY_MODELS)
    + _custom("view_all_agencies", "export_disclosure"),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate (post_migrate); on a fresh database they
    # do not exist yet at this point, so create them first.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, labels in ROLES.items():
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in labels
        ]
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bureaus", "0003_clerks_and_history"),
        ("disclosure", "0007_workflow_revisions_audit_freeze"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
