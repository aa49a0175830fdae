"""The whole demo data set: retail and restaurant files, ground truth and ``manifest.json``."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pulso.synth.manifest import DemoManifest
from pulso.synth.restaurants import generate_restaurants
from pulso.synth.retail import generate_retail
from pulso.synth.scales import get_scale
from pulso.synth.shoppers import generate_shoppers

__all__ = ["LIMA", "generate_demo"]

logger = logging.getLogger(__name__)

LIMA = ZoneInfo("America/Lima")


def generate_demo(
    out_dir: Path, *, scale: str = "small", seed: int = 7, end_date: date | None = None
) -> DemoManifest:
    """Write the demo data set under ``out_dir`` and return its manifest.

    ``end_date`` is the last day of every history (today in Lima when ``None``). The same
    ``scale``, ``seed`` and ``end_date`` always give byte-identical files. Manifest entries are
    in ingest order: catalog, one prices file per retailer, sales, promotions, then the
    restaurant files and the retail loyalty shoppers.
    """
    get_scale(scale)
    last_day = end_date if end_date is not None else datetime.now(LIMA).date()
    out_dir.mkdir(parents=True, exist_ok=True)
    retail_entries, retail_truth = generate_retail(
        out_dir, scale=scale, seed=seed, end_date=last_day
    )
    restaurant_entries, restaurant_truth = generate_restaurants(
        out_dir, scale=scale, seed=seed, end_date=last_day
    )
    shopper_entries, shopper_truth = generate_shoppers(
        out_dir, scale=scale, seed=seed, end_date=last_day
    )
    manifest = DemoManifest(
        scale=scale,
        seed=seed,
        end_date=last_day.isoformat(),
        entries=(*retail_entries, *restaurant_entries, *shopper_entries),
        ground_truth={**retail_truth, **restaurant_truth, **shopper_truth},
    )
    manifest.write(out_dir)
    logger.info(
        "demo data (%s, seed %d, until %s): %d files in %s",
        scale,
        seed,
        last_day,
        len(manifest.entries),
        out_dir,
    )
    return manifest
