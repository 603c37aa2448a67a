from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_findings(apps, schema_editor):
    """Every stored check gets the number of findings it stored, in one UPDATE."""
    Reconciliation = apps.get_model("disclosure", "Reconciliation")
    ReconciliationFinding = apps.get_model("disclosure", "ReconciliationFinding")
    counted = (
        ReconciliationFinding.objects.filter(disclosure_id=OuterRef("disclosure_id"))
        .order_by()
        .values("disclosure_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Reconciliation.objects.update(finding_count=Coalesce(Subquery(counted), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0023_line_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="reconciliation",
            name="finding_count",
            field=models.PositiveIntegerField(default=0, verbose_name="核对结果数"),
        ),
        migrations.RunPython(count_findings, migrations.RunPython.noop),
    ]
