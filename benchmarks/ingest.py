"""Ingest speed: validated price rows per second vs a bare insert of the same rows.

Run by hand (not in tests): ``.venv/bin/python benchmarks/ingest.py [--rows N] [--pg URL]``.
For each engine it loads the same CSV twice into fresh databases:

* **pulso**: ``ingest_file`` (read CSV, parse Peruvian prices and dates, validate with pandera,
  resolve retailers and listings, insert with the duplicate check), all in one transaction;
* **bare**: the already-parsed rows inserted straight into ``price_observation`` with the
  same driver path (``executemany`` on SQLite, ``COPY`` on PostgreSQL), no reading, no
  validation, listings created beforehand.

It prints rows/s for both and the ratio pulso / bare (target: >= 100k rows/s, ratio >= 0.5).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from pulso.ingest.runner import IngestOptions, ingest_file
from pulso.store.bulk import insert_ignore, resolve_ids
from pulso.store.session import create_db_engine, upgrade_database
from pulso.store.tables import Listing, PriceObservation, Retailer

RETAILERS = ["Tottus", "Metro", "Wong", "Vivanda", "Makro", "Plaza Vea"]


def make_rows(n: int, *, seed: int = 0) -> pd.DataFrame:
    """``n`` realistic price rows: 6 retailers, daily observations, mixed price styles."""
    rng = np.random.default_rng(seed)
    listings = max(n // 365, 1)
    index = np.arange(n)
    listing = index % listings
    day = np.array([date(2026, 10, 31) - timedelta(days=int(d)) for d in index // listings])
    regular = np.round(
        rng.uniform(2, 60, size=listings)[listing] * rng.uniform(0.97, 1.03, size=n), 2
    )
    offer = np.where(rng.random(n) < 0.2, np.round(regular * 0.85, 2), np.nan)
    styles = rng.integers(0, 3, size=n)
    regular_text = np.where(
        styles == 0,
        np.char.mod("%.2f", regular),
        np.where(
            styles == 1,
            np.char.replace(np.char.mod("%.2f", regular), ".", ","),
            np.char.add("S/ ", np.char.mod("%.2f", regular)),
        ),
    )
    return pd.DataFrame(
        {
            "retailer": np.array(RETAILERS)[listing % len(RETAILERS)],
            "external_id": np.char.add("SKU-", listing.astype(str)),
            "name": np.char.add("Producto ", listing.astype(str)),
            "observed_at": [d.isoformat() for d in day],
            "regular_price": regular_text,
            "offer_price": np.where(np.isnan(offer), "", np.char.mod("%.2f", offer)),
            "in_stock": np.where(rng.random(n) < 0.97, "1", "0"),
        }
    )


def fresh_engine(kind: str, workdir: Path, pg_url: str | None) -> Engine:
    if kind == "sqlite":
        engine = create_db_engine(f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}")
    else:
        assert pg_url
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with create_db_engine(pg_url).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_db_engine(f"{pg_url}?options=-csearch_path%3D{schema}")
    upgrade_database(engine)
    return engine


def bare_insert(engine: Engine, rows: pd.DataFrame) -> float:
    """Seconds to insert already-parsed rows with the driver's bulk path."""
    parsed = pd.DataFrame(
        {
            "external_id": rows["external_id"],
            "retailer": rows["retailer"],
            "observed_at": pd.to_datetime(rows["observed_at"])
            .dt.tz_localize("America/Lima")
            .dt.tz_convert("UTC"),
            "regular_price_pen": pd.to_numeric(
                rows["regular_price"].str.replace("S/ ", "").str.replace(",", ".")
            ),
            "offer_price_pen": pd.to_numeric(rows["offer_price"].replace("", np.nan)),
            "in_stock": rows["in_stock"].eq("1"),
        }
    )
    with engine.begin() as connection:
        retailers = resolve_ids(
            connection,
            Retailer,
            pd.DataFrame({"slug": RETAILERS, "name": RETAILERS}),
            keys=["slug"],
        )
        listings = parsed.drop_duplicates("external_id").assign(
            retailer_id=lambda f: f["retailer"].map(retailers),
            name=lambda f: f["external_id"],
            first_seen_at=datetime.now(UTC),
        )[["retailer_id", "external_id", "name", "first_seen_at"]]
        ids = resolve_ids(connection, Listing, listings, keys=["retailer_id", "external_id"])
    facts = pd.DataFrame(
        {
            "listing_id": parsed["external_id"].map(ids.droplevel(0)).to_numpy(),
            "observed_at": parsed["observed_at"],
            "regular_price_pen": parsed["regular_price_pen"],
            "offer_price_pen": parsed["offer_price_pen"],
            "currency": "PEN",
            "in_stock": parsed["in_stock"],
        }
    )
    started = time.perf_counter()
    with engine.begin() as connection:
        inserted = insert_ignore(
            connection, PriceObservation, facts, conflict=["listing_id", "observed_at"]
        )
    seconds = time.perf_counter() - started
    assert inserted == len(rows), (inserted, len(rows))
    return seconds


def pulso_ingest(engine: Engine, path: Path, n: int) -> float:
    """Seconds for a full ``ingest_file`` of the CSV."""
    started = time.perf_counter()
    result = ingest_file(engine, "prices", path, options=IngestOptions(pseudonym_key=b"bench"))
    seconds = time.perf_counter() - started
    assert result.accepted == n, result
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument(
        "--pg",
        default=None,
        help="PostgreSQL URL (e.g. postgresql://postgres@127.0.0.1:5432/test)",
    )
    args = parser.parse_args()
    rows = make_rows(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / "prices.csv"
        rows.to_csv(path, index=False)
        print(f"{args.rows} price rows, {path.stat().st_size / 1e6:.1f} MB CSV")
        for kind in ["sqlite"] + (["postgresql"] if args.pg else []):
            bare = bare_insert(fresh_engine(kind, workdir, args.pg), rows)
            full = pulso_ingest(fresh_engine(kind, workdir, args.pg), path, args.rows)
            print(
                f"{kind:10s} pulso {args.rows / full:>9,.0f} rows/s ({full:.2f} s) | "
                f"bare insert {args.rows / bare:>9,.0f} rows/s ({bare:.2f} s) | ratio {bare / full:.2f}"
            )


if __name__ == "__main__":
    main()
