"""``make bench``: the key pages under gunicorn on PostgreSQL, at demo scale 1 and 10.

For each scale (``BENCH_SCALES``, default ``1 10``) it

1. seeds the demo into its own PostgreSQL database (``<base>_bench_s<N>``, made from
   ``BENCH_DATABASE_URL`` or ``DATABASE_URL``) with ``seed_demo --scale N --years 5``, unless that
   database already holds it (``BENCH_RESEED=1`` seeds afresh);
2. serves the app with gunicorn on 127.0.0.1 (``BENCH_WORKERS`` processes, default 2), ``DEBUG``
   off, through ``bench.settings`` (the production settings plus a trivial signed-in page, the
   framework's ceiling);
3. signs in each role once (a real session row, as the sign-in form makes) and, per key page,
   measures the median and 95th percentile latency over ``BENCH_REQUESTS`` sequential requests
   (default 30, after 3 warm-up requests), the requests per second at ``BENCH_CONCURRENCY``
   (default 4) over twice as many requests, and the page's SQL queries (counted in-process with
   the same user); then the web workers' peak memory (VmHWM), the raw SQL aggregate behind the
   national figures (the database's floor), the nightly snapshot job and one monthly board report;
4. prints a table and writes everything to ``BENCH_OUTPUT`` (default ``bench/results.json``);
   ``BENCH_SKIP_JOBS=1`` leaves out the snapshot job and the board report (the seed ends with
   the same full refresh).

Nothing is asserted: the figures are for the issue note (targets in issue 18). Only loopback is
ever contacted; every loop is bounded.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_DOMAIN = "demo.cultureofcare.example"
# gunicorn's own log (errors of the served pages end up here, not on the console).
LOG = ROOT / "bench" / "gunicorn.log"
ROLES = {
    "programme_lead": f"lead@{DEMO_DOMAIN}",
    "programme_admin": f"admin@{DEMO_DOMAIN}",
    "qi_coach": f"coach@{DEMO_DOMAIN}",
    "leadership_coach": f"leadership.coach@{DEMO_DOMAIN}",
    "risk_lead": f"risk@{DEMO_DOMAIN}",
    "organisation_lead": f"orglead@{DEMO_DOMAIN}",
    "ward_member": f"ward@{DEMO_DOMAIN}",
}


@dataclass
class PageResult:
    page: str
    role: str
    url: str
    status: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    rps: float = 0.0
    queries: int | None = None
    share_of_ceiling: float | None = None
    note: str = ""


@dataclass
class ScaleResult:
    scale: int
    database: str
    wards: int = 0
    data_points: int = 0
    seed_seconds: float | None = None
    # CPU seconds the seeding process itself used (user + system): comparable across machine
    # loads, unlike the wall-clock time above.
    seed_cpu_seconds: float | None = None
    pages: list[PageResult] = field(default_factory=list)
    worker_peak_mb: float | None = None
    raw_sql_floor_ms: float | None = None
    snapshot_seconds: float | None = None
    board_report_seconds: float | None = None
    # The machine's load average (1, 5, 15 minutes) when this scale was measured: the bench
    # machine may be shared, so figures are only comparable at a similar load.
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _database_url(scale: int) -> str:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "make bench measures PostgreSQL: set BENCH_DATABASE_URL (or DATABASE_URL) to a "
            "postgres:// URL whose role may create databases."
        )
    parts = urlparse(base)
    name = (parts.path.lstrip("/") or "culture_of_care") + f"_bench_s{scale}"
    return urlunparse(parts._replace(path=f"/{name}"))


def _run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess:
    # Our own interpreter and manage.py with fixed arguments: no untrusted input.
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)  # noqa: S603


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if exists and os.environ.get("BENCH_RESEED"):
            conn.execute(f'drop database "{name}" with (force)')
            exists = None
        if not exists:
            conn.execute(f'create database "{name}"')


def _seeded(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        has_table = conn.execute(
            "select 1 from information_schema.tables where table_name = 'organisations_organisation'"
        ).fetchone()
        if not has_table:
            return False
        return bool(
            conn.execute("select exists(select 1 from organisations_organisation)").fetchone()[0]
        )


def seed(scale: int, url: str, env: dict[str, str]) -> tuple[float | None, float | None]:
    _ensure_database(url)
    manage = [sys.executable, str(ROOT / "manage.py")]
    _run([*manage, "migrate", "--noinput", "-v", "0"], env=env)
    if _seeded(url):
        print(f"   scale {scale}: reusing the seeded database", flush=True)
        return None, None
    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    _run(
        [*manage, "seed_demo", "--scale", str(scale), "--years", "5"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    print(f"   scale {scale}: seeded in {elapsed:.0f} s ({cpu:.0f} s of CPU)", flush=True)
    return round(elapsed, 1), round(cpu, 1)


def _static_stale() -> bool:
    """Whether collectstatic must run: no manifest yet, or a static source newer than it (it
    hashes and compresses every file, minutes on a busy machine, so a second scale reuses it)."""
    root = Path(os.environ.get("STATIC_ROOT") or ROOT / "staticfiles")
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [ROOT / "static", *ROOT.glob("*/static"), *ROOT.glob("culture_of_care/*/static")]
    return any(
        path.stat().st_mtime > built
        for folder in sources
        for path in folder.rglob("*")
        if path.is_file()
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(gunicorn),
            "culture_of_care.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=LOG.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start within 60 s")


def worker_peak_mb(master: subprocess.Popen) -> float | None:
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master.pid) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return round(max(peaks), 1) if peaks else None


# --- In-process parts (Django set up against the bench database) ---------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def personas() -> dict[str, Any]:
    from culture_of_care.accounts.models import User

    found = {role: User.objects.filter(email=email).first() for role, email in ROLES.items()}
    # The bench database is throwaway: its demo personas act as ordinary people, since demo
    # logins are refused with DEBUG off, which is how the bench serves the app.
    User.objects.filter(email__in=ROLES.values()).update(is_demo=False)
    return {role: user for role, user in found.items() if user is not None}


def session_cookie(user: Any) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    user.refresh_from_db()
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _first(candidates: list[tuple[str, dict[str, Any]]]) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name, kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return None


def _with_query(url: str | None, params: dict[str, str]) -> str | None:
    from urllib.parse import urlencode

    return f"{url}?{urlencode(params)}" if url else None


@dataclass
class PageSpec:
    label: str
    role: str
    url: str | None
    method: str = "GET"
    body: Callable[[], dict[str, Any]] | None = None


def page_specs(people: dict[str, Any]) -> list[PageSpec]:
    from culture_of_care.improvement.models import DataPoint, Project
    from wards.models import Ward

    ward_member = people["ward_member"]
    grant = ward_member.role_assignments.filter(ward__isnull=False).first()
    ward = Ward.objects.select_related("organisation").get(pk=grant.ward_id)
    org = ward.organisation
    region = getattr(org, "region", "") or ""
    project = Project.objects.filter(ward=ward).first()
    measure_id = DataPoint.objects.filter(ward=ward).values_list("measure_id", flat=True).first()
    ward_kw = {"key": ward.pk}
    specs = [
        PageSpec(
            "national dashboard",
            "programme_lead",
            _first(
                [
                    ("dashboards:national", {}),
                    ("reporting:programme_summary", {}),
                ]
            ),
        ),
        PageSpec(
            "national, filtered by provider type",
            "programme_lead",
            _with_query(
                _first([("dashboards:national", {})]),
                {"provider_type": getattr(org, "provider_type", "")},
            ),
        ),
        PageSpec(
            "national, filtered by region + service type",
            "programme_lead",
            _with_query(
                _first([("dashboards:national", {})]),
                {"region": region, "service_type": ward.service_type.code},
            ),
        ),
        PageSpec(
            "region dashboard",
            "programme_lead",
            _first(
                [
                    ("dashboards:region", {"code": region}),
                ]
            ),
        ),
        PageSpec(
            "organisation dashboard",
            "organisation_lead",
            _first(
                [
                    ("dashboards:organisation", {"ods_code": org.ods_code}),
                    ("organisations:detail", {"ods_code": org.ods_code}),
                ]
            ),
        ),
        PageSpec("ward page", "ward_member", _first([("wards:detail", {"pk": ward.pk})])),
        PageSpec(
            "ward charts",
            "ward_member",
            _first(
                [
                    ("charts:ward_summary", ward_kw),
                    ("improvement:ward_summary", ward_kw),
                    ("ward_summary", ward_kw),
                ]
            ),
        ),
        PageSpec(
            "this month form",
            "ward_member",
            _first(
                [
                    # Where the ward's "this month" link lands: its project's data grid.
                    *([("improvement:data", {"pk": project.pk})] if project else []),
                    ("improvement:this_month", {"ward_pk": ward.pk}),
                    ("improvement:ward_this_month", {"ward_pk": ward.pk}),
                    ("improvement:ward_data", {"ward_pk": ward.pk}),
                ]
            ),
        ),
        PageSpec(
            "PDSA list",
            "ward_member",
            _first([("improvement:cycles", {"pk": project.pk})]) if project else None,
        ),
        PageSpec("coaching caseload", "qi_coach", _first([("coaching:caseload", {})])),
        PageSpec("coaching coverage", "programme_lead", _first([("coaching:coverage", {})])),
        PageSpec("risk dashboard", "risk_lead", _first([("risk:dashboard", {})])),
        PageSpec(
            "equity view",
            "programme_lead",
            _first([("reporting:equity", {}), ("reporting:equity_national", {})]),
        ),
        PageSpec("API data points", "organisation_lead", _first([("api:data-point-list", {})])),
    ]
    if measure_id and specs[6].url is None:
        specs[6].url = _first([("charts:ward_chart", {**ward_kw, "measure_id": measure_id})])

    def bulk_body() -> dict[str, Any]:
        month = DataPoint.objects.filter(organisation=org).order_by("-period_start").first()
        rows = DataPoint.objects.filter(organisation=org, period_start=month.period_start).values(
            "ward_id", "measure_id", "period_start", "numerator", "denominator", "equity_group"
        )
        return {
            "data_points": [
                {
                    "ward": row["ward_id"],
                    "measure": str(row["measure_id"]),
                    "period_start": row["period_start"].isoformat(),
                    "numerator": str(row["numerator"]),
                    "denominator": "" if row["denominator"] is None else str(row["denominator"]),
                    "equity_group": row["equity_group"],
                }
                for row in rows
                if row["ward_id"]
            ]
        }

    specs.append(
        PageSpec(
            "bulk upload (one organisation's month)",
            "organisation_lead",
            _first([("api:data-point-bulk", {})]),
            method="POST",
            body=bulk_body,
        )
    )
    return specs


def count_queries(user: Any, spec: PageSpec) -> int | None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(user)
    kwargs: dict[str, Any] = {"secure": True}
    body = spec.body() if spec.body else None
    call = client.post if spec.method == "POST" else client.get
    args = (spec.url, json.dumps(body)) if body is not None else (spec.url,)
    if body is not None:
        kwargs["content_type"] = "application/json"
    call(*args, **kwargs)  # warm caches as the served page would be warm
    with CaptureQueriesContext(connection) as captured:
        call(*args, **kwargs)
    return len(captured.captured_queries)


def raw_sql_floor_ms() -> float:
    from django.db import connection

    sql = (
        "select measure_id, period_start, sum(numerator), sum(denominator), count(distinct ward_id) "
        "from improvement_datapoint where equity_group = '' and ward_id is not null "
        "group by measure_id, period_start"
    )
    timings = []
    with connection.cursor() as cursor:
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append(time.perf_counter() - started)
    return round(statistics.median(timings) * 1000, 1)


def _timed_job(candidates: list[tuple[str, str]]) -> tuple[float | None, str]:
    import importlib

    for module_name, function_name in candidates:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, function_name, None)
        if function is None:
            continue
        started = time.perf_counter()
        function()
        return round(time.perf_counter() - started, 2), f"{module_name}.{function_name}"
    return None, "not built yet"


def board_report_job(people: dict[str, Any]) -> None:
    """One monthly board report, as the Celery job makes it: the demo organisation lead's
    organisation, its content gathered and rendered as PDF and XLSX (not stored or e-mailed)."""
    from culture_of_care.improvement.windows import latest_reportable_month
    from culture_of_care.reporting.board.render import render_pdf, render_xlsx
    from culture_of_care.reporting.board.selectors import board_report_content
    from organisations.models import Organisation

    lead = people["organisation_lead"]
    grant = lead.role_assignments.filter(organisation__isnull=False).first()
    organisation = Organisation.objects.get(pk=grant.organisation_id)
    from django.utils import timezone

    content = board_report_content(
        organisation=organisation, month=latest_reportable_month(timezone.localdate())
    )
    render_pdf(content)
    render_xlsx(content)


# --- Over HTTP -------------------------------------------------------------------------------


def _request(
    session: Any, base: str, spec: PageSpec, body: dict[str, Any] | None
) -> tuple[int, float]:
    started = time.perf_counter()
    if spec.method == "POST":
        response = session.post(f"{base}{spec.url}", json=body, timeout=60)
    else:
        response = session.get(f"{base}{spec.url}", timeout=60, allow_redirects=False)
    return response.status_code, time.perf_counter() - started


def _session(cookie: str, base: str) -> Any:
    """A client signed in with this session key, as a browser behind the TLS proxy would be.

    The cookies go in a fixed header and the client stores none it is sent: the app's cookies
    are Secure, so a stored copy would never be sent back over the loopback's plain HTTP and
    every request after the first would be signed out.
    """
    from http.cookiejar import DefaultCookiePolicy

    import requests

    session = requests.Session()
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    csrf = secrets.token_hex(16)
    origin = base.replace("http://", "https://", 1)
    session.headers.update(
        {
            "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "X-Forwarded-Proto": "https",
            "Referer": f"{origin}/",
        }
    )
    return session


def measure(base: str, cookie: str, spec: PageSpec, repeat: int, concurrency: int) -> PageResult:
    result = PageResult(page=spec.label, role=spec.role, url=spec.url or "")
    body = spec.body() if spec.body else None
    session = _session(cookie, base)
    for _ in range(3):
        result.status, _elapsed = _request(session, base, spec, body)
    timings = []
    for _ in range(repeat):
        result.status, elapsed = _request(session, base, spec, body)
        timings.append(elapsed)
    timings.sort()
    result.median_ms = round(statistics.median(timings) * 1000, 1)
    result.p95_ms = round(timings[min(len(timings) - 1, int(len(timings) * 0.95))] * 1000, 1)
    total = repeat * 2
    sessions = [_session(cookie, base) for _ in range(concurrency)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(
            pool.map(lambda i: _request(sessions[i % concurrency], base, spec, body), range(total))
        )
    result.rps = round(total / (time.perf_counter() - started), 1)
    return result


def bench_scale(scale: int) -> ScaleResult:
    url = _database_url(scale)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "TESTING": "",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    env.pop("TESTING", None)
    result = ScaleResult(scale=scale, database=urlparse(url).path.lstrip("/"))
    print(f"== Scale {scale} ({result.database}) ==", flush=True)
    seed_env = {**env, "DEBUG": "1"}
    result.seed_seconds, result.seed_cpu_seconds = seed(scale, url, seed_env)
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.http_bench import in_process; in_process({scale})"
    # Django is set up in a child per scale, so each scale has its own settings and connections.
    # The production build of the static files, as the Dockerfile makes it (a manifest).
    if _static_stale():
        _run(
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
            env=env,
        )
    port = _free_port()
    workers = _env_int("BENCH_WORKERS", 2)
    server = start_gunicorn(env, port, workers)
    try:
        env_out = {
            **env,
            "BENCH_BASE": f"http://127.0.0.1:{port}",
            "BENCH_RESULT": json.dumps(asdict(result)),
        }
        out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env_out,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            sys.stderr.write(out.stderr[-3000:])
            raise SystemExit(f"measuring scale {scale} failed (gunicorn log: {LOG})")
        sys.stderr.write(out.stderr[-2000:])
        data = json.loads(out.stdout.strip().splitlines()[-1])
        result = ScaleResult(**{**data, "pages": [PageResult(**p) for p in data["pages"]]})
        result.worker_peak_mb = worker_peak_mb(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return result


def in_process(scale: int) -> None:
    """Run in a child: Django set up on the bench database, measuring the gunicorn at BENCH_BASE."""
    setup_django({})
    from culture_of_care.improvement.models import DataPoint
    from wards.models import Ward

    data = json.loads(os.environ["BENCH_RESULT"])
    result = ScaleResult(**{**data, "pages": []})
    base = os.environ["BENCH_BASE"]
    repeat = _env_int("BENCH_REQUESTS", 30)
    concurrency = _env_int("BENCH_CONCURRENCY", 4)
    result.wards = Ward.objects.count()
    result.data_points = DataPoint.objects.count()
    result.load_before = [round(x, 2) for x in os.getloadavg()]
    people = personas()
    cookies = {role: session_cookie(user) for role, user in people.items()}
    ceiling = measure(
        base,
        cookies["ward_member"],
        PageSpec("ceiling (trivial signed-in view)", "ward_member", "/bench/ceiling/"),
        repeat,
        concurrency,
    )
    ceiling.queries = count_queries(people["ward_member"], PageSpec("", "", "/bench/ceiling/"))
    result.pages.append(ceiling)
    for spec in page_specs(people):
        if spec.url is None:
            result.pages.append(
                PageResult(page=spec.label, role=spec.role, url="", note="page not built yet")
            )
            continue
        page = measure(base, cookies[spec.role], spec, repeat, concurrency)
        page.queries = count_queries(people[spec.role], spec)
        page.share_of_ceiling = round(page.rps / ceiling.rps, 3) if ceiling.rps else None
        if page.status != 200:
            page.note = f"answered {page.status}"
        result.pages.append(page)
        print(f"   {spec.label}: {page.median_ms} ms median", file=sys.stderr, flush=True)
    result.raw_sql_floor_ms = raw_sql_floor_ms()
    if os.environ.get("BENCH_SKIP_JOBS"):
        # The seed's last step is the same full refresh; its time is in the seed's output.
        result.notes.append("snapshot job and board report skipped (BENCH_SKIP_JOBS)")
        result.load_after = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(asdict(result)))
        return
    result.snapshot_seconds, snapshot_note = _timed_job(
        [("culture_of_care.reporting.services", "snapshots_refresh")]
    )
    result.notes.append(f"snapshot job: {snapshot_note}")
    try:
        started = time.perf_counter()
        board_report_job(people)
        result.board_report_seconds = round(time.perf_counter() - started, 2)
    except (ImportError, AttributeError) as error:
        result.notes.append(f"board report: not built yet ({error})")
    result.load_after = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(asdict(result)))


def print_table(results: list[ScaleResult]) -> None:
    header = f"{'page':<40} {'role':<18} {'scale':>5} {'median':>8} {'p95':>8} {'req/s':>7} {'ceil%':>6} {'SQL':>4}  note"
    print(header)
    print("-" * len(header))
    for result in results:
        for page in result.pages:
            share = (
                f"{page.share_of_ceiling * 100:.0f}%" if page.share_of_ceiling is not None else ""
            )
            queries = "" if page.queries is None else str(page.queries)
            print(
                f"{page.page:<40} {page.role:<18} {result.scale:>5} {page.median_ms:>6.1f}ms "
                f"{page.p95_ms:>6.1f}ms {page.rps:>7.1f} {share:>6} {queries:>4}  {page.note}"
            )
    print()
    for result in results:
        seeded = (
            f"{result.seed_seconds:.0f} s ({result.seed_cpu_seconds:.0f} s of CPU)"
            if result.seed_seconds
            else "reused"
        )
        print(
            f"scale {result.scale}: {result.wards} wards, {result.data_points:,} data points; seeding {seeded}; "
            f"web worker peak {result.worker_peak_mb} MB; raw SQL floor {result.raw_sql_floor_ms} ms; "
            f"snapshot job {result.snapshot_seconds} s; board report {result.board_report_seconds} s"
        )
        print(
            f"   load average (1, 5, 15 min) before {result.load_before}, after {result.load_after}"
        )
        for note in result.notes:
            print(f"   {note}")


def main() -> int:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    results = [bench_scale(scale) for scale in scales]
    print()
    print_table(results)
    output = Path(os.environ.get("BENCH_OUTPUT", ROOT / "bench" / "results.json"))
    output.write_text(json.dumps([asdict(r) for r in results], indent=2))
    print(f"\nWritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
