"""Falabella and HTML sources, and polite crawling, against real servers on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.integration.sources_sites import (
    SEARCH,
    Reply,
    falabella_page,
    falabella_result,
    running_site,
    vtex_product,
    vtex_search_route,
)

from pulso.errors import SourceError
from pulso.ingest.connectors import (
    CircuitOpenError,
    HttpPolicy,
    RobotsDisallowedError,
    SourceRuntime,
    add_source,
    get_source,
    run_source,
)
from pulso.store.tables import Alert, IngestRun, Listing, PriceObservation, QuarantinedRow

POLICY = HttpPolicy(
    min_interval_seconds=0,
    backoff_seconds=0.01,
    max_backoff_seconds=0.05,
    max_retries=2,
    breaker_threshold=3,
    breaker_cooldown_seconds=600,
)
RUNTIME = SourceRuntime(policy=POLICY)
CATEGORY = "/tottus-pe/category/cat13380487/Despensa"


def stored_prices(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Listing.external_id,
                PriceObservation.regular_price_pen,
                PriceObservation.offer_price_pen,
                PriceObservation.card_price_pen,
                PriceObservation.card_name,
                PriceObservation.promo_text,
            ).join(Listing, Listing.id == PriceObservation.listing_id)
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_falabella_pages_with_embedded_json(sqlite_engine, ingest_options):
    pages = {
        "1": [
            falabella_result(
                "101", "Arroz Costeño 5kg", normal="27.90", internet="24.90", cmr="21.90"
            ),
            falabella_result("102", "Aceite Primor 1L", internet="10.50", badge="-10%"),
        ],
        "2": [
            falabella_result("103", "Azúcar Rubia Tottus 1kg", internet="4.20"),
            falabella_result("104", "Fideos Tottus 500g", normal="3.50", internet="2.99"),
        ],
        "3": [falabella_result("105", "Atún Tottus 140g", internet="1,299.00")],
    }

    def category(request):
        page = request.arg("page", "1")
        return Reply(
            200,
            falabella_page(pages[page], count=5, page=int(page), per_page=2),
            {"Content-Type": "text/html; charset=utf-8"},
        )

    with running_site() as site:
        site.route(CATEGORY, category)
        site.route("/tottus-pe/category/cat99/Roto", Reply(200, "<html>mantenimiento</html>"))
        add_source(
            sqlite_engine,
            "falabella",
            "tottus",
            config={
                "base_url": site.url,
                "category_urls": [CATEGORY, f"{site.url}/tottus-pe/category/cat99/Roto"],
            },
        )
        result = run_source(sqlite_engine, "tottus", options=ingest_options, runtime=RUNTIME)
        asked = [h.arg("page", "1") for h in site.hits_to(CATEGORY)]

    assert asked == ["1", "2", "3"]
    assert (result.accepted, result.quarantined) == (5, 1)
    prices = stored_prices(sqlite_engine)
    assert prices["101"] == (27.9, 24.9, 21.9, "CMR", None)
    assert prices["102"] == (10.5, None, None, None, "-10%")
    assert prices["104"] == (3.5, 2.99, None, None, None)
    assert prices["105"][0] == 1299.0
    with sqlite_engine.connect() as connection:
        listing = connection.execute(select(Listing).where(Listing.external_id == "101")).one()
        reason = connection.scalar(select(QuarantinedRow.reason))
    assert (listing.retailer_id is not None, listing.ean, listing.category) == (
        True,
        None,
        "Despensa",
    )
    assert listing.url == f"{site.url}/tottus-pe/product/101/Arroz-Costeño-5kg"
    assert reason is not None
    assert reason.endswith("the page has no __NEXT_DATA__ script")


HTML_CONFIG = {
    "retailer": "Bodega Central",
    "start_urls": [],
    "selectors": {
        "tile": "article.item",
        "name": "h2",
        "price": ".precio",
        "regular_price": ".antes",
        "promo": ".promo",
        "link": "a",
        "next_page": "a.siguiente",
    },
}


def html_page(tiles: list[tuple[str, str, str | None]], next_href: str | None) -> str:
    items = "".join(
        f'<article class="item"><a href="/p/{slug}"><h2>{slug.title()}</h2></a>'
        f'<span class="precio">{price}</span>'
        + (f'<span class="antes">{before}</span>' if before else "")
        + "</article>"
        for slug, price, before in tiles
    )
    link = f'<a class="siguiente" href="{next_href}">Siguiente ›</a>' if next_href else ""
    return f"<html><body><main>{items}</main>{link}</body></html>"


def test_html_price_formats_and_a_next_page_loop(sqlite_engine, ingest_options):
    pages = {
        "1": html_page(
            [("arroz", "S/ 12.90", None), ("aceite", "S/12,90", "S/ 14,50")], "?page=2"
        ),
        "2": html_page(
            [("azucar", "S/. 1,299.00", None), ("fideos", "S/ 2.50 - S/ 3.80", None)], "?page=3"
        ),
        "3": html_page([("atun", "Agotado", None)], "/ofertas?page=1"),  # loops back
    }

    def listing(request):
        return Reply(200, pages[request.arg("page", "1")], {"Content-Type": "text/html"})

    with running_site() as site:
        site.route("/ofertas", listing)
        add_source(
            sqlite_engine,
            "html",
            "bodega",
            config=HTML_CONFIG | {"start_urls": [f"{site.url}/ofertas?page=1"]},
        )
        result = run_source(sqlite_engine, "bodega", options=ingest_options, runtime=RUNTIME)
        asked = [h.arg("page") for h in site.hits_to("/ofertas")]

    assert asked == ["1", "2", "3"]  # page 3 links back to page 1: not fetched again
    assert any("already visited" in note for note in result.fetch["notes"])
    assert (result.accepted, result.quarantined) == (4, 1)
    prices = stored_prices(sqlite_engine)
    assert prices["/p/arroz"][:2] == (12.9, None)
    assert prices["/p/aceite"][:2] == (14.5, 12.9)
    assert prices["/p/azucar"][0] == 1299.0
    assert prices["/p/fideos"][0] == 2.5
    assert prices["/p/fideos"][4] == "precio en rango: S/ 2.50 - S/ 3.80"
    with sqlite_engine.connect() as connection:
        quarantined = connection.execute(select(QuarantinedRow)).one()
    assert quarantined.reason == "regular_price: could not read 'Agotado' as a price"
    assert quarantined.raw["external_id"] == "/p/atun"


def test_robots_txt_disallow_fails_the_run_with_an_alert(sqlite_engine, ingest_options):
    with running_site() as site:
        site.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /privado/\n"))
        site.route("/privado/ofertas", Reply(200, html_page([("arroz", "S/ 5", None)], None)))
        add_source(
            sqlite_engine,
            "html",
            "privado",
            config=HTML_CONFIG | {"start_urls": [f"{site.url}/privado/ofertas"]},
        )
        with pytest.raises(RobotsDisallowedError, match=r"robots\.txt of 127\.0\.0\.1"):
            run_source(sqlite_engine, "privado", options=ingest_options, runtime=RUNTIME)
        paths = [h.path for h in site.hits]

    assert paths == ["/robots.txt"]
    with sqlite_engine.connect() as connection:
        run = connection.execute(select(IngestRun)).one()
        alert = connection.execute(select(Alert)).one()
    assert run.status == "failed"
    assert "does not allow PulsoBot" in (run.error or "")
    assert (alert.kind, alert.detail["source"]) == ("source_failed", "privado")
    assert get_source(sqlite_engine, "privado").last_error is not None


def test_429_then_success(sqlite_engine, ingest_options):
    calls = {"n": 0}

    def throttled(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(429, "slow down", {"Retry-After": "0"})
        return vtex_search_route([vtex_product(1, "Leche Gloria 1L")])(request)

    with running_site() as site:
        site.route(SEARCH, throttled)
        add_source(
            sqlite_engine,
            "vtex",
            "wong",
            config={"retailer": "Wong", "base_url": site.url, "query": "leche"},
        )
        result = run_source(sqlite_engine, "wong", options=ingest_options, runtime=RUNTIME)

    assert calls["n"] == 2
    assert result.accepted == 1
    assert result.fetch["requests"] == 3  # robots.txt, the 429, the retry


def test_500s_trip_the_breaker_and_the_next_run_does_not_touch_the_site(engine, ingest_options):
    with running_site() as site:
        site.route(SEARCH, Reply(500, "boom"))
        add_source(
            engine,
            "vtex",
            "metro",
            config={"retailer": "Metro", "base_url": site.url, "query": "arroz"},
        )
        with pytest.raises(CircuitOpenError):
            run_source(engine, "metro", options=ingest_options, runtime=RUNTIME)
        first_hits = len(site.hits_to(SEARCH))
        with pytest.raises(CircuitOpenError, match="no request until"):
            run_source(engine, "metro", options=ingest_options, runtime=RUNTIME)
        all_hits = len(site.hits)

    assert first_hits == 3  # threshold 3: no more attempts once open
    assert all_hits == 1 + 3  # robots.txt and three searches, nothing in the second run
    info = get_source(engine, "metro")
    assert info.breaker_open
    assert info.consecutive_failures == 3
    with engine.connect() as connection:
        runs = connection.scalars(select(IngestRun.status)).all()
        alerts = connection.execute(select(Alert)).all()
    assert runs == ["failed", "failed"]
    assert len(alerts) == 1  # one alert per source and day


def test_a_site_that_never_answers_is_a_source_error(sqlite_engine, ingest_options):
    with running_site() as site:
        url = site.url
    add_source(
        sqlite_engine, "vtex", "gone", config={"retailer": "Gone", "base_url": url, "query": "x"}
    )
    with pytest.raises(SourceError):
        run_source(sqlite_engine, "gone", options=ingest_options, runtime=RUNTIME)
