"""``/api/v1/restaurants`` over real HTTP on 127.0.0.1, on the small demo after the steps ran."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from tests.conftest import DEMO_END_DATE

from pulso.api.app import create_app
from pulso.pipelines.registry import StepContext
from pulso.pipelines.runner import run_pipeline
from pulso.store.session import create_db_engine

pytestmark = pytest.mark.slow

STEPS = [
    "feedback_sentiment",
    "feedback_topics",
    "dining_patterns",
    "diner_segments",
    "menu_engineering",
    "shopper_preferences",
]
BASE = "/api/v1/restaurants"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def insights_engine(
    tmp_path_factory: pytest.TempPathFactory, _small_demo_sqlite_template: Path
) -> Iterator[Engine]:
    directory = tmp_path_factory.mktemp("restaurant-api")
    shutil.copyfile(_small_demo_sqlite_template, directory / "demo.db")
    engine = create_db_engine(f"sqlite:///{directory / 'demo.db'}")
    context = StepContext(
        engine=engine, data_dir=directory / "data", run_key="", today=DEMO_END_DATE
    )
    assert run_pipeline(context, steps=STEPS, backoff_seconds=0).succeeded
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def server(insights_engine: Engine) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(insights_engine), host="127.0.0.1", port=port, log_level="warning"
    )
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


def get(server: str, path: str, **params: str | int) -> httpx.Response:
    return httpx.get(f"{server}{BASE}{path}", params=params, timeout=30)


def test_openapi_lists_the_restaurant_endpoints(server):
    paths = set(httpx.get(f"{server}/openapi.json").json()["paths"])
    expected = {
        BASE,
        f"{BASE}/topics",
        f"{BASE}/segments",
        f"{BASE}/segments/{{segment}}/diners",
        f"{BASE}/shopper-preferences",
        f"{BASE}/{{restaurant_id}}",
        f"{BASE}/{{restaurant_id}}/sentiment/trend",
        f"{BASE}/{{restaurant_id}}/sentiment/aspects",
        f"{BASE}/{{restaurant_id}}/sentiment/dishes",
        f"{BASE}/{{restaurant_id}}/sentiment/reviews",
        f"{BASE}/{{restaurant_id}}/topics",
        f"{BASE}/{{restaurant_id}}/topics/trend",
        f"{BASE}/{{restaurant_id}}/topics/dishes",
        f"{BASE}/{{restaurant_id}}/patterns",
        f"{BASE}/{{restaurant_id}}/segments",
        f"{BASE}/{{restaurant_id}}/menu-engineering",
        f"{BASE}/{{restaurant_id}}/menu-engineering/periods",
        f"{BASE}/{{restaurant_id}}/menu-engineering/suggestions",
    }
    assert expected <= paths


def test_restaurants_are_paged_with_headline_figures(server):
    page = get(server, "", page_size=3).json()
    assert page["total"] == 4
    assert len(page["items"]) == 3
    second = get(server, "", page=2, page_size=3).json()
    assert len(second["items"]) == 1
    first = page["items"][0]
    assert first["reviews"] > 0
    assert first["orders"] > 0
    assert -1 <= first["net_sentiment"] <= 1
    assert get(server, "", kind="chifa").json()["total"] == 1
    one = get(server, f"/{first['id']}").json()
    assert one == first


def restaurant_id(server: str, kind: str) -> int:
    return int(get(server, "", kind=kind).json()["items"][0]["id"])


def test_sentiment_trend_aspects_dishes_and_comments(server):
    criollo = restaurant_id(server, "criollo")
    trend = get(server, f"/{criollo}/sentiment/trend").json()
    months = sorted({row["period_start"] for row in trend})
    assert months[0] == "2026-07-01"
    assert months[-1] == "2026-11-01"
    assert trend[0]["aspect"] == "overall"
    wait = get(server, f"/{criollo}/sentiment/trend", aspect="wait").json()
    assert {row["aspect"] for row in wait} == {"wait"}
    ranged = get(
        server, f"/{criollo}/sentiment/trend", date_from="2026-10-15", date_to="2026-11-15"
    ).json()
    assert sorted({row["period_start"] for row in ranged}) == ["2026-10-01", "2026-11-01"]
    aspects = get(server, f"/{criollo}/sentiment/aspects").json()
    overall = aspects[0]
    assert overall["aspect"] == "overall"
    assert overall["reviews"] == sum(row["reviews"] for row in trend if row["aspect"] == "overall")
    assert {row["aspect"] for row in aspects} >= {"food", "service", "wait"}

    dishes = get(server, f"/{criollo}/sentiment/dishes", page_size=2).json()
    assert dishes["total"] >= 5
    top = dishes["items"][0]
    assert top["reviews"] >= dishes["items"][1]["reviews"]
    assert top["examples"]
    assert top["examples"][0]["text"]
    one_dish = get(server, f"/{criollo}/sentiment/dishes", dish_id=top["dish_id"]).json()
    assert [item["dish_id"] for item in one_dish["items"]] == [top["dish_id"]]

    bad_waits = get(
        server, f"/{criollo}/sentiment/reviews", aspect="wait", label="negative", page_size=5
    ).json()
    assert bad_waits["total"] > 0
    for review in bad_waits["items"]:
        assert {"aspect": "wait", "label": "negative"}.items() <= next(
            a for a in review["aspects"] if a["aspect"] == "wait"
        ).items()
    dated = get(
        server, f"/{criollo}/sentiment/reviews", date_from="2026-11-01", date_to="2026-11-15"
    ).json()
    assert all(item["created_at"] >= "2026-11-01" for item in dated["items"])


def test_topics_patterns_segments_menu_and_shoppers(server):
    pollo = restaurant_id(server, "polleria")
    topics = get(server, "/topics").json()
    assert len(topics) >= 2
    assert all(topic["label"] for topic in topics)
    mine = get(server, f"/{pollo}/topics").json()
    assert sum(row["share"] for row in mine) == pytest.approx(1.0, abs=0.05)
    assert get(server, f"/{pollo}/topics/trend", topic=0).json()
    assert get(server, f"/{pollo}/topics/dishes", page_size=1).json()["total"] > 0

    patterns = get(server, f"/{pollo}/patterns").json()
    assert patterns["summary"]["orders"] == sum(cell["orders"] for cell in patterns["heatmap"])
    assert set(patterns["distributions"]) == {"party_size", "channel", "meal", "ticket_band"}
    assert patterns["months"]
    assert patterns["summary"]["repeat_visit_rate"] > 0

    segments = get(server, "/segments").json()
    assert sum(segment["diners"] for segment in segments) >= 200
    diners = get(server, f"/segments/{segments[0]['segment']}/diners", page_size=5).json()
    assert diners["total"] == segments[0]["diners"]
    assert len(diners["items"][0]["diner_key"]) == 64  # keyed hash, never the POS id
    mix = get(server, f"/{pollo}/segments").json()
    assert sum(row["share_of_orders"] for row in mix) == pytest.approx(1.0, abs=0.01)

    periods = get(server, f"/{pollo}/menu-engineering/periods").json()
    assert periods[0]["period"] == "all"
    matrix = get(server, f"/{pollo}/menu-engineering", page_size=100).json()
    assert {item["menu_class"] for item in matrix["items"]} == {
        "star",
        "plowhorse",
        "puzzle",
        "dog",
    }
    stars = get(server, f"/{pollo}/menu-engineering", menu_class="star").json()
    assert all(item["menu_class"] == "star" for item in stars["items"])
    month = get(server, f"/{pollo}/menu-engineering", period=periods[1]["period"]).json()
    assert month["total"] == matrix["total"]
    reprice = get(server, f"/{pollo}/menu-engineering/suggestions", action="reprice").json()
    assert reprice["total"] > 0
    numbers = reprice["items"][0]["numbers"]
    assert numbers["suggested_price_pen"] > numbers["price_pen"]

    shoppers = get(server, "/shopper-preferences").json()
    assert sum(segment["shoppers"] for segment in shoppers) == 200
    assert {segment["retailer"] for segment in shoppers} == {"Plaza Vea"}


def test_errors_are_problem_json(server):
    missing = get(server, "/9999/patterns")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "restaurant 9999 does not exist"
    backwards = get(server, "/1/sentiment/trend", date_from="2026-11-01", date_to="2026-10-01")
    assert backwards.status_code == 422
    assert get(server, "/1/sentiment/reviews", aspect="smell").status_code == 422
    assert get(server, "/segments/99/diners").status_code == 404
