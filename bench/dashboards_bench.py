"""Dashboard timings for ``make bench``: the snapshot refresh and each dashboard page.

Prints, for the seeded demo: the full nightly refresh, one organisation's refresh (what a data
change queues), and each page's time, queries and size, served from the snapshots.
"""

from __future__ import annotations

import time


def bench_dashboards() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from culture_of_care.accounts.models import RoleAssignment
    from culture_of_care.accounts.roles import Role
    from culture_of_care.reporting.services import snapshots_refresh
    from wards.models import Ward

    print("== Dashboards ==", flush=True)
    started = time.perf_counter()
    rows = snapshots_refresh()
    print(f"Nightly refresh: {rows} snapshot rows in {time.perf_counter() - started:.2f} s")
    ward = Ward.objects.select_related("organisation").order_by("pk").first()
    started = time.perf_counter()
    snapshots_refresh(organisation_ids=[ward.organisation_id])
    print(f"One organisation's refresh: {time.perf_counter() - started:.2f} s")
    from culture_of_care.accounts.models import User
    from culture_of_care.demo import DEMO_DOMAIN

    # The demo programme lead (with an authenticator, so two-factor sign-in lets them through).
    lead = User.objects.filter(email=f"lead@{DEMO_DOMAIN}").first() or (
        RoleAssignment.objects.filter(role=Role.PROGRAMME_LEAD).first().user
    )
    client = Client()
    client.force_login(lead)
    for label, url in (
        ("National", "/dashboards/"),
        ("National, filtered", "/dashboards/?provider_type=nhs_trust"),
        ("Region", f"/dashboards/regions/{ward.organisation.region}/"),
        ("Organisation", f"/dashboards/organisations/{ward.organisation.ods_code}/"),
        ("Ward", f"/dashboards/wards/{ward.pk}/"),
        ("Ward table export (XLSX)", "/dashboards/export/wards.xlsx"),
    ):
        client.get(url)
        best, queries, size = float("inf"), 0, 0
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                best = min(best, time.perf_counter() - started)
            queries, size = len(captured), len(response.content)
        status = response.status_code
        print(f"{label}: {best * 1000:.0f} ms, {queries} queries, {size / 1024:.0f} KiB ({status})")
