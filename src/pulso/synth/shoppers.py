"""Demo retail shoppers: Plaza Vea loyalty customers with planted segments.

``generate_shoppers`` writes ``retail/shoppers.csv`` (one row per shopper and month: purchases,
spend, social-media engagements and an occasional survey score) and
``ground_truth/shopper_segments.csv``. Five segments are planted:

- ``loyal_high_value``: many purchases, big baskets, high satisfaction;
- ``deal_seeker``: frequent small baskets, engages with promotion posts;
- ``digital_engaged``: average buyer, very active on social media;
- ``occasional``: a purchase now and then;
- ``churning``: starts like a loyal shopper and fades away, satisfaction falls.

The same population answers the retail satisfaction survey that the restaurant generator puts
in ``surveys.xlsx`` (:func:`retail_survey_rows`), so survey scores and segments agree.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from pulso.errors import InputError
from pulso.synth.manifest import ManifestEntry

__all__ = ["SHOPPER_SEGMENTS", "generate_shoppers", "retail_survey_rows"]

logger = logging.getLogger(__name__)

RETAILER = "Plaza Vea"
SHOPPER_SEGMENTS = ("loyal_high_value", "deal_seeker", "digital_engaged", "occasional", "churning")
_SHARES = np.array([0.15, 0.30, 0.15, 0.30, 0.10])
_PURCHASES_PER_MONTH = np.array([7.0, 4.5, 3.0, 1.0, 6.0])
_BASKET_PEN = np.array([145.0, 55.0, 85.0, 70.0, 120.0])
_SOCIAL_PER_MONTH = np.array([0.8, 6.0, 14.0, 0.3, 0.5])
_SATISFACTION = np.array([4.5, 3.8, 4.0, 3.5, 3.6])
# Purchases rise in July (gratificación) and December (fiestas).
_MONTH_FACTOR = np.array([0.95, 0.9, 1.0, 0.97, 1.0, 0.98, 1.15, 0.97, 0.96, 1.0, 1.02, 1.3])
_SHOPPERS = {"small": 200, "medium": 3_000, "large": 20_000}
_DAYS = {"small": 120, "medium": 365, "large": 730}
_SURVEY_STREAM = 91
_POPULATION_STREAM = 90

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Population:
    ids: list[str]
    segment: _IntArray
    activity: _FloatArray
    join_month: _IntArray
    churn_month: _IntArray
    months: list[str]


def generate_shoppers(
    out_dir: Path, *, scale: str, seed: int, end_date: dt.date
) -> tuple[list[ManifestEntry], dict[str, str]]:
    """Write the shoppers file and its segment ground truth under ``out_dir``.

    Returns the manifest entry of ``retail/shoppers.csv`` and the ground-truth paths
    (relative to ``out_dir``).
    """
    population = _population(scale=scale, seed=seed, end_date=end_date)
    rng = np.random.default_rng([seed, _POPULATION_STREAM, 1])
    frame = _monthly_rows(population, rng)
    (out_dir / "retail").mkdir(parents=True, exist_ok=True)
    (out_dir / "ground_truth").mkdir(parents=True, exist_ok=True)
    path = "retail/shoppers.csv"
    frame.to_csv(out_dir / path, index=False, lineterminator="\n")
    truth = pd.DataFrame(
        {
            "shopper_id": population.ids,
            "segment": [SHOPPER_SEGMENTS[s] for s in population.segment],
        }
    )
    truth_path = "ground_truth/shopper_segments.csv"
    truth.to_csv(out_dir / truth_path, index=False, lineterminator="\n")
    logger.info("wrote %d shopper-month rows for %d shoppers", len(frame), len(population.ids))
    entry = ManifestEntry(kind="shoppers", path=path, rows=len(frame))
    return [entry], {"shopper_segments": truth_path}


def retail_survey_rows(
    *, scale: str, seed: int, end_date: dt.date
) -> list[tuple[str, str, str, str, str, int | None]]:
    """Answers of a sample of shoppers to the retail satisfaction survey.

    Rows are ``(respondent_id, submitted_at, question, answer, retailer, score)``; scores follow
    the shopper's planted segment (churning shoppers are the least satisfied).
    """
    population = _population(scale=scale, seed=seed, end_date=end_date)
    rng = np.random.default_rng([seed, _SURVEY_STREAM])
    count = min(len(population.ids), max(40, len(population.ids) // 10))
    chosen = np.sort(rng.choice(len(population.ids), size=count, replace=False))
    rows: list[tuple[str, str, str, str, str, int | None]] = []
    for index in chosen.tolist():
        segment = int(population.segment[index])
        submitted = end_date - dt.timedelta(days=int(rng.integers(0, 60)))
        stamp = f"{submitted:%d/%m/%Y} {int(rng.integers(8, 22)):02d}:{int(rng.integers(60)):02d}"
        mean = _SATISFACTION[segment] - (1.3 if segment == 4 else 0.0)
        scores = np.clip(np.rint(mean + rng.normal(0.0, 0.7, size=3)), 1, 5).astype(int)
        for question, score in zip(_RETAIL_QUESTIONS, scores.tolist(), strict=True):
            rows.append((population.ids[index], stamp, question, str(score), RETAILER, score))
        nps = int(np.clip(round(2.5 * (scores.mean() - 1) + rng.normal(0.0, 1.2)), 0, 10))
        rows.append((population.ids[index], stamp, _RETAIL_NPS, str(nps), RETAILER, nps))
        if rng.random() < 0.7:
            worst = int(np.argmin(scores))
            answer = str(
                rng.choice(_RETAIL_IMPROVEMENTS[worst] if scores.min() < 4 else _RETAIL_NOTHING)
            )
            rows.append((population.ids[index], stamp, _RETAIL_OPEN, answer, RETAILER, None))
    return rows


_RETAIL_QUESTIONS = (
    "¿Cómo califica nuestros precios?",
    "¿Cómo califica la variedad de productos?",
    "¿Cómo califica la atención en tienda?",
)
_RETAIL_NPS = "¿Qué tan probable es que nos recomiende? (0-10)"
_RETAIL_OPEN = "¿Qué mejoraría?"
_RETAIL_IMPROVEMENTS = (
    (
        "Mejores ofertas en abarrotes",
        "Bajar precios de la canasta básica",
        "Más promociones con la tarjeta Oh!",
        "Que las ofertas duren más",
    ),
    (
        "Que no falte stock de leche",
        "Más variedad de productos orgánicos",
        "Más marcas de frutos secos",
        "Que repongan los productos más rápido",
    ),
    (
        "Más cajas abiertas en hora punta",
        "Personal más amable en caja",
        "Que alguien ayude a embolsar",
        "Menos colas los fines de semana",
    ),
)
_RETAIL_NOTHING = ("Nada, todo bien", "Seguir así", "Todo excelente", "Nada por ahora")


def _population(*, scale: str, seed: int, end_date: dt.date) -> _Population:
    if scale not in _SHOPPERS:
        raise InputError(f"unknown scale {scale!r}; expected one of {sorted(_SHOPPERS)}")
    rng = np.random.default_rng([seed, _POPULATION_STREAM])
    count = _SHOPPERS[scale]
    months = _months(end_date, _DAYS[scale])
    segment = rng.choice(len(SHOPPER_SEGMENTS), size=count, p=_SHARES)
    activity = rng.gamma(4.0, 0.25, size=count)
    newcomer = (rng.random(count) < 0.2) & (segment != 4)
    join_month = np.where(newcomer, rng.integers(0, len(months), size=count), 0)
    churn_start = rng.integers(1, max(2, len(months) // 2 + 1), size=count)
    churn_month = np.where(segment == 4, churn_start, len(months))
    ids = [f"S{n:07d}" for n in rng.permutation(np.arange(1, count + 1)).tolist()]
    return _Population(ids, segment, activity, join_month, churn_month, months)


def _months(end_date: dt.date, days: int) -> list[str]:
    """Whole calendar months inside the ``days`` that end on ``end_date``."""
    start = end_date - dt.timedelta(days=days - 1)
    last = end_date.replace(day=1) - dt.timedelta(days=1)
    if (end_date + dt.timedelta(days=1)).day == 1:
        last = end_date
    cursor = start.replace(day=1)
    if cursor < start:
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    months = []
    while cursor <= last:
        months.append(f"{cursor:%Y-%m}")
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months or [f"{last:%Y-%m}"]


def _monthly_rows(population: _Population, rng: np.random.Generator) -> pd.DataFrame:
    n_months = len(population.months)
    grid_shopper, grid_month = np.meshgrid(
        np.arange(len(population.ids)), np.arange(n_months), indexing="ij"
    )
    shopper, month = grid_shopper.ravel(), grid_month.ravel()
    keep = month >= population.join_month[shopper]
    shopper, month = shopper[keep], month[keep]
    segment = population.segment[shopper]
    calendar = np.array([int(m[5:]) - 1 for m in population.months])[month]
    fade = np.clip(1.0 - 0.45 * (month - population.churn_month[shopper] + 1), 0.05, 1.0)
    fade = np.where(month >= population.churn_month[shopper], fade, 1.0)
    rate = (
        _PURCHASES_PER_MONTH[segment]
        * population.activity[shopper]
        * _MONTH_FACTOR[calendar]
        * fade
    )
    purchases = rng.poisson(rate)
    basket = _BASKET_PEN[segment] * rng.lognormal(0.0, 0.25, size=len(segment))
    spend = purchases * basket
    social = rng.poisson(_SOCIAL_PER_MONTH[segment] * np.where(segment == 4, fade, 1.0))
    satisfaction = _SATISFACTION[segment] - np.where(segment == 4, 2.0 * (1.0 - fade), 0.0)
    score = np.clip(np.rint(satisfaction + rng.normal(0.0, 0.6, size=len(segment))), 1, 5)
    answered = rng.random(len(segment)) < 0.12
    return pd.DataFrame(
        {
            "shopper_id": np.asarray(population.ids, dtype=object)[shopper],
            "retailer": RETAILER,
            "month": np.asarray(population.months, dtype=object)[month],
            "purchases": purchases,
            "spend": [f"{v:.2f}" if p > 0 else "" for v, p in zip(spend, purchases, strict=True)],
            "social_engagements": social,
            "survey_score": [
                str(int(s)) if a else "" for s, a in zip(score, answered, strict=True)
            ],
        }
    )
