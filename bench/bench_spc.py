"""Time the XmR chart over a national dashboard's worth of series.

Run from the repository root: ``.venv/bin/python bench/bench_spc.py [series] [points]``.
Prints series per second and milliseconds per 100 series; it asserts nothing about time.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from culture_of_care.improvement.spc import xmr  # noqa: E402


def make_series(count: int, points: int, seed: int = 20240401) -> list[list[float]]:
    """Monthly rates with a level, noise, an occasional step change and an odd outlier."""
    rng = random.Random(seed)
    series = []
    for _ in range(count):
        level = rng.uniform(5, 60)
        step_at = rng.randrange(points) if rng.random() < 0.3 else points
        values = []
        for month in range(points):
            value = rng.gauss(level, level * 0.15)
            if month >= step_at:
                value -= level * 0.3
            if rng.random() < 0.02:
                value *= 3
            values.append(round(max(value, 0.0), 2))
        series.append(values)
    return series


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2200
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 36
    series = make_series(count, points)
    directions = ("increase", "decrease", "neutral")

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for i, values in enumerate(series):
            xmr(values, improvement=directions[i % 3], fix_after=12 if i % 2 else None, target=20)
        best = min(best, time.perf_counter() - started)

    print(f"xmr: {count} series of {points} points, best of 5 runs: {best * 1000:.1f} ms")
    print(f"  {count / best:,.0f} series/second")
    print(f"  {best / count * 100 * 1000:.2f} ms per 100 series")


if __name__ == "__main__":
    main()
