from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

SEVERITIES = ("error", "warning", "notice")  # models.findings.Severity's values


def count_findings(apps, schema_editor):
    """Every stored check gets the number of findings it stored, in all and of each severity,
    in one UPDATE."""
    Reconciliation = apps.get_model("disclosure", "Reconciliation")
    ReconciliationFinding = apps.get_model("disclosure", "ReconciliationFinding")

    def counted(**severity):
        found = (
            ReconciliationFinding.objects.filter(disclosure_id=OuterRef("disclosure_id"), **severity)
            .order_by()
            .values("disclosure_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(found), Value(0))

    Reconciliation.objects.update(
        finding_count=counted(),
        **{f"{s}_count": counted(severity=s) for s in SEVERITIES},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0025_report_row_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="reconciliation",
            name="finding_count",
            field=models.PositiveIntegerField(default=0, verbose_name="核对结果数"),
        ),
        migrations.AddField(
            model_name="reconciliation",
            name="error_count",
            field=models.PositiveIntegerField(default=0, verbose_name="错误数"),
        ),
        migrations.AddField(
            model_name="reconciliation",
            name="warning_count",
            field=models.PositiveIntegerField(default=0, verbose_name="警告数"),
        ),
        migrations.AddField(
            model_name="reconciliation",
            name="notice_count",
            field=models.PositiveIntegerField(default=0, verbose_name="提示数"),
        ),
        migrations.RunPython(count_findings, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reconciliation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    finding_count=models.F("error_count")
                    + models.F("warning_count")
                    + models.F("notice_count")
                ),
                name="finding_count_is_the_sum_of_severities",
                violation_error_message="核对结果数须等于错误、警告、提示数之和。",
            ),
        ),
    ]
