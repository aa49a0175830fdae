"""Importing files end to end into real SQLite and PostgreSQL databases."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import BAD_PRICE_ROWS, prices_file, write_csv

from pulso.errors import InputError
from pulso.ingest.runner import ingest_file
from pulso.store.queries.ingest import list_ingest_runs, list_quarantine
from pulso.store.tables import (
    Diner,
    Dish,
    Feedback,
    IngestRun,
    Listing,
    OrderLine,
    OwnPrice,
    PriceObservation,
    Product,
    Promotion,
    Restaurant,
    RestaurantOrder,
    Retailer,
    ShopperActivity,
    SurveyResponse,
)


def _count(engine, model) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_97_good_3_bad_then_rerun_is_all_duplicates(engine, tmp_path, ingest_options):
    path = prices_file(tmp_path / "prices.csv", good=97, bad=BAD_PRICE_ROWS)

    first = ingest_file(engine, "prices", path, options=ingest_options)
    second = ingest_file(engine, "prices", path, options=ingest_options)

    assert (first.accepted, first.quarantined, first.duplicates) == (97, 3, 0)
    assert (second.accepted, second.duplicates) == (0, 97)
    assert _count(engine, PriceObservation) == 97
    with Session(engine) as session:
        rows = list_quarantine(session, run_id=first.run_id).items
        assert [row.row_number for row in rows] == [99, 100, 101]
        reasons = [row.reason for row in rows]
        runs = list_ingest_runs(session).items
    assert "observed_at: '2026-02-31' is not a valid date or datetime" in reasons[0]
    assert "regular_price: could not read 'abc' as a price" in reasons[1]
    assert reasons[2] == "offer_price above regular_price"
    assert rows[1].raw["regular_price"] == "abc"
    assert [run.status for run in runs] == ["succeeded", "succeeded"]
    assert runs[0].file_sha256 == runs[1].file_sha256


def test_prices_keep_regular_offer_and_card_apart(engine, tmp_path, ingest_options):
    path = write_csv(
        tmp_path / "p.csv",
        [
            "Retailer",
            "External ID",
            "Name",
            "Observed At",
            "Regular Price",
            "Offer Price",
            "Card Price",
            "Card Name",
            "In Stock",
            "Stock Level",
            "EAN",
            "Promo Text",
        ],
        [
            [
                "Tottus",
                "T1",
                "Gaseosa INCA KOLA 1.5L",
                "28/07/2026 10:30",
                "S/ 7,50",
                "6,90",
                "S/. 6.50",
                "CMR",
                "sí",
                "12",
                "7751271000012",
                "2x1",
            ],
            [
                "Plaza Vea",
                "P1",
                "Inca Kola 1,5 lt",
                "2026-07-28",
                "7.20",
                "",
                "",
                "",
                "no",
                "0",
                "",
                "",
            ],
        ],
    )
    result = ingest_file(engine, "prices", path, options=ingest_options)
    assert result.accepted == 2
    with Session(engine) as session:
        observation = session.scalars(
            select(PriceObservation).join(Listing).where(Listing.external_id == "T1")
        ).one()
        own = session.scalars(select(Retailer).where(Retailer.is_own)).one()
        listing = session.scalars(select(Listing).where(Listing.external_id == "T1")).one()
    assert (
        observation.regular_price_pen,
        observation.offer_price_pen,
        observation.card_price_pen,
    ) == (7.5, 6.9, 6.5)
    assert observation.card_name == "CMR"
    assert observation.in_stock is True
    assert observation.stock_level == 12
    assert observation.promo_text == "2x1"
    # 10:30 in Lima (UTC-5) is 15:30 UTC.
    assert observation.observed_at.isoformat() == "2026-07-28T15:30:00+00:00"
    assert own.name == "Plaza Vea"
    assert listing.ean == "7751271000012"


def test_missing_required_columns_fail_with_one_clear_error_and_a_failed_run(
    engine, tmp_path, ingest_options
):
    path = write_csv(tmp_path / "p.csv", ["retailer", "name"], [["Tottus", "x"]])
    with pytest.raises(
        InputError,
        match="missing required column\\(s\\) for prices: external_id, observed_at, regular_price",
    ):
        ingest_file(engine, "prices", path, options=ingest_options)
    with Session(engine) as session:
        run = session.scalars(select(IngestRun)).one()
    assert run.status == "failed"
    assert "external_id" in (run.error or "")
    assert _count(engine, PriceObservation) == 0


def test_restaurant_kinds_load_and_pseudonymise_diners(engine, tmp_path, ingest_options):
    menu = write_csv(
        tmp_path / "menu.csv",
        [
            "restaurant",
            "dish",
            "category",
            "price",
            "cost",
            "ingredients",
            "tags",
            "restaurant_kind",
        ],
        [
            [
                "La Mar de Pepe",
                "Ceviche clásico",
                "fondos",
                "38,00",
                "14.50",
                "pescado;limón;ají limo",
                "marino;picante",
                "cevicheria",
            ],
            [
                "La Mar de Pepe",
                "Chicha morada",
                "bebidas",
                "9",
                "2",
                "maíz morado",
                "",
                "cevicheria",
            ],
        ],
    )
    orders = write_csv(
        tmp_path / "orders.csv",
        [
            "restaurant",
            "order_id",
            "ordered_at",
            "dish",
            "quantity",
            "unit_price",
            "diner_id",
            "party_size",
            "channel",
        ],
        [
            [
                "La Mar de Pepe",
                "A1",
                "2026-07-28 13:10",
                "Ceviche clásico",
                "2",
                "38",
                "maria@example.com",
                "2",
                "Salón",
            ],
            [
                "La Mar de Pepe",
                "A1",
                "2026-07-28 13:10",
                "Chicha morada",
                "2",
                "9",
                "maria@example.com",
                "2",
                "Salón",
            ],
            [
                "La Mar de Pepe",
                "A2",
                "2026-07-28 20:00",
                "Leche de tigre",
                "1",
                "18",
                "",
                "1",
                "delivery",
            ],
            [
                "La Mar de Pepe",
                "A3",
                "2026-07-28 20:00",
                "Leche de tigre",
                "0",
                "18",
                "",
                "1",
                "delivery",
            ],
            [
                "La Mar de Pepe",
                "A4",
                "2026-07-28 20:00",
                "Leche de tigre",
                "1",
                "18",
                "",
                "1",
                "dron",
            ],
        ],
    )
    feedback = write_csv(
        tmp_path / "feedback.json".replace(".json", ".csv"),
        ["restaurant", "created_at", "text", "rating", "diner_id", "dish"],
        [
            [
                "La Mar de Pepe",
                "2026-07-29",
                "Buenazo el ceviche, pero la atención lenta",
                "4",
                "maria@example.com",
                "Ceviche clásico",
            ],
            ["La Mar de Pepe", "2026-07-29", "Todo bien", "7", "", ""],
        ],
    )
    results = [
        ingest_file(engine, kind, path, options=ingest_options)
        for kind, path in (("menu", menu), ("orders", orders), ("feedback", feedback))
    ]

    assert [(r.accepted, r.quarantined) for r in results] == [(2, 0), (3, 2), (1, 1)]
    assert _count(engine, Restaurant) == 1
    assert _count(engine, Dish) == 3  # the order for Leche de tigre added the dish
    assert _count(engine, RestaurantOrder) == 2
    assert _count(engine, OrderLine) == 3
    with Session(engine) as session:
        diner = session.scalars(select(Diner)).one()
        review = session.scalars(select(Feedback)).one()
        dish = session.scalars(select(Dish).where(Dish.name == "Ceviche clásico")).one()
        quarantined = list_quarantine(session, run_id=results[1].run_id).items
    assert "@" not in diner.diner_key
    assert len(diner.diner_key) == 64
    assert review.diner_id == diner.id
    assert review.dish_id == dish.id
    assert review.rating == 4
    assert dish.ingredients == ["pescado", "limón", "ají limo"]
    assert dish.tags == [
        "marino",
        "picante",
    ]
    assert {q.column for q in quarantined} == {"quantity", "channel"}


def test_every_other_kind_loads_and_is_idempotent(engine, tmp_path, ingest_options):
    files = {
        "catalog": write_csv(
            tmp_path / "catalog.csv",
            ["sku", "name", "brand", "category", "size", "ean", "unit_cost"],
            [
                [
                    "PV1",
                    "Leche Gloria Entera 400 g",
                    "Gloria",
                    "Lácteos",
                    "400 g",
                    "7751271000012",
                    "3.10",
                ]
            ],
        ),
        "sales": write_csv(
            tmp_path / "sales.csv",
            ["sku", "date", "price", "units", "revenue"],
            [
                ["PV1", "2026-07-01", "4.20", "31", "130.20"],
                ["NOPE", "2026-07-01", "4.20", "3", ""],
            ],
        ),
        "promotions": tmp_path / "promotions.json",
        "surveys": write_csv(
            tmp_path / "surveys.csv",
            [
                "survey",
                "respondent_id",
                "submitted_at",
                "question",
                "answer",
                "score",
                "restaurant",
            ],
            [
                [
                    "Satisfacción julio",
                    "R1",
                    "2026-07-30",
                    "¿Cómo califica la comida?",
                    "5",
                    "5",
                    "La Mar de Pepe",
                ]
            ],
            delimiter=";",
        ),
        "diners": write_csv(
            tmp_path / "diners.csv",
            ["diner_id", "age_band", "diet"],
            [["C1", "25-34", "vegetariano;sin gluten"]],
        ),
        "shoppers": write_csv(
            tmp_path / "shoppers.csv",
            ["shopper_id", "retailer", "month", "purchases", "spend", "social_engagements"],
            [["S1", "Plaza Vea", "2026-07", "6", "S/ 420,50", "3"]],
        ),
    }
    files["promotions"].write_text(
        json.dumps(
            [
                {
                    "retailer": "Tottus",
                    "external_id": "T1",
                    "text": "3x2 en gaseosas",
                    "starts_on": "2026-07-01",
                    "ends_on": "2026-07-15",
                }
            ]
        ),
        encoding="utf-8",
    )
    first = {
        kind: ingest_file(engine, kind, path, options=ingest_options)
        for kind, path in files.items()
    }
    again = {
        kind: ingest_file(engine, kind, path, options=ingest_options)
        for kind, path in files.items()
    }

    assert {k: (r.accepted, r.quarantined) for k, r in first.items()} == {
        "catalog": (1, 0),
        "sales": (1, 1),
        "promotions": (1, 0),
        "surveys": (1, 0),
        "diners": (1, 0),
        "shoppers": (1, 0),
    }
    assert all(r.accepted == 0 and r.duplicates >= 1 for r in again.values())
    with Session(engine) as session:
        product = session.scalars(select(Product)).one()
        shopper = session.scalars(select(ShopperActivity)).one()
        promo = session.scalars(select(Promotion)).one()
        answer = session.scalars(select(SurveyResponse)).one()
        reason = list_quarantine(session, run_id=first["sales"].run_id).items[0].reason
    assert (product.size_value, product.size_unit) == (400.0, "g")
    assert shopper.spend_pen == 420.5
    assert str(shopper.month) == "2026-07-01"
    assert promo.raw_text == "3x2 en gaseosas"
    assert str(promo.ends_on) == "2026-07-15"
    assert answer.score == 5
    assert len(answer.respondent_key) == 64
    assert reason == "sku 'NOPE' is not in the catalog"
    assert _count(engine, OwnPrice) == 1


def test_excel_and_semicolon_exports_read_like_csv(sqlite_engine, tmp_path, ingest_options):
    frame = pd.DataFrame(
        {
            "Retailer": ["Wong"],
            "External_ID": ["W1"],
            "Nombre": ["x"],
            "name": ["Arroz Costeño 750 g"],
            "observed_at": ["2026-07-01"],
            "regular_price": ["S/ 4,90"],
        }
    )
    xlsx = tmp_path / "wong.xlsx"
    frame.to_excel(xlsx, index=False)
    result = ingest_file(sqlite_engine, "prices", xlsx, options=ingest_options)
    assert (result.accepted, result.quarantined) == (1, 0)


def test_files_larger_than_one_validation_batch_load_whole(
    sqlite_engine, tmp_path, ingest_options
):
    orders = write_csv(
        tmp_path / "orders.csv",
        ["restaurant", "order_id", "ordered_at", "dish", "quantity", "unit_price", "diner_id"],
        [
            [
                "Pollería El Rancho",
                f"T{i}",
                "2026-07-28 13:10",
                ("1/4 Pollo", "Chicha")[i % 2],
                "1",
                "19.90",
                f"C{i % 7}",
            ]
            for i in range(2_500)
        ],
    )
    small_batches = dataclasses.replace(ingest_options, batch_rows=1_000)
    result = ingest_file(sqlite_engine, "orders", orders, options=small_batches)
    assert (result.accepted, result.quarantined) == (2_500, 0)
    assert _count(sqlite_engine, OrderLine) == 2_500
