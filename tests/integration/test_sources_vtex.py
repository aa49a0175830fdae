"""VTEX sources against a VTEX-shaped server on 127.0.0.1: paging, mapping, re-runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import TEST_SECRET
from tests.integration.sources_sites import (
    SEARCH,
    Reply,
    running_site,
    vtex_offer,
    vtex_product,
    vtex_search_route,
)

from pulso.ingest.connectors import HttpPolicy, SourceRuntime, add_source, run_source
from pulso.store.tables import Base, IngestRun, Listing, PriceObservation, QuarantinedRow
from pulso.store.tables_sources import SourceState

RUNTIME = SourceRuntime(
    policy=HttpPolicy(
        min_interval_seconds=0, backoff_seconds=0.01, max_backoff_seconds=0.05, max_retries=2
    )
)


def milk(count: int, start: int = 1) -> list[dict[str, Any]]:
    return [
        vtex_product(i, f"Leche Gloria Entera {i} 1L", offer=vtex_offer(4.0 + i / 100))
        for i in range(start, start + count)
    ]


def count(engine: Engine, model: type[Base]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def observations(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Listing.external_id, PriceObservation).join(
                Listing, Listing.id == PriceObservation.listing_id
            )
        ).all()
    return {row.external_id: row._mapping for row in rows}


def test_paging_across_206_replies_and_a_rerun_adds_only_new_observations(engine, ingest_options):
    catalog = milk(120)
    with running_site() as site:
        site.route(SEARCH, vtex_search_route(lambda: catalog))
        add_source(
            engine,
            "vtex",
            "plazavea",
            config={
                "retailer": "Plaza Vea",
                "base_url": site.url,
                "query": "leche",
                "sales_channel": 2,
            },
        )
        first = run_source(engine, "plazavea", options=ingest_options, runtime=RUNTIME)
        searches = site.hits_to(SEARCH)
        catalog.extend(milk(2, start=500))
        second = run_source(engine, "plazavea", options=ingest_options, runtime=RUNTIME)

    assert first.to_dict() | {"run_id": 0, "run_ids": [0]} == first.to_dict() | {
        "accepted": 120,
        "quarantined": 0,
        "duplicates": 0,
        "run_id": 0,
        "run_ids": [0],
        "status": "succeeded",
    }
    assert [(h.arg("_from"), h.arg("_to"), h.arg("sc"), h.arg("ft")) for h in searches] == [
        ("0", "49", "2", "leche"),
        ("50", "99", "2", "leche"),
        ("100", "149", "2", "leche"),
    ]
    assert first.to_dict()["fetch"]["pages"] == 3
    assert (second.accepted, second.duplicates, second.quarantined) == (2, 120, 0)
    assert count(engine, Listing) == 122
    assert count(engine, PriceObservation) == 122
    with engine.connect() as connection:
        runs = connection.execute(select(IngestRun).order_by(IngestRun.id)).all()
        state = connection.execute(select(SourceState)).one()
    assert [(r.status, r.kind, r.accepted) for r in runs] == [
        ("succeeded", "prices", 120),
        ("succeeded", "prices", 2),
    ]
    assert runs[0].path == f"vtex:{site.url}"
    assert runs[0].source_id == state.source_id
    assert state.last_success_at is not None
    assert state.consecutive_failures == 0


def test_prices_stock_sellers_and_teasers_are_stored(sqlite_engine, ingest_options):
    oh = {
        "Name": "Precio Oh! S/ 7.50",
        "Conditions": {"Parameters": [{"Name": "PaymentMethodId", "Value": "205"}]},
        "Effects": {"Parameters": []},
    }
    bi_precio = {
        "Name": "Bi-Precio",
        "Conditions": {"MinimumQuantity": 2, "Parameters": []},
        "Effects": {"Parameters": [{"Name": "PercentualDiscount", "Value": "20"}]},
    }
    no_list_price = vtex_offer(6.5, quantity=14)
    del no_list_price["ListPrice"]
    empty_default = {
        "sellerId": "1",
        "sellerDefault": True,
        "commertialOffer": vtex_offer(9.0, quantity=0, available=False),
    }
    other_seller = {
        "sellerId": "s2",
        "sellerDefault": False,
        "commertialOffer": vtex_offer(9.4, quantity=3),
    }
    catalog = [
        vtex_product(1, "Aceite Primor 1L", offer=vtex_offer(8.9, list_price=10.5, teasers=[oh])),
        vtex_product(2, "Atún Florida 140g", offer=no_list_price),
        vtex_product(3, "Arroz Costeño 5kg", sellers=[empty_default, other_seller]),
        vtex_product(4, "Fideos Don Vittorio", offer=vtex_offer(0, quantity=0, available=False)),
        vtex_product(5, "Gaseosa Inca Kola 1.5L", offer=vtex_offer(7.2, teasers=[bi_precio])),
    ]
    with running_site() as site:
        site.route(SEARCH, vtex_search_route(catalog))
        add_source(
            sqlite_engine,
            "vtex",
            "wong",
            config={"retailer": "Wong", "base_url": site.url, "categories": ["1"]},
        )
        result = run_source(sqlite_engine, "wong", options=ingest_options, runtime=RUNTIME)

    assert (result.accepted, result.quarantined) == (4, 1)
    stored = observations(sqlite_engine)
    aceite, atun, arroz, inca = stored["10"], stored["20"], stored["30"], stored["50"]
    assert (aceite.regular_price_pen, aceite.offer_price_pen) == (10.5, 8.9)
    assert (aceite.card_price_pen, aceite.card_name) == (7.5, "Oh!")
    assert aceite.promo_text == "Precio Oh! S/ 7.50"
    assert (aceite.in_stock, aceite.stock_level) == (True, None)  # 99999 is a cap
    assert (atun.regular_price_pen, atun.offer_price_pen, atun.stock_level) == (6.5, None, 14)
    assert (arroz.regular_price_pen, arroz.in_stock, arroz.stock_level) == (9.4, True, 3)
    assert inca.promo_text == "Bi-Precio: 2 x S/ 11.52"
    assert inca.card_price_pen is None
    with sqlite_engine.connect() as connection:
        listing = connection.execute(select(Listing).where(Listing.external_id == "10")).one()
        quarantined = connection.execute(select(QuarantinedRow)).one()
    assert (listing.name, listing.brand, listing.ean) == (
        "Aceite Primor 1L",
        "Gloria",
        "7750000000001",
    )
    assert listing.category == "Lácteos > Leches"
    assert listing.url == "https://www.example.pe/1/p"
    assert quarantined.column == "regular_price"
    assert "greater than 0" in quarantined.reason
    assert quarantined.raw["external_id"] == "40"


def test_malformed_json_is_quarantined_and_the_other_searches_load(sqlite_engine, ingest_options):
    good = milk(3)
    broken_product = {"productId": "77", "productName": "Sin SKU", "items": []}

    def search(request):
        if request.arg("fq") == "C:/2/":
            return Reply(
                200,
                '{"error": <html>Service Unavailable</html>',
                {"Content-Type": "application/json"},
            )
        return vtex_search_route([*good, broken_product])(request)

    with running_site() as site:
        site.route(SEARCH, search)
        add_source(
            sqlite_engine,
            "vtex",
            "metro",
            config={"retailer": "Metro", "base_url": site.url, "categories": ["1", "2"]},
        )
        result = run_source(sqlite_engine, "metro", options=ingest_options, runtime=RUNTIME)

    assert (result.accepted, result.quarantined) == (3, 2)
    with sqlite_engine.connect() as connection:
        reasons = sorted(connection.scalars(select(QuarantinedRow.reason)))
        raws = [row.raw for row in connection.execute(select(QuarantinedRow)).all()]
    assert reasons[0].startswith("invalid JSON in search C:/2/ from 0")
    assert reasons[1] == "malformed VTEX product: product '77' has no items (SKUs)"
    assert any("Service Unavailable" in raw["_text"] for raw in raws)


def test_full_crawl_walks_the_category_tree_and_reports_the_paging_cap(
    sqlite_engine, ingest_options
):
    tree = [
        {"id": 1, "name": "Lácteos", "children": [{"id": 10, "name": "Leches", "children": []}]},
        {
            "id": 2,
            "name": "Abarrotes",
            "children": [
                {"id": 20, "name": "Arroz", "children": []},
                {"id": 21, "name": "Aceites", "children": []},
            ],
        },
    ]
    catalog = [
        *[vtex_product(i, f"Leche {i}", category_ids="/1/10/") for i in range(1, 5)],
        *[vtex_product(i, f"Arroz {i}", category_ids="/2/20/") for i in range(100, 140)],
        *[vtex_product(i, f"Aceite {i}", category_ids="/2/21/") for i in range(200, 202)],
    ]
    with running_site() as site:
        site.route(SEARCH, vtex_search_route(catalog))
        site.route("/api/catalog_system/pub/category/tree/2", Reply(200, json.dumps(tree)))
        add_source(
            sqlite_engine,
            "vtex",
            "vivanda",
            config={
                "retailer": "Vivanda",
                "base_url": site.url,
                "full_crawl": True,
                "tree_depth": 2,
                "page_size": 10,
                "max_from": 20,
            },
        )
        result = run_source(sqlite_engine, "vivanda", options=ingest_options, runtime=RUNTIME)
        asked = [(h.arg("fq"), h.arg("_from")) for h in site.hits_to(SEARCH)]

    assert asked == [
        ("C:/1/10/", "0"),
        ("C:/2/20/", "0"),
        ("C:/2/20/", "10"),
        ("C:/2/20/", "20"),
        ("C:/2/21/", "0"),
    ]
    assert result.accepted == 4 + 30 + 2
    assert result.fetch["notes"] == [
        "search C:/2/20/ stopped at _from=20: VTEX pages no further; split it into "
        "categories (full crawl) to see every product"
    ]


def test_unchanged_pages_are_revalidated_with_etags(sqlite_engine, ingest_options):
    with running_site() as site:
        site.route(SEARCH, vtex_search_route(milk(60), etag=True))
        add_source(
            sqlite_engine,
            "vtex",
            "makro",
            config={"retailer": "Makro", "base_url": site.url, "query": "leche", "period": "run"},
        )
        run_source(sqlite_engine, "makro", options=ingest_options, runtime=RUNTIME)
        second = run_source(sqlite_engine, "makro", options=ingest_options, runtime=RUNTIME)
        conditional = [h.headers.get("if-none-match") for h in site.hits_to(SEARCH)]

    assert conditional[:2] == [None, None]
    assert all(tag and tag.startswith('"') for tag in conditional[2:])
    assert second.fetch["pages_not_modified"] == second.fetch["pages"] == 2
    assert second.accepted == 60  # period "run": every run is a new observation, from the cache
    assert count(sqlite_engine, PriceObservation) == 120


def _pulso(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {"PULSO_SECRET_KEY": TEST_SECRET, "PULSO_DATA_DIR": str(cwd / ".pulso")}
    return subprocess.run(
        [sys.executable, "-m", "pulso", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_cli_adds_lists_and_runs_a_vtex_source(tmp_path):
    catalog = milk(30)
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    with running_site() as site:
        site.route(SEARCH, vtex_search_route(lambda: catalog))
        added = _pulso(
            "source", "add", "vtex", "wong-leche", "--base-url", site.url, "--retailer", "Wong",
            "--query", "leche", "--sales-channel", "1", "--schedule", "0 6 * * *",
            "--db", db, "--json", cwd=tmp_path,
        )  # fmt: skip
        first = _pulso("source", "run", "wong-leche", "--db", db, "--json", cwd=tmp_path)
        catalog.append(vtex_product(999, "Leche Gloria Light"))
        second = _pulso("source", "run", "wong-leche", "--db", db, "--json", cwd=tmp_path)
        listed = _pulso("source", "list", "--db", db, "--json", cwd=tmp_path)
        user_agents = {h.headers.get("user-agent") for h in site.hits}

    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["schedule"] == "0 6 * * *"
    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout)
    assert {k: document[k] for k in ("accepted", "quarantined", "duplicates")} == {
        "accepted": 30,
        "quarantined": 0,
        "duplicates": 0,
    }
    assert isinstance(document["run_id"], int)
    second_document = json.loads(second.stdout)
    assert (second_document["accepted"], second_document["duplicates"]) == (1, 30)
    sources = json.loads(listed.stdout)["sources"]
    assert [(s["name"], s["kind"], s["config"]["retailer"]) for s in sources] == [
        ("wong-leche", "vtex", "Wong")
    ]
    assert sources[0]["last_success_at"] is not None
    assert len(user_agents) == 1
    assert str(next(iter(user_agents))).startswith("PulsoBot/")
