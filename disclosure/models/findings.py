"""Stored reconciliation findings, so auditors can filter them across every disclosure.

The engine (disclosure.reconciliation.engine) computes them; services refresh them after every
save in the admin and in `manage.py reconcile_all`. The engine's severities live here, with the
rows that store them.
"""

from django.db import models
from django.db.models import F, Q


class Severity(models.TextChoices):
    ERROR = "error", "错误"
    WARNING = "warning", "警告"
    NOTICE = "notice", "提示"


class Reconciliation(models.Model):
    """When a disclosure was last checked: no row means never, so no finding means none found."""

    disclosure = models.OneToOneField(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="reconciliation"
    )
    checked_at = models.DateTimeField("核对时间")
    # How many findings the check stored, in all and of each severity, written with them
    # (reconciliation.services): the auditors' list counts and pages through disclosures by
    # them instead of counting the 400,000 findings of a national corpus on every page.
    finding_count = models.PositiveIntegerField("核对结果数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    warning_count = models.PositiveIntegerField("警告数", default=0)
    notice_count = models.PositiveIntegerField("提示数", default=0)
    # Per rule, and per rule and severity: {"cross_table": 3, "cross_table:error": 3, …}, for
    # the list filtered on a rule (change_on_last_year: 351,407 findings at national scale).
    rule_counts = models.JSONField("各规则核对结果数", default=dict)

    class Meta:
        verbose_name = "数据核对"
        verbose_name_plural = "数据核对"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    finding_count=F("error_count") + F("warning_count") + F("notice_count")
                ),
                name="finding_count_is_the_sum_of_severities",
                violation_error_message="核对结果数须等于错误、警告、提示数之和。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.disclosure_id} {self.checked_at:%Y-%m-%d %H:%M}"


class ReconciliationFinding(models.Model):
    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="findings"
    )
    order = models.PositiveIntegerField("顺序")
    rule = models.CharField("核对规则", max_length=40, db_index=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    message = models.TextField("说明")
    # [[where the figure is printed, exact 元 as a string or null for a blank], …]
    cells = models.JSONField("涉及的数字", default=list)
    difference_yuan = models.DecimalField(
        "差额（元）", max_digits=17, decimal_places=2, null=True, blank=True
    )
    tolerance_yuan = models.DecimalField("舍入容差（元）", max_digits=17, decimal_places=2)
    # acknowledgements.finding_key(rule, cells): what a reviewer's "原文如此" is matched on.
    key = models.CharField("核对结果标识", max_length=64, default="", editable=False)

    class Meta:
        verbose_name = "核对结果"
        verbose_name_plural = "核对结果"
        ordering = ["disclosure", "order"]
        indexes = [models.Index(fields=["severity", "rule"], name="finding_severity_rule")]

    def __str__(self) -> str:
        return self.message[:40]
