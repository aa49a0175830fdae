"""The dashboard in a real browser (Debian's chromium driven by Playwright), on the small demo.

Screenshots of every page go to ``screenshots/`` (ignored by git) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from tests.integration.web_http import PAGES, PASSWORDS, add_users, auth_config, serve

from pulso.api.app import create_app

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:The Result.tuples:sqlalchemy.exc.SADeprecationWarning"),
]

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed (make installs it: apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def base(demo_sqlite_engine) -> Iterator[str]:
    add_users(demo_sqlite_engine)
    with serve(create_app(demo_sqlite_engine, auth=auth_config())) as url:
        yield url


@pytest.fixture
def page(browser: Browser, base: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base, viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def _log_in(page: Page, role: str = "analyst") -> None:
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill(f"{role}@pulso.pe")
    page.get_by_label("Contraseña").fill(PASSWORDS[role])
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/")


def test_log_in_and_open_every_page_without_console_errors(page: Page):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if _is_error(m) else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    _log_in(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    for path in PAGES:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1
        name = path.strip("/").replace("/", "-") or "resumen"
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert problems == []


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"


def test_apply_a_filter_and_export_a_table(page: Page):
    _log_in(page)
    page.goto("/prices")
    page.get_by_test_id("filter-category").select_option("Lácteos")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**/prices?**category=L%C3%A1cteos**")
    assert page.get_by_test_id("filter-category").input_value() == "Lácteos"
    page.goto("/data")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv-runs").click()
    download = download_info.value
    assert download.suggested_filename.startswith("pulso-runs-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Carga,Fuente,Tipo")
    assert "demo-plaza-vea" in text


def test_switch_language_and_keep_it(page: Page):
    _log_in(page)
    assert page.locator("h1").inner_text() == "Resumen"
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Overview"
    page.get_by_role("link", name="Data", exact=True).click()
    assert page.locator("h1").inner_text() == "Data"
    page.screenshot(path=str(SCREENSHOTS / "data-en.png"), full_page=False)


def test_recommendations_page_explains_what_is_missing(page: Page):
    _log_in(page)
    page.goto("/recommendations")
    state = page.get_by_test_id("empty-state")
    if state.count():  # the small demo loads no trained recommender
        assert "recomendador" in state.inner_text()
        return
    page.get_by_test_id("restaurant-new").select_option(index=1)
    page.get_by_test_id("likes").fill("lomo saltado")
    page.get_by_test_id("recommend-new").click()
    assert page.get_by_test_id("recommendations").locator("li").count() > 0


def test_anonymous_visitors_are_refused(page: Page):
    page.goto("/prices")
    assert page.url.endswith("/login?next=%2Fprices")
    api = page.request.get("/api/v1/ingest-runs")
    assert api.status == 401
    assert api.headers["content-type"] == "application/problem+json"


def test_viewers_see_no_acknowledge_button_on_a_tablet(browser: Browser, base: str):
    context = browser.new_context(base_url=base, viewport={"width": 820, "height": 1180})
    tab = context.new_page()
    try:
        _log_in(tab, "viewer")
        tab.get_by_role("button", name="Menú").click()
        tab.get_by_role("link", name="Alertas", exact=True).click()
        assert tab.locator("h1").inner_text() == "Alertas"
        assert tab.locator("[data-testid^=ack-]").count() == 0
        tab.screenshot(path=str(SCREENSHOTS / "alertas-tablet.png"), full_page=False)
    finally:
        context.close()
