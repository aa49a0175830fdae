"""Recommendations over real HTTP on 127.0.0.1: known diners, anonymous diners, cold start."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, insert, select

from pulso.api.app import create_app
from pulso.ingest.values import fold_text
from pulso.pipelines.registry import StepContext
from pulso.pipelines.steps.recsys import train_recommender
from pulso.store.session import create_db_engine
from pulso.store.tables import Diner, Dish, OrderLine, Restaurant
from pulso.store.tables import RestaurantOrder as Order

pytestmark = pytest.mark.slow  # the module trains a recommender once (several seconds)

FAST = {"epochs": 4, "n_factors": 8, "weight_step": 0.5, "validation_rounds": 1, "n_groups": 3}
REASONS = ("porque te gustó ", "popular entre clientes como tú", "nuevo en la carta, parecido a ")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(engine: Engine) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning")
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


@dataclass(frozen=True)
class Served:
    url: str
    engine: Engine
    cevicheria: int
    before_training: httpx.Response


@pytest.fixture(scope="module")
def served(
    _small_demo_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """One server over a copy of the small demo, trained once for the whole module.

    The demo cevichería gets a dish that nobody has ordered (the cold-start dish), and one
    request is made before training (it must answer 409).
    """
    folder = tmp_path_factory.mktemp("recsys-http")
    shutil.copyfile(_small_demo_sqlite_template, folder / "demo.db")
    engine = create_db_engine(f"sqlite:///{folder / 'demo.db'}")
    with engine.begin() as connection:
        cevicheria = connection.scalar(
            select(Restaurant.id).where(Restaurant.kind == "cevicheria")
        )
        connection.execute(
            insert(Dish).values(
                restaurant_id=cevicheria,
                name="Ceviche carretillero",
                category="ceviches",
                price_pen=42.0,
                ingredients=["pescado", "limón", "ají limo", "cebolla roja", "calamar frito"],
                tags=["marino", "mariscos", "picante", "frío"],
                description="Ceviche de pescado con chicharrón de calamar y leche de tigre.",
            )
        )
    servers = _serve(engine)
    url = next(servers)
    before = httpx.post(f"{url}/api/v1/restaurants/{cevicheria}/recommendations", json={})
    context = StepContext(
        engine=engine,
        data_dir=folder,
        run_key="t",
        today=date(2026, 11, 16),
        params={"recommender": FAST},
    )
    train_recommender(context)
    assert cevicheria is not None
    yield Served(url, engine, cevicheria, before)
    next(servers, None)
    engine.dispose()


def _regular_of(engine: Engine, restaurant: int) -> tuple[str, set[int]]:
    """The diner with most orders at ``restaurant`` and the dishes he ordered there."""
    with engine.connect() as connection:
        diner_id, key = connection.execute(
            select(Diner.id, Diner.diner_key)
            .join(Order, Order.diner_id == Diner.id)
            .where(Order.restaurant_id == restaurant)
            .group_by(Diner.id, Diner.diner_key)
            .order_by(func.count().desc(), Diner.id)
            .limit(1)
        ).one()
        ordered = connection.scalars(
            select(OrderLine.dish_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.diner_id == diner_id)
        ).all()
    return key, set(ordered)


def _menu(engine: Engine, restaurant: int) -> dict[int, Any]:
    with engine.connect() as connection:
        rows = connection.execute(select(Dish).where(Dish.restaurant_id == restaurant)).all()
    return {row.id: row for row in rows}


def test_known_diner_gets_explained_dishes_of_the_restaurant(served):
    server, cevicheria = served.url, served.cevicheria
    key, ordered = _regular_of(served.engine, cevicheria)
    menu = _menu(served.engine, cevicheria)

    response = httpx.get(
        f"{server}/api/v1/restaurants/{cevicheria}/diners/{key}/recommendations", params={"k": 5}
    )
    body = response.json()
    first = body["items"][0]["dish_id"]
    excluded = httpx.get(
        f"{server}/api/v1/restaurants/{cevicheria}/diners/{key}/recommendations",
        params={"k": 5, "exclude": [first]},
    ).json()
    vegetarian = httpx.get(
        f"{server}/api/v1/restaurants/{cevicheria}/diners/{key}/recommendations",
        params={"k": 50, "restrictions": ["vegetariano"]},
    ).json()

    assert response.status_code == 200
    assert body["diner_key"] == key
    assert body["model_version"] == 1
    assert 1 <= len(body["items"]) <= 5
    assert all(item["dish_id"] in menu for item in body["items"])
    assert not ordered & {item["dish_id"] for item in body["items"]}
    assert all(item["reason"].startswith(REASONS) for item in body["items"])
    assert first not in {item["dish_id"] for item in excluded["items"]}
    assert vegetarian["items"]
    assert all("vegetariano" in menu[item["dish_id"]].tags for item in vegetarian["items"])


def test_anonymous_diner_with_stated_likes_and_the_new_dish(served):
    server, cevicheria = served.url, served.cevicheria
    menu = _menu(served.engine, cevicheria)
    liked = next(dish.name for dish in menu.values() if fold_text(dish.name) == "ceviche clasico")

    response = httpx.post(
        f"{server}/api/v1/restaurants/{cevicheria}/recommendations",
        json={"likes": [liked, "picante"], "dislikes": ["dulce"], "k": 50},
    )
    items = response.json()["items"]
    by_name = {item["name"]: item for item in items}
    allergic = httpx.post(
        f"{server}/api/v1/restaurants/{cevicheria}/recommendations",
        json={"likes": [liked], "allergies": ["mariscos"], "restrictions": ["sin gluten"]},
    ).json()["items"]

    assert response.status_code == 200
    assert response.json()["diner_key"] is None
    assert liked not in by_name
    assert by_name["Ceviche carretillero"]["reason_kind"] == "new_similar"
    assert by_name["Ceviche carretillero"]["reason"].startswith("nuevo en la carta, parecido a ")
    assert by_name["Ceviche carretillero"]["because_of"] in {d.name for d in menu.values()}
    assert any(item["reason"] == f"porque te gustó {liked}" for item in items)
    assert allergic
    for item in allergic:
        dish = menu[item["dish_id"]]
        assert "mariscos" not in dish.tags
        assert "sin gluten" in dish.tags


def test_untrained_recommender_is_a_conflict(served):
    response = served.before_training

    assert response.status_code == 409
    assert "train_recommender" in response.json()["detail"]


def test_errors_are_problem_documents(served):
    server, cevicheria = served.url, served.cevicheria
    unknown_diner = httpx.get(
        f"{server}/api/v1/restaurants/{cevicheria}/diners/{'ab' * 32}/recommendations"
    )
    unknown_restaurant = httpx.post(f"{server}/api/v1/restaurants/99999/recommendations", json={})
    bad_diet = httpx.post(
        f"{server}/api/v1/restaurants/{cevicheria}/recommendations",
        json={"restrictions": ["paleo"]},
    )
    bad_k = httpx.post(f"{server}/api/v1/restaurants/{cevicheria}/recommendations", json={"k": 0})

    assert unknown_diner.status_code == 404
    assert unknown_diner.headers["content-type"] == "application/problem+json"
    assert unknown_restaurant.status_code == 404
    assert bad_diet.status_code == 422
    assert "paleo" in bad_diet.json()["detail"]
    assert bad_k.status_code == 422


def test_diner_newer_than_the_model_is_folded_in_with_his_diet(served):
    server, cevicheria = served.url, served.cevicheria
    menu = _menu(served.engine, cevicheria)
    ceviche = next(d for d in menu.values() if fold_text(d.name) == "ceviche clasico")
    key = "fe" * 32
    with served.engine.begin() as connection:
        diner = connection.execute(
            insert(Diner).values(diner_key=key, diet=["sin gluten"]).returning(Diner.id)
        ).scalar_one()
        order = connection.execute(
            insert(Order)
            .values(
                restaurant_id=cevicheria,
                external_id="NEW-1",
                ordered_at=datetime(2026, 11, 20, 13, 0, tzinfo=UTC),
                diner_id=diner,
            )
            .returning(Order.id)
        ).scalar_one()
        connection.execute(
            insert(OrderLine).values(
                order_id=order, dish_id=ceviche.id, quantity=1, unit_price_pen=38.0
            )
        )

    body = httpx.get(
        f"{server}/api/v1/restaurants/{cevicheria}/diners/{key}/recommendations", params={"k": 5}
    ).json()
    again = httpx.get(
        f"{server}/api/v1/restaurants/{cevicheria}/diners/{key}/recommendations",
        params={"k": 50, "include_ordered": True},
    ).json()

    assert body["items"]
    assert all("sin gluten" in menu[item["dish_id"]].tags for item in body["items"])
    assert ceviche.id not in {item["dish_id"] for item in body["items"]}
    assert ceviche.id in {item["dish_id"] for item in again["items"]}
    assert any(item["reason"] == f"porque te gustó {ceviche.name}" for item in body["items"])
