"""Outliers among peers: the method the compare page states.

Peers are the agencies of the same year with the same 单位性质 and 单位级别. Among their values
(those present), Q1 and Q3 are the quartiles by linear interpolation between the sorted values
(position (n − 1) × p, as Excel's QUARTILE.INC and numpy's default); IQR = Q3 − Q1; a value
below Q1 − 1.5 × IQR or above Q3 + 1.5 × IQR is an outlier (Tukey's fences). With fewer than
MIN_PEERS values nothing is judged. Exact Decimal arithmetic; rounding only for display.
"""

from dataclasses import dataclass
from decimal import Decimal

MIN_PEERS = 5
FENCE = Decimal("1.5")


@dataclass(frozen=True)
class Spread:
    n: int
    median: Decimal
    q1: Decimal
    q3: Decimal

    @property
    def low(self) -> Decimal:
        return self.q1 - FENCE * (self.q3 - self.q1)

    @property
    def high(self) -> Decimal:
        return self.q3 + FENCE * (self.q3 - self.q1)

    def is_outlier(self, value: Decimal | None) -> bool:
        return value is not None and (value < self.low or value > self.high)


def quantile(ordered: list[Decimal], p: Decimal) -> Decimal:
    position = (len(ordered) - 1) * p
    below = int(position)
    fraction = position - below
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (ordered[below + 1] - ordered[below]) * fraction


def spread(values: list[Decimal | None]) -> Spread | None:
    ordered = sorted(v for v in values if v is not None)
    if len(ordered) < MIN_PEERS:
        return None
    return Spread(
        n=len(ordered),
        median=quantile(ordered, Decimal("0.5")),
        q1=quantile(ordered, Decimal("0.25")),
        q3=quantile(ordered, Decimal("0.75")),
    )
