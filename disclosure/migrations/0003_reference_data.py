from django.db import migrations

from disclosure.models import reference_data as reference


def load(apps, schema_editor):
    get = apps.get_model
    reference.load_codes(
        CodeVersion=get("disclosure", "CodeVersion"),
        ClassificationCode=get("disclosure", "ClassificationCode"),
    )
    reference.load_formats(
        ReportFormat=get("disclosure", "ReportFormat"),
        TableSpec=get("disclosure", "TableSpec"),
        ColumnSpec=get("disclosure", "ColumnSpec"),
        RowSpec=get("disclosure", "RowSpec"),
    )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0002_standard_format")]

    # Reference data is kept, not dropped, when migrating backwards: disclosures point at it.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
