"""Helpers for browser tests: signing in, axe checks, keyboard and focus checks.

The fixtures (``page``, ``mobile_page``, ``new_page``, the browser itself) are in conftest.py;
this module holds the plain functions a test imports::

    from tests.system.browser import check_axe, sign_in
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_FAILING_IMPACTS = ("serious", "critical")
# Rules a test may switch off with ``check_axe(page, exclude_rules=(...))``: each needs its reason
# here, and nothing else can be excluded. Prefer fixing the page; keep this empty if you can.
AXE_EXCLUDED_RULES: dict[str, str] = {}

# Reports every Content-Security-Policy violation to the console, where the page fixtures look.
CSP_VIOLATION_PREFIX = "CSP violation:"
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const text = "CSP violation: " + event.effectiveDirective + " blocked "
    + (event.blockedURI || "inline") + " on " + event.documentURI
    + (event.sample ? " (" + event.sample + ")" : "");
  window.__cspViolations.push(text);
  console.error(text);
});
"""


def is_csp_violation(console_line: str) -> bool:
    """A console line saying the page's Content-Security-Policy blocked something."""
    return CSP_VIOLATION_PREFIX in console_line or "Content Security Policy" in console_line


def csp_violations(page: Any) -> list[str]:
    """What the CSP blocked on the current page (the listener above also logs it)."""
    return page.evaluate("window.__cspViolations || []")


NHS_FOCUS_YELLOW = "rgb(255, 235, 59)"  # $nhsuk-focus-colour, #ffeb3b
NHS_BLUE = "rgb(0, 94, 184)"  # $color_nhsuk-blue, #005eb8


def totp_code(secret: str) -> str:
    """The current code an authenticator app would show for this secret.

    Near the end of a 30-second window we wait for the next one, so the code cannot expire
    between typing it and the server checking it.
    """
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if 30 - time.time() % 30 < 2:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def type_into(page: Any, selector: str, text: str) -> None:
    """Move focus to a field and type as a keyboard user would."""
    page.focus(selector)
    page.keyboard.type(text)


def press_and_wait(page: Any, key: str = "Enter") -> None:
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in(
    page: Any, live_server: Any, email: str, password: str, totp_secret: str | None = None
) -> None:
    """Sign in through the real form with the keyboard; then the security-code page, if asked."""
    page.goto(f"{live_server.url}{reverse('account_login')}")
    type_into(page, "#id_login", email)
    type_into(page, "#id_password", password)
    press_and_wait(page)
    if totp_secret is not None:
        assert reverse("mfa_authenticate") in page.url, f"expected the code page, got {page.url}"
        type_into(page, "#id_code", totp_code(totp_secret))
        press_and_wait(page)


def log_in_as(page: Any, live_server: Any, user: Any) -> None:
    """A signed-in session for ``user`` without the sign-in form (as ``client_for`` does)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def check_axe(page: Any, *, exclude_rules: Iterable[str] = ()) -> dict[str, Any]:
    """Run axe-core on the page against WCAG 2.2 AA; fail on serious or critical violations."""
    blocked = csp_violations(page)
    assert not blocked, f"The Content-Security-Policy blocked something on {page.url}: {blocked}"
    excluded = tuple(exclude_rules)
    undocumented = [rule for rule in excluded if rule not in AXE_EXCLUDED_RULES]
    assert not undocumented, (
        f"Excluded axe rules need a reason in AXE_EXCLUDED_RULES first: {undocumented}"
    )
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would (rightly) be refused by the
        # page's Content-Security-Policy.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
        AXE_TAGS,
    )
    violations = [
        v
        for v in results["violations"]
        if v["impact"] in AXE_FAILING_IMPACTS and v["id"] not in excluded
    ]
    if violations:
        lines = [f"axe found {len(violations)} serious or critical problem(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            for node in violation["nodes"]:
                lines.append(f"    at {', '.join(map(str, node['target']))}")
                if node.get("failureSummary"):
                    summary = node["failureSummary"].replace("\n", " / ")
                    lines.append(f"       {summary}")
        pytest.fail("\n".join(lines), pytrace=False)
    return results


def focus_style(page: Any) -> dict[str, str] | None:
    """The computed style that shows focus on the focused element (None when nothing has it)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body || el === document.documentElement) return null;
            const s = getComputedStyle(el);
            return {
                element: el.outerHTML.slice(0, 120),
                outlineStyle: s.outlineStyle,
                outlineWidth: s.outlineWidth,
                outlineColor: s.outlineColor,
                boxShadow: s.boxShadow,
                backgroundColor: s.backgroundColor,
            };
        }"""
    )


def assert_focus_visible(page: Any) -> None:
    """Something has focus and it shows: an outline, a box shadow or the NHS focus yellow."""
    style = focus_style(page)
    assert style is not None, "Nothing on the page has keyboard focus"
    transparent = style["outlineColor"] in ("transparent", "rgba(0, 0, 0, 0)")
    outline = (
        style["outlineStyle"] != "none"
        and float(style["outlineWidth"].removesuffix("px") or 0) > 0
        and not transparent
    )
    shadow = style["boxShadow"] not in ("", "none")
    yellow = style["backgroundColor"] == NHS_FOCUS_YELLOW
    assert outline or shadow or yellow, f"Focus is not visible: {style}"


def assert_no_horizontal_scroll(page: Any, width: int | None = None) -> None:
    """The page reflows to the viewport: nothing makes it scroll sideways (WCAG 1.4.10).

    Waits for the load event first: the NHS.UK header script folds navigation links that do
    not fit into "More" only once it has run.
    """
    page.wait_for_load_state("load")
    width = width or page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


def wait_for_error_summary_focus(page: Any) -> None:
    """The error summary appears and takes focus (a screen reader reads it out first)."""
    page.wait_for_function(
        "() => document.activeElement"
        " && document.activeElement.classList.contains('nhsuk-error-summary')"
    )
