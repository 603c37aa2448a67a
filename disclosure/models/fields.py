"""Field helpers shared by every model: exact money in 元, non-negative checks."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

NON_NEGATIVE = MinValueValidator(Decimal("0"), message="金额不能为负数。")


NON_NEGATIVE_COUNT = MinValueValidator(0, message="数量不能为负数。")


def amount_field(verbose_name: str = "金额（元）") -> models.DecimalField:
    """Exact 元 to the fen; up to 9,999,999,999,999.99 元 (about a trillion 万元)."""
    return models.DecimalField(
        verbose_name, max_digits=15, decimal_places=2, validators=[NON_NEGATIVE]
    )


def non_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}), name=f"{model}_{field}_gte_0"
    )


NON_NEGATIVE_MESSAGE = "金额不能为负数。"
