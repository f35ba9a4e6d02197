"""Every main page, as each role that can see it, passes axe (WCAG 2.2 AA) in a real browser.

To add a page, append a ``Screen`` to ``SCREENS``: a name, a function that builds its path, and
the personas (fixture names from the root conftest.py, or ``ANONYMOUS``) who can see it. The path
function gets a ``Scene``: ``scene.org`` and ``scene.ward`` are the persona's own organisation and
ward, ``scene.user`` the signed-in person, and ``scene.fixture("name")`` any other fixture (for
example a factory-made QI project). Journeys through forms belong in their own test modules.

Not scanned: the API docs (/api/docs/). That page is drf-spectacular's bundled Swagger UI, a
third-party single-page app outside our templates and the NHS.UK design system, for developers
using the API rather than for people taking part in the programme; we cannot fix what axe finds
there without forking it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from tests.system.browser import check_axe, log_in_as

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

ANONYMOUS = "anonymous"
# Everyone who takes part, each holding one role for "our" organisation or ward.
EVERY_ROLE = (
    "admin",
    "programme_lead",
    "org_lead",
    "executive",
    "leadership_coach",
    "risk_lead",
    "qi_coach",
    "ward_member",
)


@dataclass
class Scene:
    """What a path function may use to build its URL."""

    org: Any
    ward: Any
    user: Any
    fixture: Callable[[str], Any]


@dataclass(frozen=True)
class Screen:
    name: str
    path: Callable[[Scene], str]
    personas: tuple[str, ...]
    status: int = 200
    # Only rules documented in tests.system.browser.AXE_EXCLUDED_RULES can go here.
    exclude_rules: tuple[str, ...] = field(default=())


def _chart_screens() -> list[Screen]:
    from culture_of_care.improvement.models import Signal
    from culture_of_care.improvement.tests.chart_factories import chart_scene

    def measure(s: Scene) -> int:
        return chart_scene(s.ward).pk

    def ward_chart(name: str) -> Callable[[Scene], str]:
        return lambda s: reverse(f"charts:ward_{name}", args=[s.ward.pk, measure(s)])

    def review(s: Scene) -> str:
        chart_scene(s.ward)
        signal = Signal.objects.filter(ward=s.ward).order_by("period_start").first()
        return reverse("charts:signal_review", args=[signal.pk])

    ods = lambda s: s.org.ods_code  # noqa: E731
    return [
        Screen(
            "chart-ward-summary",
            lambda s: (measure(s), reverse("charts:ward_summary", args=[s.ward.pk]))[1],
            ("ward_member", "org_lead"),
        ),
        Screen("chart-ward-measure", ward_chart("chart"), ("ward_member", "executive")),
        Screen(
            "chart-ward-measure-run",
            lambda s: ward_chart("chart")(s) + "?view=run",
            ("qi_coach",),
        ),
        Screen("chart-rebase", ward_chart("rebase"), ("ward_member",)),
        Screen("chart-settings", ward_chart("settings"), ("qi_coach",)),
        Screen("chart-note", ward_chart("note"), ("ward_member",)),
        Screen(
            "chart-organisation-summary",
            lambda s: (measure(s), reverse("charts:organisation_summary", args=[ods(s)]))[1],
            ("org_lead",),
        ),
        Screen(
            "chart-organisation-measure",
            lambda s: reverse("charts:organisation_chart", args=[ods(s), measure(s)]),
            ("org_lead",),
        ),
        Screen(
            "chart-ward-signals",
            lambda s: (measure(s), reverse("charts:ward_signals", args=[s.ward.pk]))[1],
            ("ward_member",),
        ),
        Screen(
            "chart-my-signals",
            lambda s: (measure(s), reverse("charts:my_signals"))[1],
            ("qi_coach",),
        ),
        Screen("chart-signal-review", review, ("ward_member",)),
        Screen(
            "programme-summary",
            lambda s: (measure(s), reverse("reporting:programme_summary"))[1],
            ("programme_lead",),
        ),
        Screen(
            "programme-measure",
            lambda s: reverse("reporting:programme_chart", args=[measure(s)]),
            ("programme_lead",),
        ),
    ]


def _risk_screens() -> list[Screen]:
    from risk.tests.factories import risk_path

    def org_page(name: str) -> Callable[[Scene], str]:
        return lambda s: risk_path(s.org, name)

    def programme_page(name: str) -> Callable[[Scene], str]:
        return lambda s: risk_path(s.org, name, with_org=False)

    return [
        Screen("risk-dashboard", programme_page("risk:dashboard"), ("risk_lead", "programme_lead")),
        Screen("risk-organisation", org_page("risk:organisation"), ("org_lead", "programme_lead")),
        Screen("risk-self-assessment", org_page("risk:self_assessment"), ("risk_lead",)),
        Screen("risk-milestones", org_page("risk:milestones"), ("risk_lead",)),
        Screen("risk-audits", org_page("risk:audits"), ("org_lead", "programme_lead")),
        Screen("risk-audit-new", org_page("risk:audit_new"), ("risk_lead",)),
        Screen("risk-practice", programme_page("risk:practice_list"), ("org_lead",)),
        Screen("risk-participation", programme_page("risk:participation_list"), ("admin",)),
    ]


def _qi_screens() -> list[Screen]:
    """The QI method (culture_of_care/improvement/views/): qi_scene gives the ward a project
    with a change idea, cycles and a year of data."""
    from culture_of_care.improvement.models import ChangeTheory
    from culture_of_care.improvement.tests.factories import ensure_reference_data, qi_scene

    scenes: dict[int, dict] = {}

    def scene(s: Scene) -> dict:
        # Each test starts from an empty database, so the scene is built once per test.
        key = (s.ward.pk, s.user.pk if s.user else None, id(s.fixture))
        if key not in scenes:
            scenes.clear()
            scenes[key] = qi_scene(s.ward)
        return scenes[key]

    def page(name: str, key: str = "project", *extra: Any) -> Callable[[Scene], str]:
        return lambda s: reverse(name, args=[scene(s)[key].pk, *extra])

    def cycle_history(s: Scene) -> str:
        cycle = scene(s)["cycle"]
        cycle.objective = f"{cycle.objective} (changed)"
        cycle.save(update_fields=["objective"])
        return reverse("history:object", args=["cycle", cycle.pk])

    def theory(s: Scene) -> str:
        ensure_reference_data()
        return reverse("improvement:theory", args=[ChangeTheory.objects.get(level="ward").pk])

    team = ("ward_member", "qi_coach")
    return [
        Screen("qi-theories", lambda s: reverse("improvement:theories"), ("ward_member", "admin")),
        Screen("qi-theory", theory, ("ward_member", "admin")),
        Screen("qi-project", page("improvement:project"), (*team, "org_lead")),
        Screen("qi-project-edit", page("improvement:project_edit"), ("ward_member",)),
        Screen("qi-measure-add", page("improvement:measure_add"), ("ward_member",)),
        Screen("qi-change-idea-add", page("improvement:change_idea_add"), ("ward_member",)),
        Screen("qi-change-idea", page("improvement:change_idea", "idea"), team),
        Screen("qi-cycle", page("improvement:cycle", "cycle"), team),
        Screen("qi-cycle-plan", page("improvement:cycle_stage", "cycle", "plan"), ("ward_member",)),
        Screen("qi-cycle-history", cycle_history, ("org_lead", "admin")),  # history (issue 16)
        Screen("qi-cycles", page("improvement:cycles"), (*team, "programme_lead")),
        Screen("qi-scores", page("improvement:scores"), team),
        Screen("qi-data", page("improvement:data"), (*team, "executive")),
        Screen(
            "qi-data-groups",
            lambda s: reverse(
                "improvement:data_groups",
                args=[scene(s)["project"].pk, scene(s)["measure"].pk, "2025-06"],
            ),
            ("ward_member",),
        ),
        Screen(
            "qi-upload",
            lambda s: reverse("improvement:upload", args=[s.org.ods_code]),
            ("org_lead",),
        ),
        Screen("qi-library", lambda s: reverse("improvement:library"), ("ward_member",)),
        Screen("qi-library-cycle", page("improvement:library_cycle", "shared"), ("ward_member",)),
    ]


def _equity_and_report_screens() -> list[Screen]:
    from culture_of_care.improvement.tests.chart_factories import chart_scene
    from culture_of_care.reporting.models import BoardReport

    def with_data(path: Callable[[Scene], str]) -> Callable[[Scene], str]:
        def build(s: Scene) -> str:
            chart_scene(s.ward)
            return path(s)

        return build

    def reports(s: Scene) -> str:
        BoardReport.objects.get_or_create(
            organisation=s.org, month=s.ward.coaching_start.replace(day=1)
        )
        return reverse("reporting:board_reports")

    return [
        Screen(
            "equity-national", with_data(lambda s: reverse("reporting:equity")), ("programme_lead",)
        ),
        Screen(
            "equity-organisation",
            with_data(lambda s: reverse("reporting:equity_organisation", args=[s.org.ods_code])),
            ("org_lead",),
        ),
        Screen(
            "equity-ward",
            with_data(lambda s: reverse("reporting:equity_ward", args=[s.ward.pk])),
            ("ward_member",),
        ),
        Screen("board-reports", reports, ("org_lead", "programme_lead", "executive")),
    ]


SCREENS: list[Screen] = [
    # Signed out
    Screen("sign-in", lambda s: reverse("account_login"), (ANONYMOUS,)),
    Screen("password-reset", lambda s: reverse("account_reset_password"), (ANONYMOUS,)),
    Screen("password-reset-sent", lambda s: reverse("account_reset_password_done"), (ANONYMOUS,)),
    Screen(
        "invitation-link-broken",
        lambda s: reverse("invitation_accept", args=["not-a-real-token"]),
        (ANONYMOUS,),
        status=410,
    ),
    Screen("accessibility", lambda s: reverse("accessibility"), (ANONYMOUS, "ward_member")),
    Screen("privacy", lambda s: reverse("privacy"), (ANONYMOUS, "ward_member")),
    # Everyone's home, and the one for people with no role yet
    Screen("home", lambda s: reverse("home"), (*EVERY_ROLE, "no_role_user")),
    Screen("sign-out", lambda s: reverse("account_logout"), ("ward_member",)),
    # Organisations and wards
    Screen("organisation-list", lambda s: reverse("organisations:list"), EVERY_ROLE),
    Screen(
        "organisation-detail",
        lambda s: reverse("organisations:detail", args=[s.org.ods_code]),
        EVERY_ROLE,
    ),
    Screen(
        "organisation-invite",
        lambda s: reverse("organisations:invite", args=[s.org.ods_code]),
        ("org_lead",),
    ),
    Screen(  # history (issue 16): a person's page lists changes to their details and roles
        "organisation-person",
        lambda s: reverse("organisations:person", args=[s.org.ods_code, s.user.pk]),
        ("org_lead",),
    ),
    Screen("ward-list", lambda s: reverse("wards:list"), EVERY_ROLE),
    Screen("ward-detail", lambda s: reverse("wards:detail", args=[s.ward.pk]), EVERY_ROLE),
    # SPC charts (culture_of_care/improvement/charts/views.py, reporting): chart_scene gives the
    # ward a measure with two years of data, a PDSA cycle, a note and signals.
    *_chart_screens(),
    # Coaching (coaching/views.py)
    Screen(
        "coaching-caseload",
        lambda s: reverse("coaching:caseload"),
        ("qi_coach", "leadership_coach", "risk_lead"),
    ),
    Screen("coaching-coverage", lambda s: reverse("coaching:coverage"), ("programme_lead",)),
    Screen(
        "coaching-sessions",
        lambda s: reverse("coaching:session_list"),
        ("org_lead", "programme_lead"),
    ),
    Screen(
        "coaching-log-session",
        lambda s: reverse("coaching:session_new"),
        ("qi_coach", "leadership_coach", "admin"),
    ),
    Screen("coaching-actions", lambda s: reverse("coaching:action_list"), ("qi_coach",)),
    Screen("coaching-calendar", lambda s: reverse("coaching:calendar"), ("qi_coach",)),
    Screen(
        "coaching-executives", lambda s: reverse("coaching:executive_list"), ("leadership_coach",)
    ),
    Screen("coaching-rhythm", lambda s: reverse("coaching:rhythm"), ("admin",)),
    # Risk (risk/views.py): risk_path builds a year-one organisation's year of risk work.
    *_risk_screens(),
    # QI method (culture_of_care/improvement/views/)
    *_qi_screens(),
    # Equity and board reports (culture_of_care/reporting/)
    *_equity_and_report_screens(),
]


CASES = [
    pytest.param(screen, persona, id=f"{screen.name}-as-{persona}")
    for screen in SCREENS
    for persona in screen.personas
]


@pytest.mark.parametrize(("screen", "persona"), CASES)
def test_page_passes_axe(reused_page, live_server, request, org, ward, other_ward, screen, persona):
    page = reused_page
    user = None if persona == ANONYMOUS else request.getfixturevalue(persona)
    if user is not None:
        log_in_as(page, live_server, user)
    path = screen.path(Scene(org=org, ward=ward, user=user, fixture=request.getfixturevalue))

    response = page.goto(f"{live_server.url}{path}")

    assert response is not None
    assert response.status == screen.status, f"{path} answered {response.status}"
    assert page.url == f"{live_server.url}{path}", f"{path} redirected to {page.url}"
    assert page.locator("h1").count() == 1, "each page has exactly one main heading"
    check_axe(page, exclude_rules=screen.exclude_rules)
