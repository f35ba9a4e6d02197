"""``make bench``: time the SPC maths and every ward's charts for the seeded demo.

1. Runs ``bench/bench_spc.py`` (the XmR maths alone over a national dashboard's worth of series).
2. Computes every ward's chart for every active measure, as the ward's measures summary does
   (one load of the ward's data, then the charts in Python), and every organisation's, and
   prints the time per 100 series.

Which database: the current one (``DATABASE_URL``, or db.sqlite3) when it holds demo data;
otherwise a temporary SQLite database is created, migrated and seeded with
``seed_demo --scale 1`` (about a minute), used, and deleted. Set ``BENCH_SCALE`` to seed a
larger temporary demo. Nothing is asserted about time: the figures are for the issue note.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    # Our own interpreter running our own scripts: no untrusted input reaches the command.
    return subprocess.run(args, cwd=ROOT, **kwargs)  # noqa: S603


def run_spc_bench() -> None:
    print("== SPC maths (bench/bench_spc.py) ==", flush=True)
    _run([sys.executable, str(ROOT / "bench" / "bench_spc.py")], check=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "culture_of_care.settings")
    import django

    django.setup()


def seeded() -> bool:
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        from culture_of_care.improvement.models import DataPoint

        if "improvement_datapoint" not in connection.introspection.table_names():
            return False
        return DataPoint.objects.exists()
    except DatabaseError:
        return False


def in_temporary_database() -> int:
    """Re-run this script against a fresh, seeded SQLite database; return its exit code."""
    scale = os.environ.get("BENCH_SCALE", "1")
    with tempfile.TemporaryDirectory(prefix="coc-bench-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "BENCH_TEMPORARY": "1",
            "DEBUG": "1",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        print(
            f"== No demo data here: seeding a temporary SQLite demo (scale {scale}) ==", flush=True
        )
        started = time.perf_counter()
        _run([*manage, "migrate", "--noinput", "-v", "0"], check=True, env=env)
        _run(
            [*manage, "seed_demo", "--scale", scale],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        print(f"   seeded in {time.perf_counter() - started:.1f} s", flush=True)
        return _run([sys.executable, __file__, "--charts-only"], env=env).returncode


def bench_charts() -> None:
    from django.db import connection

    from culture_of_care.improvement.charts import selectors
    from culture_of_care.improvement.charts.compute import compute_chart
    from culture_of_care.improvement.charts.results import Scope
    from culture_of_care.improvement.charts.svg import chart_svg
    from culture_of_care.improvement.models import DataPoint, Measure
    from organisations.models import Organisation
    from wards.models import Ward

    vendor = connection.vendor
    wards = list(Ward.objects.select_related("organisation"))
    organisations = list(Organisation.objects.all())
    measures = list(Measure.objects.filter(is_active=True, organisation__isnull=True))
    points = DataPoint.objects.filter(equity_group="").count()
    print(
        f"== Charts for the demo ({vendor}): {len(wards)} wards, {len(organisations)} "
        f"organisations, {len(measures)} national measures, {points:,} data points ==",
        flush=True,
    )

    def timed(label: str, scopes: list, repeat: int = 3) -> None:
        best_total = best_compute = float("inf")
        series_count = signal_points = 0
        for _ in range(repeat):
            started = time.perf_counter()
            loaded = []
            for scope in scopes:
                loaded.append(selectors.load_series(scope, measures))
            load_done = time.perf_counter()
            series_count = signal_points = 0
            for series in loaded:
                for item in series:
                    chart = compute_chart(item)
                    series_count += 1
                    signal_points += sum(1 for p in chart.points if p.is_signal)
            finished = time.perf_counter()
            best_total = min(best_total, finished - started)
            best_compute = min(best_compute, finished - load_done)
        per_100 = best_total / max(series_count, 1) * 100
        print(
            f"{label}: {series_count} series in {best_total:.3f} s "
            f"(computing {best_compute:.3f} s, loading {best_total - best_compute:.3f} s); "
            f"{per_100 * 1000:.1f} ms per 100 series; {signal_points:,} special-cause points",
            flush=True,
        )

    timed("Every ward's charts", [Scope.for_ward(w) for w in wards])
    timed("Every organisation's charts", [Scope.for_organisation(o) for o in organisations])
    timed("Programme charts", [Scope.programme()])

    started = time.perf_counter()
    for ward in wards[:20]:
        for row in selectors.summary_rows(Scope.for_ward(ward), measures):
            chart_svg(row.chart)
    elapsed = time.perf_counter() - started
    print(f"Summary table plus SVG for 20 wards: {elapsed / 20 * 1000:.1f} ms a ward", flush=True)


def main() -> int:
    charts_only = "--charts-only" in sys.argv
    if not charts_only:
        run_spc_bench()
    setup_django()
    if not seeded():
        if os.environ.get("BENCH_TEMPORARY"):
            print("The temporary database has no demo data: is improvement/demo.py missing?")
            return 1
        from django.db import connections

        connections.close_all()
        return in_temporary_database()
    bench_charts()
    from bench.dashboards_bench import bench_dashboards

    bench_dashboards()
    return 0


if __name__ == "__main__":
    sys.exit(main())
