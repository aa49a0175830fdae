"""``/api/v1/retail`` forecasts, promotion predictions and model metrics over real HTTP."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.test_retail_models_steps import run_models

from pulso.api.app import create_app
from pulso.pipelines.steps.retail_models import LISTING_MODEL, PROMO_MODEL
from pulso.store.session import create_db_engine
from pulso.store.tables import Product, ProductMatch, Retailer
from pulso.store.tables_forecast import InsightPriceForecast


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def modelled_engine(tmp_path_factory, _small_demo_sqlite_template):
    """A copy of the small demo with the forecast and promotion steps run once."""
    folder = tmp_path_factory.mktemp("retail-models-api")
    shutil.copyfile(_small_demo_sqlite_template, folder / "demo.db")
    engine = create_db_engine(f"sqlite:///{folder / 'demo.db'}")
    run_models(engine, folder / "data")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def server(modelled_engine) -> Iterator[str]:
    port = _free_port()
    app = create_app(modelled_engine)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _get(server: str, path: str, **params) -> httpx.Response:
    return httpx.get(f"{server}/api/v1/retail{path}", params=params, timeout=30)


def test_openapi_lists_the_forecast_endpoints(server):
    spec = httpx.get(f"{server}/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/forecasts",
        "/promo-predictions",
        "/promo-predictions/importance",
        "/model-metrics",
    ):
        assert f"/api/v1/retail{path}" in paths
    parameters = {p["name"] for p in paths["/api/v1/retail/forecasts"]["get"]["parameters"]}
    assert {"level", "listing_id", "product_id", "category", "competitor", "horizon", "page"} <= (
        parameters
    )


@pytest.mark.slow
def test_forecasts_are_paged_and_filtered(server, modelled_engine):
    everything = _get(server, "/forecasts", page_size=500).json()
    assert everything["total"] > 500
    assert len(everything["items"]) == 500
    item = everything["items"][0]
    assert item["level"] == "category"
    assert item["lower_pen"] <= item["forecast_pen"] <= item["upper_pen"]

    one = _get(server, "/forecasts", level="category", competitor="Wong", horizon=2).json()
    assert one["total"] > 0
    assert {i["retailer"] for i in one["items"]} == {"wong"}
    assert {i["horizon_weeks"] for i in one["items"]} == {2}
    category = one["items"][0]["category"]
    by_category = _get(server, "/forecasts", category=category.lower(), level="category").json()
    assert {i["category"] for i in by_category["items"]} == {category}

    listing = _get(server, "/forecasts", level="listing", page_size=1).json()["items"][0]
    rows = _get(server, "/forecasts", listing_id=listing["listing_id"]).json()
    assert [i["horizon_weeks"] for i in rows["items"]] == [1, 2, 3, 4]
    assert rows["items"][0]["model_name"] == LISTING_MODEL
    assert rows["items"][0]["listing_name"]

    # a product filter follows the not-rejected product matches
    with Session(modelled_engine) as session:
        product_id = session.scalar(select(Product.id).order_by(Product.id))
        session.add(
            ProductMatch(
                listing_id=listing["listing_id"],
                product_id=product_id,
                method="manual",
                score=1.0,
                status="confirmed",
            )
        )
        session.commit()
    matched = _get(server, "/forecasts", product_id=product_id).json()
    assert matched["total"] == 4
    assert {i["product_id"] for i in matched["items"]} == {product_id}


def test_promo_predictions_come_most_likely_first_with_reasons(server):
    page = _get(server, "/promo-predictions", level="listing", page_size=20).json()
    probabilities = [i["probability"] for i in page["items"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert len(page["items"][0]["reasons"]) == 3
    assert set(page["items"][0]["reasons"][0]) == {"feature", "value", "shap"}
    categories = _get(server, "/promo-predictions", level="category", competitor="tottus").json()
    assert {i["retailer"] for i in categories["items"]} <= {"tottus"}
    likely = _get(server, "/promo-predictions", min_probability=0.9).json()
    assert all(i["probability"] >= 0.9 for i in likely["items"])
    importance = _get(server, "/promo-predictions/importance", page_size=5).json()
    assert [i["rank"] for i in importance["items"]] == [1, 2, 3, 4, 5]
    assert importance["items"][0]["model_name"] == PROMO_MODEL


def test_model_metrics_and_errors(server, modelled_engine):
    metrics = _get(server, "/model-metrics", model=LISTING_MODEL, metric="mase", horizon=1).json()
    assert {i["method"] for i in metrics["items"]} == {"model", "naive", "seasonal_naive"}
    pr_auc = _get(server, "/model-metrics", model=PROMO_MODEL, metric="pr_auc").json()
    assert {"model", "base_rate", "promoted_last_week"} <= {i["method"] for i in pr_auc["items"]}
    missing = _get(server, "/forecasts", competitor="no-such-retailer")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert _get(server, "/forecasts", level="store").status_code == 422
    assert _get(server, "/forecasts", page_size=1000).status_code == 422
    with Session(modelled_engine) as session:
        retailer_id = session.scalar(select(Retailer.id).where(Retailer.slug == "metro"))
        count = session.query(InsightPriceForecast).filter_by(retailer_id=retailer_id).count()
    assert _get(server, "/forecasts", competitor=str(retailer_id)).json()["total"] == count
