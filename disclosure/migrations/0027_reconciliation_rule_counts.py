from collections import defaultdict

from django.db import migrations, models
from django.db.models import Count


def count_by_rule(apps, schema_editor):
    """Every stored check gets its findings' counts per rule and per rule and severity."""
    Reconciliation = apps.get_model("disclosure", "Reconciliation")
    ReconciliationFinding = apps.get_model("disclosure", "ReconciliationFinding")
    counts = defaultdict(dict)
    grouped = (
        ReconciliationFinding.objects.order_by()
        .values_list("disclosure_id", "rule", "severity")
        .annotate(n=Count("pk"))
    )
    for disclosure_id, rule, severity, n in grouped.iterator(chunk_size=5000):
        by_rule = counts[disclosure_id]
        by_rule[rule] = by_rule.get(rule, 0) + n
        by_rule[f"{rule}:{severity}"] = n
    checks = list(Reconciliation.objects.filter(disclosure_id__in=list(counts)))
    for check in checks:
        check.rule_counts = dict(sorted(counts[check.disclosure_id].items()))
    Reconciliation.objects.bulk_update(checks, ["rule_counts"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0026_reconciliation_finding_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="reconciliation",
            name="rule_counts",
            field=models.JSONField(default=dict, verbose_name="各规则核对结果数"),
        ),
        migrations.RunPython(count_by_rule, migrations.RunPython.noop),
    ]
