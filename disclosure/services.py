"""Writes with rules. Keyword-only, atomic; admin actions and commands call these."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Disclosure, DisclosureStatus


@transaction.atomic
def disclosure_publish(*, disclosure: Disclosure, by: AbstractBaseUser) -> Disclosure:
    if not by.has_perm("disclosure.publish_disclosure"):
        raise PermissionDenied("只有审核人员可以发布决算公开。")
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.status == DisclosureStatus.PUBLISHED:
        raise ValidationError("该决算公开已经发布。")
    if not disclosure.lines.exists():
        raise ValidationError("该决算公开还没有任何收支数字，不能发布。")
    disclosure.status = DisclosureStatus.PUBLISHED
    disclosure.published_at = timezone.now()
    disclosure.full_clean()
    disclosure.save(update_fields=["status", "published_at", "updated_at"])
    return disclosure


@transaction.atomic
def disclosure_add_table_rows(*, disclosure: Disclosure) -> int:
    """Lay out the fixed rows of every table of the year's format (总计, 年初结转和结余 …).

    Tables that already have rows are left alone, so running it twice adds nothing. Returns
    the number of rows created. Classification rows (科目) are added by the clerk or an import.
    """
    from .models import ReportRow, TableSpec

    report_format = disclosure.fiscal_year.report_format
    if report_format is None:
        raise ValidationError("该年度不是标准格式，没有公开表可以生成。")
    filled = set(disclosure.report_rows.values_list("table_id", flat=True))
    created = 0
    for table in TableSpec.objects.filter(report_format=report_format).prefetch_related(
        "row_specs"
    ):
        if table.pk in filled:
            continue
        by_name = {}
        for spec in table.row_specs.all():
            row = ReportRow(
                disclosure=disclosure,
                table=table,
                order=spec.order,
                side=spec.side,
                panel=spec.panel,
                ordinal=spec.ordinal,
                code=spec.code,
                name=spec.name,
                role=spec.role,
                parent=by_name.get((spec.side, spec.parent_name)),
            )
            row.full_clean()
            row.save()
            by_name[(spec.side, spec.name)] = row
            created += 1
    return created
