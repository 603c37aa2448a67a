"""Ratios with their goals for bench/bench_scale.py: pure, so tests check the verdicts."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    """`ratio ≤ limit` (at most: a slowdown) or `ratio ≥ limit` (at least: a share of a ceiling);
    limit None: printed for information, no verdict."""

    limit: float | None
    at_most: bool = False

    def met(self, ratio: float) -> bool | None:
        if self.limit is None:
            return None
        return ratio <= self.limit if self.at_most else ratio >= self.limit

    def __str__(self) -> str:
        if self.limit is None:
            return "（无目标，仅供参考）"
        return f"{'≤' if self.at_most else '≥'} {self.limit:g}"


def verdict(ratio: float | None, goal: Goal) -> str:
    if ratio is None:
        return "未测"
    met = goal.met(ratio)
    return "" if met is None else ("PASS" if met else "MISS")


def line(name: str, detail: str, ratio: float | None, goal: Goal, width: int = 34) -> str:
    """One measure: what, the figures it comes from, the ratio, the goal and PASS/MISS."""
    shown = "—" if ratio is None else f"{ratio:.3f}×"
    pad = max(0, width - _width(name))
    return f"{name}{' ' * pad}{shown:>9}  {str(goal):<8} {verdict(ratio, goal):<4}  {detail}"


def _width(text: str) -> int:
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def rate(count: float, seconds: float) -> float:
    return count / seconds if seconds else 0.0
