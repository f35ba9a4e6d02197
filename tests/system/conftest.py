"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live
server. Every test here is marked ``system`` and put in the ``browser`` xdist group, so one worker
runs them all with one browser. How to run them: docs/browser-tests.md.

Fixtures here: ``page`` (1280x900) and ``mobile_page`` (375x812, a phone), each in a fresh
browser context, or ``new_page(viewport=...)`` for a second person in the same test; with them
``live_server`` (pytest-django) and the persona fixtures from the root conftest.py, which commit
here because the live server reads from another thread.

Helpers, imported from ``tests.system.browser``: ``sign_in`` (the real form, and the security-code
step), ``log_in_as`` (a session without the form), ``check_axe`` (WCAG 2.2 AA; its documented
exclusions are ``AXE_EXCLUDED_RULES`` there), ``assert_focus_visible``, ``type_into`` and
``press_and_wait``.

On failure a screenshot, the page HTML and the browser console go to ``TEST_ARTIFACTS_DIR``
(default ``test-artifacts/``), named after the test.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.reference_data import restore_reference_data
from tests.system.browser import AXE_PATH, CSP_LISTENER, is_csp_violation

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}
# Actions and assertions wait at most this long: a page that takes longer is a failure.
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    """The Chromium to drive: $CHROMIUM_PATH, else Debian's /usr/bin/chromium."""
    candidate = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    resolved = shutil.which(candidate)
    return resolved if resolved and os.access(resolved, os.X_OK) else None


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this marker; with ``-p no:xdist`` --strict-markers would refuse it.
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test, run by the one worker that owns the browser."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.system)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report on the test, so the page fixture knows whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser() -> Generator[Any]:
    """One headless Chromium for all browser tests, with a throwaway profile.

    Package-scoped rather than session-scoped on purpose: Playwright's sync API keeps an asyncio
    loop running in the main thread while it is alive, and Django refuses ORM calls from a thread
    with a running loop. We allow them (``DJANGO_ALLOW_ASYNC_UNSAFE``) only while the browser is
    up, and close it when the browser tests are done, so tests that run afterwards in the same
    worker keep Django's normal safety check.
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "No Chromium found for the browser tests: install it with `apt-get install chromium` "
            "(Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome executable."
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not (Path(settings.BASE_DIR) / "static" / "vendor" / "nhsuk").is_dir():
        pytest.fail("The NHS.UK frontend is not built: run `make assets` first.")
    if not AXE_PATH.is_file():
        pytest.fail(f"{AXE_PATH} is missing: run `npm ci` (or `make assets`) first.")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        # launch() uses a temporary profile it deletes on close; nothing is downloaded.
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _browser_test_database(transactional_db, django_db_serialized_rollback) -> None:
    """The live server answers from another thread, so tests commit (``transactional_db``).

    Each such test ends by emptying the database; the rows that data migrations create (service
    types, commitments, measures, theories, milestones) are put back before the next one
    (``tests.reference_data``). The cache is cleared so rate limits and used security codes
    from one test do not leak into the next.
    """
    cache.clear()
    restore_reference_data()


def _artifact_dir() -> Path:
    folder = Path(os.environ.get("TEST_ARTIFACTS_DIR") or "test-artifacts")
    return folder if folder.is_absolute() else Path(settings.BASE_DIR) / folder


def _failed(item: pytest.Item) -> bool:
    return any(
        getattr(getattr(item, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


def _save_artifacts(item: pytest.Item, pages: list[tuple[Any, list[str]]]) -> None:
    folder = _artifact_dir()
    folder.mkdir(parents=True, exist_ok=True)
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")
    for index, (page, console) in enumerate(pages):
        name = base if index == 0 else f"{base}-{index + 1}"
        try:
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            (folder / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - a closed page must not hide the real failure
            console = [*console, f"(could not save the page: {exc!r})"]
        (folder / f"{name}.console.txt").write_text(
            f"URL: {page.url}\n" + "\n".join(console) + "\n", encoding="utf-8"
        )


# Requests that leave the live server are refused, so the tests never touch the network (the
# NHS.UK stylesheet asks assets.nhs.uk for the Frutiger font; the fallback font is used instead).
# A regular expression, not a function, so the browser matches it without asking Python each time.
EXTERNAL_URL = re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/])https?://")


def _open_page(browser: Any, viewport: dict[str, int] | None, **options: Any) -> tuple[Any, list]:
    context = browser.new_context(viewport=viewport or DESKTOP, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(EXTERNAL_URL, lambda route: route.abort())
    # Every page reports what its Content-Security-Policy blocks, so no test passes on a page that
    # the CSP broke (an init script runs outside the page's CSP, before the page's own scripts).
    context.add_init_script(script=CSP_LISTENER)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"[{msg.type}] {msg.text}"))
    page.on("pageerror", lambda error: console.append(f"[pageerror] {error}"))
    return page, console


def _fail_on_csp_violations(pages: list[tuple[Any, list[str]]]) -> None:
    found = [line for _, console in pages for line in console if is_csp_violation(line)]
    if found:
        pytest.fail("The Content-Security-Policy blocked something:\n" + "\n".join(found))


@pytest.fixture
def new_page(browser, live_server, request) -> Generator[Callable[..., Any]]:
    """``new_page(viewport=DESKTOP, **context_options)``: a page in its own browser context, as
    a second person in the same test would have."""
    opened: list[tuple[Any, list[str]]] = []

    def make(viewport: dict[str, int] | None = None, **options: Any) -> Any:
        page, console = _open_page(browser, viewport, **options)
        opened.append((page, console))
        return page

    yield make

    if _failed(request.node):
        _save_artifacts(request.node, opened)
    for page, _ in opened:
        page.context.close()
    _fail_on_csp_violations(opened)


@pytest.fixture(scope="module")
def _module_page(browser, live_server) -> Generator[tuple[Any, list[str]]]:
    page, console = _open_page(browser, DESKTOP)
    yield page, console
    page.context.close()


@pytest.fixture
def reused_page(_module_page, request) -> Generator[Any]:
    """A desktop page shared by the tests of one module, signed out and blank at the start of
    each: quicker than ``page`` (the browser keeps its cache of our static files) for scans
    that only look at pages."""
    page, console = _module_page
    page.context.clear_cookies()
    page.goto("about:blank")
    console.clear()
    yield page
    if _failed(request.node):
        _save_artifacts(request.node, [(page, console)])
    _fail_on_csp_violations([(page, console)])


@pytest.fixture
def page(new_page) -> Any:
    """A desktop browser page (1280x900), signed out."""
    return new_page(DESKTOP)


@pytest.fixture
def mobile_page(new_page) -> Any:
    """A phone-sized page (375x812, touch, honouring the viewport meta tag), signed out."""
    return new_page(MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2)
