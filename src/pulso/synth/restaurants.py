"""Demo restaurant data for Lima with planted, known ground truth.

``generate_restaurants`` writes, under ``out_dir/restaurants/``, the files a restaurant group
would load into Pulso: ``menu.csv``, ``diners.csv``, ``orders.csv`` (POS lines),
``feedback.csv`` (reviews) and ``surveys.xlsx`` (satisfaction surveys of the restaurants and
of Plaza Vea shoppers), and under ``out_dir/ground_truth/`` what was planted:

- ``diner_segments.csv`` and ``diner_preferences.csv``: each diner's segment (weekday lunch
  regulars, weekend families, seafood lovers, night delivery, occasional), liked tags and
  categories and diet; their orders follow them, with noise, and always respect the diet;
- ``menu_classes.csv``: the menu-engineering class designed into every dish (see ``_dishes``);
- ``review_aspects.csv`` and ``review_labels.csv``: the aspects each review mentions with
  their polarity, and the review's overall label (the sign of the summed polarities, neutral
  on a tie), plus its language;
- ``restaurant_aspects.csv``: the chance of a positive and a negative mention per restaurant
  and aspect, including one planted change over time (the criollo restaurant's wait worsens
  in the last quarter);
- ``restaurant_bad_rows.csv`` and ``restaurant_duplicates.csv``: every malformed row planted
  in orders and feedback with the one rule it breaks, and every repeated row with the row it
  repeats (row numbers count the header as row 1).

Orders follow Lima's rhythm: lunch peaks 12:30-15:00 and dinner 19:00-22:00 (cevicherías
serve lunch only, the anticuchería dinner only), weekends and paydays, summer ceviche and
winter soups, Semana Santa seafood, Día de la Madre, Fiestas Patrias and the year-end
season. Most orders come from anonymous walk-ins. Every random draw comes from
``numpy.random.default_rng`` seeded by ``seed``: the same arguments give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from openpyxl import Workbook

from pulso.errors import InputError
from pulso.synth._dishes import DIET_TAGS, MENUS, SLOT_CATEGORIES, Dish
from pulso.synth._reviews import ASPECTS, DishRef, Mention, ReviewRequest, ReviewWriter
from pulso.synth.manifest import ManifestEntry
from pulso.synth.shoppers import retail_survey_rows

__all__ = [
    "DINER_SEGMENTS",
    "FEEDBACK_COLUMNS",
    "ORDER_COLUMNS",
    "RestaurantSpec",
    "generate_restaurants",
]

logger = logging.getLogger(__name__)

_IntArray = npt.NDArray[np.int64]
_FloatArray = npt.NDArray[np.float64]
_BoolArray = npt.NDArray[np.bool_]

# fmt: off
MENU_COLUMNS = ("restaurant", "dish", "category", "price", "cost", "ingredients", "tags",
                "description", "restaurant_kind", "district")
DINER_COLUMNS = ("diner_id", "age_band", "gender", "district", "diet")
ORDER_COLUMNS = ("restaurant", "order_id", "ordered_at", "dish", "quantity", "unit_price",
                 "diner_id", "party_size", "channel")
FEEDBACK_COLUMNS = ("restaurant", "created_at", "text", "rating", "diner_id", "dish", "source",
                    "feedback_id")
SURVEY_COLUMNS = ("survey", "respondent_id", "submitted_at", "question", "answer", "score",
                  "restaurant", "retailer")
# fmt: on

DINER_SEGMENTS = ("weekday_lunch_regular", "weekend_family", "seafood_lover", "night_delivery",
                  "occasional")  # fmt: skip
_SLOTS = ("main", "starter", "drink", "dessert")
_MEALS = ("breakfast", "lunch", "dinner")
_CHANNELS = ("salón", "delivery", "para llevar")
_DIETS = tuple(DIET_TAGS)
_BAD_ROW_RATE = 0.003
_DUPLICATE_RATE = 0.002


# --- restaurants and scales -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AspectShift:
    """A planted change: from ``start_fraction`` of the period on, an aspect's odds change."""

    aspect: str
    start_fraction: float
    p_positive: float
    p_negative: float


@dataclass(frozen=True, slots=True)
class RestaurantSpec:
    """A demo restaurant: where it is, what it serves and how diners rate each aspect.

    ``aspects`` maps an aspect to the chance that a review mention of it is positive and
    negative (the rest is neutral).
    """

    name: str
    kind: str
    district: str
    series: str
    aspects: Mapping[str, tuple[float, float]]
    english_share: float
    shift: AspectShift | None = None


def _aspects(*pairs: tuple[float, float]) -> dict[str, tuple[float, float]]:
    return dict(zip(ASPECTS, pairs, strict=True))


# fmt: off
RESTAURANTS = (
    # name, kind, district, receipt series, then (p_positive, p_negative) of a review mention
    # for food, service, price, ambience and wait: the pollería is slow, the chifa cheap and
    # shabby, the nikkei expensive and beautiful, the criollo's wait worsens late on.
    RestaurantSpec("Cevichería El Cordelito", "cevicheria", "Surquillo", "B001",
                   _aspects((0.8, 0.07), (0.6, 0.15), (0.2, 0.5), (0.45, 0.2), (0.5, 0.2)),
                   english_share=0.3),
    RestaurantSpec("Pollería La Brasa Dorada", "polleria", "San Miguel", "B001",
                   _aspects((0.65, 0.15), (0.2, 0.55), (0.55, 0.15), (0.3, 0.35), (0.15, 0.6)),
                   english_share=0.15),
    RestaurantSpec("Sazón Criolla Doña Rosa", "criollo", "Jesús María", "B001",
                   _aspects((0.85, 0.05), (0.7, 0.1), (0.5, 0.2), (0.55, 0.15), (0.55, 0.15)),
                   english_share=0.25, shift=AspectShift("wait", 0.75, 0.1, 0.7)),
    RestaurantSpec("Chifa Hong Fa", "chifa", "Cercado de Lima", "B001",
                   _aspects((0.6, 0.15), (0.35, 0.3), (0.8, 0.05), (0.15, 0.55), (0.6, 0.15)),
                   english_share=0.2),
    RestaurantSpec("Sanguchería El Chinchano", "sangucheria", "Barranco", "B001",
                   _aspects((0.7, 0.1), (0.5, 0.2), (0.55, 0.15), (0.5, 0.15), (0.7, 0.1)),
                   english_share=0.35),
    RestaurantSpec("Kaisen Cocina Nikkei", "nikkei", "Miraflores", "B001",
                   _aspects((0.85, 0.05), (0.75, 0.08), (0.1, 0.7), (0.8, 0.05), (0.4, 0.25)),
                   english_share=0.45),
    RestaurantSpec("Pollería La Brasa Dorada (Los Olivos)", "polleria", "Los Olivos", "B002",
                   _aspects((0.6, 0.15), (0.45, 0.25), (0.6, 0.1), (0.35, 0.25), (0.35, 0.35)),
                   english_share=0.03),
    RestaurantSpec("Chifa Hong Fa (San Borja)", "chifa", "San Borja", "B002",
                   _aspects((0.65, 0.12), (0.5, 0.2), (0.6, 0.1), (0.55, 0.15), (0.5, 0.2)),
                   english_share=0.08),
    RestaurantSpec("Cevichería El Cordelito (Chorrillos)", "cevicheria", "Chorrillos", "B002",
                   _aspects((0.75, 0.08), (0.5, 0.2), (0.35, 0.35), (0.75, 0.08), (0.4, 0.3)),
                   english_share=0.2),
    RestaurantSpec("Sazón Criolla Doña Rosa (Surco)", "criollo", "Santiago de Surco", "B002",
                   _aspects((0.75, 0.08), (0.6, 0.15), (0.4, 0.3), (0.65, 0.1), (0.5, 0.2)),
                   english_share=0.08),
    RestaurantSpec("Anticuchería La Tía Chela", "anticucheria", "Lince", "B001",
                   _aspects((0.8, 0.06), (0.45, 0.2), (0.65, 0.1), (0.2, 0.45), (0.35, 0.35)),
                   english_share=0.1),
    RestaurantSpec("Picantería Mistiana", "picanteria", "Pueblo Libre", "B001",
                   _aspects((0.8, 0.07), (0.55, 0.15), (0.45, 0.2), (0.6, 0.1), (0.3, 0.4)),
                   english_share=0.12),
)
# fmt: on


@dataclass(frozen=True, slots=True)
class _Preset:
    restaurants: tuple[RestaurantSpec, ...]
    diners: int
    days: int
    walkin_factor: float  # scales every kind's walk-ins a day
    visit_factor: float  # scales every segment's visits a month
    review_rate_diner: float
    review_rate_walkin: float
    survey_rate: float


_PRESETS = {
    "small": _Preset(RESTAURANTS[:4], 300, 120, 0.12, 1.0, 0.12, 0.05, 0.05),
    "medium": _Preset(RESTAURANTS[:6], 4_000, 365, 0.3, 0.55, 0.06, 0.02, 0.03),
    "large": _Preset(RESTAURANTS, 30_000, 730, 0.4, 0.3, 0.035, 0.012, 0.012),
}


# --- behaviour of restaurant kinds and diner segments ----------------------------------


@dataclass(frozen=True, slots=True)
class _KindProfile:
    meals: tuple[float, float, float]  # breakfast, lunch, dinner share of walk-in orders
    walkins_per_day: float
    weekday: tuple[float, ...]  # Monday first
    months: tuple[float, ...]
    channels: tuple[float, float, float]  # salón, delivery, para llevar
    party: tuple[float, ...]  # 1..6 people
    segments: tuple[float, ...]  # latent segment mix of walk-ins


_FLAT = (1.0,) * 12
# fmt: off
_KINDS: dict[str, _KindProfile] = {
    # meals (breakfast, lunch, dinner), walk-ins a day, weekday (Mon..Sun), months,
    # channels (salón, delivery, para llevar), party of 1..6, latent segments of walk-ins
    "cevicheria": _KindProfile((0, 1, 0), 40, (0.6, 0.8, 0.8, 0.9, 1.0, 1.6, 1.8),
                               (1.3, 1.35, 1.2, 1.0, 0.9, 0.8, 0.8, 0.8, 0.85, 0.95, 1.05, 1.2),
                               (0.85, 0.08, 0.07), (0.12, 0.38, 0.2, 0.18, 0.08, 0.04),
                               (0.1, 0.2, 0.45, 0.0, 0.25)),
    "polleria": _KindProfile((0, 0.4, 0.6), 55, (0.8, 0.8, 0.9, 0.9, 1.2, 1.4, 1.6),
                             (1.0, 1.0, 1.0, 1.0, 1.05, 1.05, 1.1, 1.05, 1.0, 1.0, 1.0, 1.0),
                             (0.45, 0.4, 0.15), (0.2, 0.3, 0.18, 0.2, 0.08, 0.04),
                             (0.1, 0.35, 0.0, 0.3, 0.25)),
    "criollo": _KindProfile((0, 0.68, 0.32), 42, (1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.4), _FLAT,
                            (0.75, 0.12, 0.13), (0.3, 0.32, 0.14, 0.14, 0.06, 0.04),
                            (0.4, 0.25, 0.05, 0.05, 0.25)),
    "chifa": _KindProfile((0, 0.5, 0.5), 50, (0.9, 0.9, 0.9, 1.0, 1.2, 1.3, 1.3),
                          (1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.05, 1.05, 1.0, 1.0, 1.0, 1.0),
                          (0.5, 0.3, 0.2), (0.3, 0.32, 0.14, 0.14, 0.06, 0.04),
                          (0.25, 0.2, 0.0, 0.3, 0.25)),
    "sangucheria": _KindProfile((0.3, 0.4, 0.3), 45, (0.9, 0.9, 0.9, 1.0, 1.1, 1.3, 1.3), _FLAT,
                                (0.5, 0.1, 0.4), (0.45, 0.35, 0.1, 0.07, 0.03, 0.0),
                                (0.3, 0.1, 0.05, 0.25, 0.3)),
    "nikkei": _KindProfile((0, 0.45, 0.55), 24, (0.6, 0.8, 0.9, 1.0, 1.3, 1.5, 1.0), _FLAT,
                           (0.75, 0.2, 0.05), (0.12, 0.45, 0.18, 0.17, 0.05, 0.03),
                           (0.1, 0.1, 0.45, 0.1, 0.25)),
    "anticucheria": _KindProfile((0, 0, 1), 36, (0.5, 0.6, 0.8, 0.9, 1.4, 1.6, 1.1), _FLAT,
                                 (0.7, 0.1, 0.2), (0.15, 0.35, 0.2, 0.18, 0.08, 0.04),
                                 (0.1, 0.35, 0.05, 0.2, 0.3)),
    "picanteria": _KindProfile((0, 0.85, 0.15), 30, (0.6, 0.7, 0.8, 0.9, 1.0, 1.5, 1.8), _FLAT,
                               (0.9, 0.03, 0.07), (0.1, 0.3, 0.2, 0.22, 0.1, 0.08),
                               (0.2, 0.4, 0.1, 0.0, 0.3)),
}
# fmt: on
_KIND_NAMES = tuple(_KINDS)
_MONTHS = np.array([0.95, 0.9, 0.95, 1.0, 1.05, 0.97, 1.08, 0.97, 0.96, 1.0, 1.0, 1.15])


@dataclass(frozen=True, slots=True)
class _SegmentProfile:
    share: float
    visits_per_month: float
    weekday: tuple[float, ...]
    lunch_share: float
    channels: tuple[float, float, float]
    party: tuple[float, ...]
    kinds: Mapping[str, float]
    tags: Mapping[str, float]
    categories: Mapping[str, float]
    starter: float  # chance an order shares a starter
    drink: float  # chance each person adds a drink
    dessert: float  # chance each person adds a dessert
    ages: tuple[float, ...]
    diets: tuple[float, float, float]


# fmt: off
_SEGMENTS = (  # in DINER_SEGMENTS order
    _SegmentProfile(  # weekday lunch, often alone or with a colleague: menú, fondos, sopas
        share=0.18, visits_per_month=3.2, weekday=(1.2, 1.2, 1.2, 1.2, 1.1, 0.2, 0.05),
        lunch_share=0.95, channels=(0.8, 0.02, 0.18), party=(0.55, 0.33, 0.1, 0.02, 0, 0),
        kinds={"criollo": 3, "chifa": 2, "sangucheria": 1.5, "polleria": 0.8, "picanteria": 1,
               "cevicheria": 0.5, "nikkei": 0.3, "anticucheria": 0.3},
        tags={"criollo": 3, "carne": 2, "pollo": 2, "chifa": 1, "picante": 1, "frito": 0.5,
              "dulce": 0.3},
        categories={"menú": 3, "fondos": 3, "sopas": 1.5, "entradas": 1},
        starter=0.2, drink=0.45, dessert=0.03,
        ages=(0.08, 0.38, 0.3, 0.16, 0.06, 0.02), diets=(0.06, 0.03, 0.05),
    ),
    _SegmentProfile(  # weekend families of 3-6: pollo a la brasa, parrilla, desserts
        share=0.2, visits_per_month=1.6, weekday=(0.15, 0.15, 0.15, 0.2, 0.4, 1.6, 2.0),
        lunch_share=0.7, channels=(0.8, 0.12, 0.08), party=(0, 0.03, 0.25, 0.35, 0.22, 0.15),
        kinds={"polleria": 3.5, "criollo": 2, "chifa": 1.5, "picanteria": 1.5, "cevicheria": 1,
               "anticucheria": 1, "sangucheria": 0.5, "nikkei": 0.5},
        tags={"pollo": 3, "a la brasa": 3, "frito": 2, "parrilla": 1.5, "dulce": 1.5,
              "carne": 1, "chifa": 1},
        categories={"brasas": 3, "parrilla": 1.5, "fondos": 1.5, "postres": 1.5,
                    "guarniciones": 1},
        starter=0.55, drink=0.7, dessert=0.12,
        ages=(0.02, 0.15, 0.38, 0.3, 0.1, 0.05), diets=(0.03, 0.02, 0.06),
    ),
    _SegmentProfile(  # seafood lovers: cevicherías and nikkei at lunch, ceviches and entradas
        share=0.15, visits_per_month=1.8, weekday=(0.6, 0.7, 0.7, 0.8, 1.0, 1.5, 1.6),
        lunch_share=0.85, channels=(0.9, 0.05, 0.05), party=(0.15, 0.45, 0.25, 0.15, 0, 0),
        kinds={"cevicheria": 4, "nikkei": 2.5, "criollo": 0.8, "picanteria": 0.6,
               "polleria": 0.2, "chifa": 0.2, "sangucheria": 0.2, "anticucheria": 0.2},
        tags={"marino": 4, "mariscos": 3, "picante": 2, "frío": 2, "nikkei": 1.5,
              "criollo": 0.5},
        categories={"ceviches": 4, "entradas": 2, "fondos": 1.5, "makis": 1},
        starter=0.6, drink=0.7, dessert=0.07,
        ages=(0.05, 0.25, 0.3, 0.22, 0.12, 0.06), diets=(0.0, 0.03, 0.0),
    ),
    _SegmentProfile(  # night delivery: chifa, pollo a la brasa and sánguches after 19:00
        share=0.15, visits_per_month=2.2, weekday=(0.7, 0.7, 0.8, 1.0, 1.4, 1.4, 1.0),
        lunch_share=0.0, channels=(0.05, 0.85, 0.1), party=(0.45, 0.35, 0.15, 0.05, 0, 0),
        kinds={"chifa": 3, "polleria": 3, "sangucheria": 1.5, "nikkei": 1, "anticucheria": 0.8,
               "criollo": 0.5, "picanteria": 0.2, "cevicheria": 0.1},
        tags={"chifa": 3, "frito": 2.5, "pollo": 2, "a la brasa": 1.5, "cerdo": 1,
              "nikkei": 0.7},
        categories={"chaufas": 3, "tallarines": 2, "brasas": 2, "sánguches": 1.5, "makis": 1},
        starter=0.3, drink=0.6, dessert=0.05,
        ages=(0.3, 0.42, 0.18, 0.07, 0.02, 0.01), diets=(0.06, 0.02, 0.05),
    ),
    _SegmentProfile(  # occasional: a visit every few months, anywhere, anything
        share=0.32, visits_per_month=0.3, weekday=(0.8, 0.8, 0.9, 1.0, 1.1, 1.3, 1.2),
        lunch_share=0.55, channels=(0.6, 0.2, 0.2), party=(0.3, 0.4, 0.15, 0.1, 0.05, 0),
        kinds=dict.fromkeys(_KIND_NAMES, 1.0),
        tags={"criollo": 1, "pollo": 1, "carne": 1, "marino": 1, "chifa": 1, "frito": 1,
              "picante": 1, "cerdo": 1, "dulce": 1},
        categories={"fondos": 1, "entradas": 1, "brasas": 1, "ceviches": 1, "chaufas": 1,
                    "sánguches": 1},
        starter=0.35, drink=0.6, dessert=0.07,
        ages=(0.15, 0.25, 0.22, 0.18, 0.12, 0.08), diets=(0.07, 0.03, 0.06),
    ),
)
# fmt: on
_AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
# fmt: off
_DISTRICTS = {  # where diners live, with relative weights
    "Miraflores": 1.2, "San Isidro": 1.0, "Santiago de Surco": 1.4, "San Borja": 1.0,
    "Jesús María": 0.9, "Lince": 0.7, "Pueblo Libre": 0.8, "Magdalena del Mar": 0.7,
    "San Miguel": 1.1, "Barranco": 0.6, "Chorrillos": 1.0, "La Molina": 1.0, "Los Olivos": 1.3,
    "San Juan de Lurigancho": 1.2, "Surquillo": 0.8, "Cercado de Lima": 0.9, "Breña": 0.5,
    "Callao": 0.8,
}
# fmt: on
_CLASS_WEIGHT = {"star": 6.0, "plowhorse": 6.0, "puzzle": 0.9, "dog": 0.7}


# --- entry point --------------------------------------------------------------------------


def generate_restaurants(
    out_dir: Path, *, scale: str, seed: int, end_date: dt.date
) -> tuple[list[ManifestEntry], dict[str, str]]:
    """Write the restaurant demo files and their ground truth under ``out_dir``.

    Returns the manifest entries in ingest order (menu, diners, orders, feedback, surveys)
    and the ground-truth files by name, as paths relative to ``out_dir``.
    """
    if scale not in _PRESETS:
        raise InputError(f"unknown scale {scale!r}; expected one of {sorted(_PRESETS)}")
    preset = _PRESETS[scale]
    rng = np.random.default_rng(seed)
    calendar = _Calendar.build(end_date, preset.days)
    menu = _Menu.build(preset.restaurants)
    diners = _make_diners(rng, preset=preset, menu=menu, calendar=calendar)
    orders = _make_orders(rng, preset=preset, menu=menu, diners=diners, calendar=calendar)
    lines = _draw_lines(rng, orders=orders, menu=menu, diners=diners, calendar=calendar)
    reviews = _make_reviews(
        rng, preset=preset, orders=orders, lines=lines, menu=menu, diners=diners, calendar=calendar
    )
    survey_rows = _survey_rows(rng, preset=preset, orders=orders, calendar=calendar)
    survey_rows += [
        ("Encuesta de satisfacción Plaza Vea", rid, stamp, question, answer, score, "", retailer)
        for rid, stamp, question, answer, retailer, score in retail_survey_rows(
            scale=scale, seed=seed, end_date=end_date
        )
    ]
    writer = _Writer(out_dir, rng, stamp=dt.datetime.combine(end_date, dt.time(23, 0)))
    entries = [
        writer.menu(menu),
        writer.diners(diners),
        writer.orders(_orders_frame(orders, lines, menu=menu, diners=diners, calendar=calendar)),
        writer.feedback(reviews.frame),
        writer.surveys(survey_rows),
    ]
    truth = writer.ground_truth(menu=menu, diners=diners, reviews=reviews, calendar=calendar)
    logger.info(
        "wrote %s restaurant demo data: %d orders, %d order lines, %d reviews",
        scale,
        len(orders.restaurant),
        len(lines.order),
        len(reviews.frame),
    )
    return entries, truth


# --- calendar -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Calendar:
    days: npt.NDArray[np.datetime64]
    weekday: _IntArray
    month: _IntArray
    occasion: list[str | None]
    kind_factor: _FloatArray  # day x kind
    segment_factor: _FloatArray  # day x segment
    seafood_boost: _FloatArray  # day

    @classmethod
    def build(cls, end_date: dt.date, days: int) -> _Calendar:
        start = end_date - dt.timedelta(days=days - 1)
        dates = [start + dt.timedelta(days=i) for i in range(days)]
        kind_factor = np.ones((days, len(_KIND_NAMES)))
        segment_factor = np.ones((days, len(_SEGMENTS)))
        seafood = np.ones(days)
        occasion: list[str | None] = [None] * days
        holidays: dict[dt.date, _Holiday] = {}
        for year in range(start.year, end_date.year + 1):
            holidays.update(_holidays(year))
        for index, day in enumerate(dates):
            growth = 1.0 + 0.06 * index / 365
            kind_factor[index] *= growth * _MONTHS[day.month - 1]
            for k, kind in enumerate(_KIND_NAMES):
                kind_factor[index, k] *= _KINDS[kind].months[day.month - 1]
            if day.day in (15, 30) or (day.month == 12 and 15 <= day.day <= 23):
                kind_factor[index] *= 1.1  # paydays and year-end office lunches
            holiday = holidays.get(day)
            if holiday is None:
                continue
            occasion[index] = holiday.occasion
            kind_factor[index] *= holiday.overall
            for kind, factor in holiday.kinds.items():
                kind_factor[index, _KIND_NAMES.index(kind)] *= factor
            segment_factor[index] *= holiday.overall
            segment_factor[index, 1] *= holiday.families
            segment_factor[index, 2] *= holiday.seafood
            seafood[index] = holiday.seafood
        day_numbers = np.array([d.toordinal() for d in dates])
        return cls(
            days=np.array(dates, dtype="datetime64[D]"),
            weekday=(day_numbers - 1) % 7,
            month=np.array([d.month - 1 for d in dates]),
            occasion=occasion,
            kind_factor=kind_factor,
            segment_factor=segment_factor,
            seafood_boost=seafood,
        )


@dataclass(frozen=True, slots=True)
class _Holiday:
    occasion: str | None
    overall: float
    kinds: Mapping[str, float]
    families: float = 1.0
    seafood: float = 1.0


def _holidays(year: int) -> dict[dt.date, _Holiday]:
    easter = _easter(year)
    pollo_day = _nth_sunday(year, 7, 3)
    return {
        dt.date(year, 1, 1): _Holiday(None, 0.4, {}),
        easter - dt.timedelta(days=3): _Holiday(
            "semana_santa", 1.0, {"cevicheria": 1.9, "nikkei": 1.3}, families=1.3, seafood=2.5
        ),
        easter - dt.timedelta(days=2): _Holiday(
            "semana_santa", 1.0, {"cevicheria": 2.0, "nikkei": 1.3}, families=1.3, seafood=2.5
        ),
        dt.date(year, 5, 1): _Holiday(None, 1.15, {}, families=1.3),
        _nth_sunday(year, 5, 2): _Holiday(
            "madre", 1.6, {"criollo": 1.4, "polleria": 1.3, "picanteria": 1.3}, families=3.5
        ),
        _nth_sunday(year, 6, 3): _Holiday(
            "padre", 1.4, {"polleria": 1.2, "anticucheria": 1.3, "criollo": 1.2}, families=2.5
        ),
        dt.date(year, 6, 28): _Holiday("ceviche", 1.0, {"cevicheria": 1.6}, seafood=1.5),
        pollo_day: _Holiday("pollo", 1.0, {"polleria": 1.8}, families=1.5),
        dt.date(year, 7, 28): _Holiday(
            "patrias",
            1.15,
            {"criollo": 1.6, "picanteria": 1.5, "anticucheria": 1.4, "polleria": 1.3},
            families=2.0,
        ),
        dt.date(year, 7, 29): _Holiday(
            "patrias", 1.15, {"criollo": 1.5, "picanteria": 1.4, "polleria": 1.2}, families=1.8
        ),
        dt.date(year, 8, 30): _Holiday(None, 1.1, {}, families=1.4),
        dt.date(year, 10, 8): _Holiday(None, 1.1, {}, families=1.4),
        dt.date(year, 11, 1): _Holiday(None, 1.1, {}, families=1.4),
        dt.date(year, 12, 8): _Holiday(None, 1.1, {}, families=1.4),
        dt.date(year, 12, 24): _Holiday("navidad", 0.7, {}),
        dt.date(year, 12, 25): _Holiday("navidad", 0.5, {}),
        dt.date(year, 12, 31): _Holiday("navidad", 0.7, {}),
    }


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_sunday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


# --- menu ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Menu:
    restaurants: tuple[RestaurantSpec, ...]
    dishes: tuple[Dish, ...]
    restaurant: _IntArray
    price: _FloatArray
    serves: _IntArray
    slot: _IntArray
    base: _FloatArray
    lunch_only: _BoolArray
    marine: _BoolArray
    tags: _FloatArray  # dish x tag
    tag_names: tuple[str, ...]
    category: _IntArray
    category_names: tuple[str, ...]
    month_factor: _FloatArray  # month x dish
    diet_ok: _BoolArray  # diet x dish

    @classmethod
    def build(cls, restaurants: tuple[RestaurantSpec, ...]) -> _Menu:
        pairs = [(r, dish) for r, spec in enumerate(restaurants) for dish in MENUS[spec.kind]]
        dishes = tuple(dish for _, dish in pairs)
        tag_names = tuple(sorted({t for d in dishes for t in d.tags}))
        category_names = tuple(sorted({d.category for d in dishes}))
        slot_of = {c: s for s, name in enumerate(_SLOTS) for c in SLOT_CATEGORIES[name]}
        tags = np.array([[t in d.tags for t in tag_names] for d in dishes], dtype=float)
        return cls(
            restaurants=restaurants,
            dishes=dishes,
            restaurant=np.array([r for r, _ in pairs]),
            price=np.array([d.price_pen for d in dishes]),
            serves=np.array([d.serves for d in dishes]),
            slot=np.array([slot_of[d.category] for d in dishes]),
            base=np.array([_CLASS_WEIGHT[d.menu_class] * d.weight for d in dishes]),
            lunch_only=np.array([d.weekday_lunch_only for d in dishes]),
            marine=np.array(["marino" in d.tags for d in dishes]),
            tags=tags,
            tag_names=tag_names,
            category=np.array([category_names.index(d.category) for d in dishes]),
            category_names=category_names,
            month_factor=np.stack([_dish_month_factor(d) for d in dishes], axis=1),
            diet_ok=np.array([[_diet_allows(diet, d) for d in dishes] for diet in _DIETS]),
        )


def _dish_month_factor(dish: Dish) -> _FloatArray:
    """Winter (June-September) favours soups and hot drinks, summer cold and marine dishes."""
    winter = np.array([m in (5, 6, 7, 8) for m in range(12)])
    summer = np.array([m in (11, 0, 1, 2) for m in range(12)])
    factor = np.ones(12)
    if dish.category == "sopas" or dish.short in ("emoliente", "café"):
        factor = np.where(winter, 1.6, np.where(summer, 0.6, 1.0))
    elif "frío" in dish.tags or "marino" in dish.tags:
        factor = np.where(summer, 1.2, np.where(winter, 0.85, 1.0))
    return factor


def _diet_allows(diet: str, dish: Dish) -> bool:
    rule, tag = DIET_TAGS[diet]
    return (tag in dish.tags) if rule == "require" else (tag not in dish.tags)


# --- diners -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Diners:
    ids: list[str]
    segment: _IntArray
    diet: _BoolArray  # diner x diet
    liked_tags: _BoolArray
    liked_categories: _BoolArray
    start: _IntArray
    end: _IntArray
    activity: _FloatArray
    age_band: list[str]
    gender: list[str]
    district: list[str]
    restaurant_weight: _FloatArray  # diner x restaurant
    preference: npt.NDArray[np.float32]  # diner x dish, diet already applied


def _make_diners(
    rng: np.random.Generator, *, preset: _Preset, menu: _Menu, calendar: _Calendar
) -> _Diners:
    count = preset.diners
    segment = rng.choice(len(_SEGMENTS), size=count, p=[s.share for s in _SEGMENTS])
    diet = np.stack(
        [
            rng.random(count) < np.array([_SEGMENTS[s].diets[k] for s in segment])
            for k in range(len(_DIETS))
        ],
        axis=1,
    )
    liked_tags = _sample_likes(rng, segment, menu.tag_names, diet=diet, tags=True)
    liked_categories = _sample_likes(rng, segment, menu.category_names, diet=diet, tags=False)
    days = len(calendar.days)
    newcomer = rng.random(count) < 0.25
    start = np.where(newcomer, rng.integers(0, max(1, days * 3 // 4), size=count), 0)
    churner = rng.random(count) < 0.15
    end = np.where(churner, start + (rng.random(count) * (days - start)).astype(int), days - 1)
    age_band, gender, district = _demographics(rng, segment)
    return _Diners(
        ids=[f"C{n:06d}" for n in rng.permutation(np.arange(1, count + 1)).tolist()],
        segment=segment,
        diet=diet,
        liked_tags=liked_tags,
        liked_categories=liked_categories,
        start=start,
        end=end,
        activity=rng.gamma(2.0, 0.5, size=count),
        age_band=age_band,
        gender=gender,
        district=district,
        restaurant_weight=_restaurant_weights(
            rng, segment=segment, district=district, diet=diet, menu=menu
        ),
        preference=_preferences(
            rng, liked_tags=liked_tags, liked_categories=liked_categories, diet=diet, menu=menu
        ),
    )


def _demographics(
    rng: np.random.Generator, segment: _IntArray
) -> tuple[list[str], list[str], list[str]]:
    """Age band (by segment), gender and home district; a few values are left blank."""
    ages = _choice_rows(rng, np.array([_SEGMENTS[s].ages for s in segment]))
    blank = rng.random(len(segment)) < 0.05
    age_band = ["" if b else _AGE_BANDS[a] for a, b in zip(ages.tolist(), blank.tolist(),
                                                           strict=True)]  # fmt: skip
    gender = ["F" if g < 0.5 else "M" if g < 0.96 else "" for g in rng.random(len(segment))]
    names = list(_DISTRICTS)
    weights = np.array(list(_DISTRICTS.values()))
    homes = rng.choice(len(names), size=len(segment), p=weights / weights.sum())
    return age_band, gender, [names[i] for i in homes.tolist()]


def _choice_rows(rng: np.random.Generator, weights: _FloatArray) -> _IntArray:
    """One categorical draw per row of ``weights`` (rows need not sum to one)."""
    cumulative = np.cumsum(weights, axis=1)
    total = cumulative[:, -1]
    target = rng.random(len(weights)) * total
    picks = (cumulative <= target[:, None]).sum(axis=1)
    return np.asarray(np.minimum(picks, weights.shape[1] - 1), dtype=np.int64)


_MEAT_TAGS = ("marino", "mariscos", "pollo", "carne", "cerdo", "a la brasa", "parrilla")
_NOT_LIKED = ("vegetariano", "sin gluten")


def _sample_likes(
    rng: np.random.Generator,
    segment: _IntArray,
    names: tuple[str, ...],
    *,
    diet: _BoolArray,
    tags: bool,
) -> _BoolArray:
    """Two or three liked tags (or one or two categories) per diner, by Gumbel top-k."""
    prior = np.array(
        [[(s.tags if tags else s.categories).get(n, 0.05) for n in names] for s in _SEGMENTS]
    )
    if tags:
        prior[:, [names.index(n) for n in _NOT_LIKED if n in names]] = 0.0
    weights = prior[segment].copy()
    if tags:
        vegetarian = diet[:, _DIETS.index("vegetariano")]
        meat = [names.index(n) for n in _MEAT_TAGS if n in names]
        weights[np.ix_(vegetarian, np.array(meat, dtype=np.int64))] = 0.0
        no_seafood = diet[:, _DIETS.index("sin mariscos")]
        if "mariscos" in names:
            weights[no_seafood, names.index("mariscos")] = 0.0
    with np.errstate(divide="ignore"):
        scores = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-scores, axis=1, kind="stable")
    counts = (
        rng.integers(2, 4, size=len(segment)) if tags else rng.integers(1, 3, size=len(segment))
    )
    liked = np.zeros(weights.shape, dtype=bool)
    for k in range(int(counts.max())):
        rows = np.flatnonzero(counts > k)
        columns = order[rows, k]
        valid = np.isfinite(scores[rows, columns])
        liked[rows[valid], columns[valid]] = True
    return liked


def _restaurant_weights(
    rng: np.random.Generator,
    *,
    segment: _IntArray,
    district: list[str],
    diet: _BoolArray,
    menu: _Menu,
) -> _FloatArray:
    specs = menu.restaurants
    affinity = np.array([[s.kinds.get(r.kind, 0.2) for r in specs] for s in _SEGMENTS])
    weights = affinity[segment] * rng.gamma(1.0, 1.0, size=(len(segment), len(specs)))
    home = np.array([[d == r.district for r in specs] for d in district])
    weights *= np.where(home, 2.5, 1.0)
    mains = menu.slot == 0
    for r in range(len(specs)):
        # a diner can eat a main when it meets every one of the diner's diets
        forbidden = ~menu.diet_ok[:, mains & (menu.restaurant == r)]  # diet x main
        allowed = (diet.astype(np.int64) @ forbidden.astype(np.int64)) == 0  # diner x main
        share = allowed.mean(axis=1)
        weights[:, r] *= np.where(diet.any(axis=1), np.sqrt(share), 1.0)
    return weights


def _preferences(
    rng: np.random.Generator,
    *,
    liked_tags: _BoolArray,
    liked_categories: _BoolArray,
    diet: _BoolArray,
    menu: _Menu,
) -> npt.NDArray[np.float32]:
    matches = liked_tags.astype(np.float32) @ menu.tags.T.astype(np.float32)
    category_hit = liked_categories[:, menu.category]
    preference = (1.0 + 1.4 * np.minimum(matches, 2.0)) * np.where(category_hit, 1.9, 1.0)
    preference *= rng.gamma(2.0, 0.5, size=preference.shape).astype(np.float32)
    allowed = np.ones(preference.shape, dtype=bool)
    for k in range(len(_DIETS)):
        allowed &= ~diet[:, [k]] | menu.diet_ok[k][None, :]
    return np.where(allowed, preference, 0.0).astype(np.float32)


def _segment_preferences(menu: _Menu) -> _FloatArray:
    """What an anonymous walk-in of each latent segment tends to order (segment x dish)."""
    rows = []
    for profile in _SEGMENTS:
        tag_prior = np.array([profile.tags.get(t, 0.0) for t in menu.tag_names])
        category_prior = np.array([profile.categories.get(c, 0.0) for c in menu.category_names])
        tag_score = menu.tags @ (tag_prior / tag_prior.sum())
        category_score = (category_prior / category_prior.sum())[menu.category]
        rows.append((1.0 + 3.0 * tag_score) * (1.0 + 2.0 * category_score))
    return np.array(rows)


# --- orders -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Orders:
    """One entry per order, in time order."""

    restaurant: _IntArray
    day: _IntArray
    minute: _IntArray
    meal: _IntArray
    channel: _IntArray
    persons: _IntArray
    diner: _IntArray  # -1 for an anonymous walk-in
    segment: _IntArray  # planted for diners, latent for walk-ins
    sequence: _IntArray  # the restaurant's POS receipt number


def _make_orders(
    rng: np.random.Generator,
    *,
    preset: _Preset,
    menu: _Menu,
    diners: _Diners,
    calendar: _Calendar,
) -> _Orders:
    d_diner, d_day, d_restaurant, d_meal = _diner_visits(
        rng, preset=preset, menu=menu, diners=diners, calendar=calendar
    )
    w_restaurant, w_day, w_meal, w_segment = _walkin_visits(
        rng, preset=preset, menu=menu, calendar=calendar
    )
    restaurant = np.concatenate([d_restaurant, w_restaurant])
    day = np.concatenate([d_day, w_day])
    meal = np.concatenate([d_meal, w_meal])
    diner = np.concatenate([d_diner, np.full(len(w_day), -1)])
    segment = np.concatenate([diners.segment[d_diner], w_segment])
    kinds = [_KINDS[menu.restaurants[r].kind] for r in range(len(menu.restaurants))]
    known = diner >= 0
    channel_weights = np.where(
        known[:, None],
        np.array([s.channels for s in _SEGMENTS])[segment],
        np.array([k.channels for k in kinds])[restaurant],
    )
    channel = _choice_rows(rng, channel_weights)
    party_weights = np.where(
        known[:, None],
        np.array([s.party for s in _SEGMENTS])[segment],
        np.array([k.party for k in kinds])[restaurant],
    )
    persons = _choice_rows(rng, party_weights) + 1
    minute = _minutes(rng, meal=meal, channel=channel, weekend=calendar.weekday[day] >= 5)
    order = np.lexsort((rng.random(len(day)), restaurant, minute, day))
    restaurant, day, minute, meal = restaurant[order], day[order], minute[order], meal[order]
    channel, persons, diner, segment = channel[order], persons[order], diner[order], segment[order]
    sequence = np.zeros(len(day), dtype=np.int64)
    for r in range(len(menu.restaurants)):
        rows = np.flatnonzero(restaurant == r)
        sequence[rows] = int(rng.integers(1_000, 60_000)) + np.arange(len(rows))
    return _Orders(restaurant, day, minute, meal, channel, persons, diner, segment, sequence)


def _diner_visits(
    rng: np.random.Generator,
    *,
    preset: _Preset,
    menu: _Menu,
    diners: _Diners,
    calendar: _Calendar,
) -> tuple[_IntArray, _IntArray, _IntArray, _IntArray]:
    months_active = (diners.end - diners.start + 1) / 30.4
    rate = (
        np.array([s.visits_per_month for s in _SEGMENTS])[diners.segment]
        * preset.visit_factor
        * diners.activity
        * months_active
    )
    diner = np.repeat(np.arange(len(diners.ids)), rng.poisson(rate))
    segment = diners.segment[diner]
    day = _visit_days(rng, diner, diners=diners, calendar=calendar)
    # the meal and the restaurant are drawn together: cevicherías only open for lunch
    open_meals = np.array([[m > 0 for m in _KINDS[r.kind].meals] for r in menu.restaurants])
    kind_index = [_KIND_NAMES.index(r.kind) for r in menu.restaurants]
    meal_pref = np.array([(0.0, s.lunch_share, 1.0 - s.lunch_share) for s in _SEGMENTS])
    choice = np.zeros(len(diner), dtype=np.int64)
    valid = np.zeros(len(diner), dtype=bool)
    for chunk in range(0, len(diner), 100_000):
        part = slice(chunk, chunk + 100_000)
        weights = (
            diners.restaurant_weight[diner[part]][:, :, None]
            * open_meals[None]
            * meal_pref[segment[part]][:, None, :]
            * calendar.kind_factor[day[part]][:, kind_index][:, :, None]
        )
        flat = weights.reshape(len(weights), -1)
        choice[part] = _choice_rows(rng, flat)
        valid[part] = flat.sum(axis=1) > 0
    restaurant, meal = np.divmod(choice, len(_MEALS))
    return diner[valid], day[valid], restaurant[valid], meal[valid]


def _visit_days(
    rng: np.random.Generator, diner: _IntArray, *, diners: _Diners, calendar: _Calendar
) -> _IntArray:
    """A day inside each diner's active window, following the segment's week and holidays."""
    segment = diners.segment[diner]
    day = np.zeros(len(diner), dtype=np.int64)
    for s, profile in enumerate(_SEGMENTS):
        rows = np.flatnonzero(segment == s)
        weights = (
            np.array(profile.weekday)[calendar.weekday]
            * _MONTHS[calendar.month]
            * calendar.segment_factor[:, s]
        )
        cumulative = np.cumsum(weights)
        first, last = diners.start[diner[rows]], diners.end[diner[rows]]
        low = cumulative[first] - weights[first]
        target = low + rng.random(len(rows)) * (cumulative[last] - low)
        day[rows] = np.clip(np.searchsorted(cumulative, target, side="right"), first, last)
    return day


def _walkin_visits(
    rng: np.random.Generator, *, preset: _Preset, menu: _Menu, calendar: _Calendar
) -> tuple[_IntArray, _IntArray, _IntArray, _IntArray]:
    restaurants, days, meals, segments = [], [], [], []
    for r, spec in enumerate(menu.restaurants):
        profile = _KINDS[spec.kind]
        expected = (
            profile.walkins_per_day
            * preset.walkin_factor
            * np.array(profile.weekday)[calendar.weekday]
            * calendar.kind_factor[:, _KIND_NAMES.index(spec.kind)]
        )
        day = np.repeat(np.arange(len(expected)), rng.poisson(expected))
        restaurants.append(np.full(len(day), r))
        days.append(day)
        meals.append(rng.choice(len(_MEALS), size=len(day), p=profile.meals))
        mix = np.array(profile.segments)
        segments.append(rng.choice(len(_SEGMENTS), size=len(day), p=mix / mix.sum()))
    return (
        np.concatenate(restaurants),
        np.concatenate(days),
        np.concatenate(meals),
        np.concatenate(segments),
    )


def _minutes(
    rng: np.random.Generator, *, meal: _IntArray, channel: _IntArray, weekend: _BoolArray
) -> _IntArray:
    """Minute of the day: breakfast 7:30-11:30, lunch peak 12:30-15:00, dinner 19:00-22:00."""
    late_delivery = (meal == 2) & (channel == 1)
    mean = np.select([meal == 0, meal == 1, late_delivery], [555, 0, 1270], default=1230)
    mean = np.where(meal == 1, np.where(weekend, 845, 820), mean)
    spread = np.select([meal == 0, meal == 1], [50, np.where(weekend, 55, 45)], default=55)
    low = np.select([meal == 0, meal == 1, late_delivery], [450, 720, 1140], default=1110)
    high = np.select(
        [meal == 0, meal == 1, late_delivery],
        [690, np.where(weekend, 1020, 990), 1425],
        default=1380,
    )
    minute = np.rint(mean + spread * rng.standard_normal(len(meal)))
    return np.clip(minute, low, high).astype(np.int64)


# --- order lines --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Lines:
    """One entry per (order, dish), ordered by order."""

    order: _IntArray
    dish: _IntArray
    quantity: _IntArray


def _draw_lines(
    rng: np.random.Generator,
    *,
    orders: _Orders,
    menu: _Menu,
    diners: _Diners,
    calendar: _Calendar,
) -> _Lines:
    """Pick a dish for every draw, then merge repeated dishes of an order into quantities."""
    counts = _slot_counts(rng, orders)
    order = np.repeat(np.repeat(np.arange(len(counts)), len(_SLOTS)), counts.ravel())
    slot = np.repeat(np.tile(np.arange(len(_SLOTS)), len(counts)), counts.ravel())
    dish = np.full(len(order), -1, dtype=np.int64)
    anonymous = _segment_preferences(menu)
    serves = _serves_factor(menu, int(orders.persons.max()))
    noise = rng.random(len(order)) < 0.12
    for r in range(len(menu.restaurants)):
        for s in range(len(_SLOTS)):
            candidates = np.flatnonzero((menu.restaurant == r) & (menu.slot == s))
            rows = np.flatnonzero((orders.restaurant[order] == r) & (slot == s))
            if len(candidates) == 0 or len(rows) == 0:
                continue
            weights = _line_weights(
                order[rows],
                candidates,
                orders=orders,
                menu=menu,
                diners=diners,
                calendar=calendar,
                anonymous=anonymous,
                serves=serves,
                noise=noise[rows],
            )
            picks = _choice_rows(rng, weights)
            dish[rows] = np.where(weights.sum(axis=1) > 0, candidates[picks], -1)
    keep = dish >= 0
    key, count = np.unique(order[keep] * len(menu.dishes) + dish[keep], return_counts=True)
    line_order, line_dish = np.divmod(key, len(menu.dishes))
    quantity = -(-count // menu.serves[line_dish])
    return _Lines(line_order, line_dish, quantity)


def _slot_counts(rng: np.random.Generator, orders: _Orders) -> _IntArray:
    """Draws per order and slot: a main per person, shared starters, drinks, desserts."""
    persons = orders.persons
    starter = np.array([s.starter for s in _SEGMENTS])[orders.segment]
    drink = np.array([s.drink for s in _SEGMENTS])[orders.segment]
    dessert = np.array([s.dessert for s in _SEGMENTS])[orders.segment]
    shared = (rng.random(len(persons)) < starter).astype(np.int64)
    shared += (persons >= 4) & (rng.random(len(persons)) < 0.5)
    return np.stack(
        [persons, shared, rng.binomial(persons, drink), rng.binomial(persons, dessert)], axis=1
    )


def _serves_factor(menu: _Menu, max_persons: int) -> _FloatArray:
    """How likely a party of p people picks a dish that serves s (persons x dish)."""
    people = np.arange(max_persons + 1)[:, None]
    serves = menu.serves[None, :]
    factor = np.where(people >= serves, 1.6, np.where(2 * people >= serves, 0.7, 0.05))
    return np.where(serves == 1, 1.0, factor)


def _line_weights(
    order: _IntArray,
    candidates: _IntArray,
    *,
    orders: _Orders,
    menu: _Menu,
    diners: _Diners,
    calendar: _Calendar,
    anonymous: _FloatArray,
    serves: _FloatArray,
    noise: _BoolArray,
) -> _FloatArray:
    day = orders.day[order]
    weights = (
        menu.base[candidates][None, :]
        * menu.month_factor[calendar.month[day]][:, candidates]
        * serves[orders.persons[order]][:, candidates]
    )
    marine = menu.marine[candidates][None, :]
    weights *= np.where(marine, calendar.seafood_boost[day][:, None], 1.0)
    weekday_lunch = (calendar.weekday[day] < 5) & (orders.meal[order] == 1)
    weights *= np.where(menu.lunch_only[candidates][None, :] & ~weekday_lunch[:, None], 0.0, 1.0)
    diner = orders.diner[order]
    known = diner >= 0
    personal = anonymous[orders.segment[order]][:, candidates]
    if known.any():
        own = diners.preference[diner[known]][:, candidates].astype(np.float64)
        own = np.where(noise[known][:, None], (own > 0).astype(np.float64), own)
        personal[known] = own
    return weights * personal


# --- reviews ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reviews:
    frame: pd.DataFrame
    aspects: pd.DataFrame
    labels: pd.DataFrame


_MENTION_RATE = {"food": 0.75, "service": 0.4, "price": 0.3, "ambience": 0.22, "wait": 0.3}
_RATING_WEIGHT = {"food": 1.1, "service": 0.8, "price": 0.6, "ambience": 0.5, "wait": 0.7}
_POLARITY_SIGN = {"positive": 1, "negative": -1, "neutral": 0}
_MISSING_RATING = {"google": 0.0, "tripadvisor": 0.0, "encuesta": 0.1, "pos": 0.5, "rappi": 0.2}


def _aspect_odds(spec: RestaurantSpec, aspect: str, day: int, days: int) -> tuple[float, float]:
    shift = spec.shift
    if shift is not None and shift.aspect == aspect and day >= shift.start_fraction * days:
        return shift.p_positive, shift.p_negative
    return spec.aspects[aspect]


def _make_reviews(
    rng: np.random.Generator,
    *,
    preset: _Preset,
    orders: _Orders,
    lines: _Lines,
    menu: _Menu,
    diners: _Diners,
    calendar: _Calendar,
) -> _Reviews:
    rate = np.where(orders.diner >= 0, preset.review_rate_diner, preset.review_rate_walkin)
    chosen = np.flatnonzero(rng.random(len(rate)) < rate)
    first = np.searchsorted(lines.order, chosen, side="left")
    last = np.searchsorted(lines.order, chosen, side="right")
    writer = ReviewWriter(rng)
    end = calendar.days[-1] + np.timedelta64(1, "D") - np.timedelta64(1, "m")
    records: list[list[object]] = []
    aspect_rows: list[list[tuple[str, str]]] = []
    label_rows: list[tuple[str, str]] = []
    for index, lo, hi in zip(chosen.tolist(), first.tolist(), last.tolist(), strict=True):
        if hi == lo:
            continue
        record, aspects_of, label_of = _one_review(
            rng,
            writer,
            index=index,
            line_range=(lo, hi),
            orders=orders,
            lines=lines,
            menu=menu,
            diners=diners,
            calendar=calendar,
            end=end,
        )
        records.append([*record, len(records)])
        aspect_rows.append(aspects_of)
        label_rows.append(label_of)
    return _review_tables(records, aspect_rows, label_rows)


def _review_tables(
    records: list[list[object]],
    aspect_rows: list[list[tuple[str, str]]],
    label_rows: list[tuple[str, str]],
) -> _Reviews:
    """Sort reviews by time, number them and key the ground truth by those numbers."""
    frame = pd.DataFrame(records, columns=[*FEEDBACK_COLUMNS[:-1], "_key"])
    order = np.lexsort((np.arange(len(frame)), frame["created_at"].to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    ids = [f"FB{n:06d}" for n in range(1, len(frame) + 1)]
    id_of = dict(zip(frame["_key"].tolist(), ids, strict=True))
    frame = frame.drop(columns="_key")
    frame["feedback_id"] = ids
    aspects = pd.DataFrame(
        [(id_of[key], a, p) for key, rows in enumerate(aspect_rows) for a, p in rows],
        columns=["feedback_id", "aspect", "polarity"],
    ).sort_values(["feedback_id", "aspect"], kind="stable")
    labels = pd.DataFrame(
        [(id_of[key], label, lang) for key, (label, lang) in enumerate(label_rows)],
        columns=["feedback_id", "label", "lang"],
    ).sort_values("feedback_id", kind="stable")
    return _Reviews(frame, aspects.reset_index(drop=True), labels.reset_index(drop=True))


def _one_review(
    rng: np.random.Generator,
    writer: ReviewWriter,
    *,
    index: int,
    line_range: tuple[int, int],
    orders: _Orders,
    lines: _Lines,
    menu: _Menu,
    diners: _Diners,
    calendar: _Calendar,
    end: np.datetime64,
) -> tuple[list[object], list[tuple[str, str]], tuple[str, str]]:
    spec = menu.restaurants[int(orders.restaurant[index])]
    day, channel = int(orders.day[index]), _CHANNELS[int(orders.channel[index])]
    diner = int(orders.diner[index])
    lo, hi = line_range
    dish = _reviewed_dish(rng, lines.dish[lo:hi], menu=menu)
    mentions = _mentions(
        rng, spec, dish=dish, day=day, days=len(calendar.days), delivery=channel == "delivery"
    )
    overall = _overall(rng, spec, mentions)
    lang = "en" if rng.random() < (0.1 if diner >= 0 else spec.english_share) else "es"
    ticket = float((menu.price[lines.dish[lo:hi]] * lines.quantity[lo:hi]).sum())
    request = ReviewRequest(
        lang=lang,
        mentions=mentions,
        overall=overall,
        dish=DishRef(dish.short, dish.gender, dish.plural, dish.price_pen),
        channel=channel,
        party_size=int(orders.persons[index]),
        ticket_pen=ticket,
        weekday=int(calendar.weekday[day]),
        meal=_MEALS[int(orders.meal[index])],
        kind=spec.kind,
        occasion=calendar.occasion[day],
    )
    written = writer.write(request)
    source = _source(rng, lang=lang, channel=channel)
    rating = _rating(rng, mentions, overall=overall, source=source)
    ordered = calendar.days[day] + np.timedelta64(int(orders.minute[index]), "m")
    record: list[object] = [
        spec.name,
        _review_time(rng, ordered, source=source, end=end),
        written.text,
        rating,
        diners.ids[diner] if diner >= 0 else "",
        dish.name if written.mentions_dish else "",
        source,
    ]
    return record, [(m.aspect, m.polarity) for m in mentions], (overall, lang)


def _reviewed_dish(rng: np.random.Generator, dishes: _IntArray, *, menu: _Menu) -> Dish:
    """Usually the order's most expensive food item, sometimes any of its food items."""
    food = np.flatnonzero(menu.slot[dishes] != _SLOTS.index("drink"))
    food = food if len(food) else np.arange(len(dishes))
    prices = menu.price[dishes][food]
    offset = int(np.argmax(prices)) if rng.random() < 0.7 else int(rng.integers(len(food)))
    return menu.dishes[int(dishes[food[offset]])]


def _review_time(
    rng: np.random.Generator, ordered: np.datetime64, *, source: str, end: np.datetime64
) -> str:
    """Comments at the till come within two hours, online reviews hours or days later."""
    if source in ("pos", "encuesta"):
        delay = rng.uniform(20, 120)
    else:
        delay = min(rng.lognormal(np.log(300), 1.0), 20 * 1440)
    return str(min(ordered + np.timedelta64(int(delay), "m"), end)).replace("T", " ")


def _mentions(
    rng: np.random.Generator,
    spec: RestaurantSpec,
    *,
    dish: Dish,
    day: int,
    days: int,
    delivery: bool,
) -> tuple[Mention, ...]:
    """Aspects a review talks about (diners dwell on what stands out) and their polarity."""
    mood = rng.normal(0.0, 1.0)
    mentions = []
    for aspect in ASPECTS:
        positive, negative = _aspect_odds(spec, aspect, day, days)
        if aspect == "food":
            positive += {"star": 0.08, "dog": -0.12}.get(dish.menu_class, 0.0)
            negative += {"star": -0.03, "dog": 0.08}.get(dish.menu_class, 0.0)
        rate = _MENTION_RATE[aspect] * (1.0 + 0.8 * abs(positive - negative))
        if delivery:
            rate *= {"ambience": 0.0, "wait": 1.4, "service": 0.6}.get(aspect, 1.0)
        if rng.random() >= rate:
            continue
        positive = float(np.clip(positive + 0.08 * mood, 0.02, 0.95))
        negative = float(np.clip(negative - 0.08 * mood, 0.02, 0.98 - positive))
        draw = rng.random()
        polarity = (
            "positive"
            if draw < positive
            else ("negative" if draw < positive + negative else "neutral")
        )
        mentions.append(Mention(aspect, polarity))
    if not mentions and rng.random() < 0.5:
        positive, negative = _aspect_odds(spec, "food", day, days)
        draw = rng.random()
        polarity = (
            "positive"
            if draw < positive
            else ("negative" if draw < positive + negative else "neutral")
        )
        mentions.append(Mention("food", polarity))
    order = rng.permutation(len(mentions))[:3]
    return tuple(mentions[i] for i in order)


def _overall(rng: np.random.Generator, spec: RestaurantSpec, mentions: tuple[Mention, ...]) -> str:
    if mentions:
        total = sum(_POLARITY_SIGN[m.polarity] for m in mentions)
        return "positive" if total > 0 else "negative" if total < 0 else "neutral"
    positive = float(np.mean([p for p, _ in spec.aspects.values()]))
    negative = float(np.mean([n for _, n in spec.aspects.values()]))
    draw = rng.random()
    return (
        "positive"
        if draw < positive
        else "negative"
        if draw < positive + negative
        else ("neutral")
    )


def _source(rng: np.random.Generator, *, lang: str, channel: str) -> str:
    options: tuple[str, ...]
    weights: tuple[float, ...]
    if lang == "en":
        options, weights = ("tripadvisor", "google"), (0.55, 0.45)
    elif channel == "delivery":
        options, weights = ("rappi", "google"), (0.55, 0.45)
    else:
        options, weights = ("google", "tripadvisor", "pos", "encuesta"), (0.5, 0.08, 0.27, 0.15)
    return options[int(rng.choice(len(options), p=weights))]


def _rating(
    rng: np.random.Generator, mentions: tuple[Mention, ...], *, overall: str, source: str
) -> str:
    """Stars follow the aspects (weighted by how much diners care) plus noise; some missing."""
    if mentions:
        score = 3.2 + sum(_RATING_WEIGHT[m.aspect] * _POLARITY_SIGN[m.polarity] for m in mentions)
    else:
        score = {"positive": 4.6, "negative": 1.6, "neutral": 3.0}[overall]
    stars = int(np.clip(np.rint(score + rng.normal(0.0, 0.55)), 1, 5))
    return "" if rng.random() < _MISSING_RATING[source] else str(stars)


# --- surveys ------------------------------------------------------------------------------

_SURVEY_NAME = "Encuesta de satisfacción restaurantes"
_SURVEY_QUESTIONS = (
    ("food", "¿Cómo califica la comida?"),
    ("service", "¿Cómo califica la atención?"),
    ("price", "¿Cómo califica la relación calidad-precio?"),
    ("ambience", "¿Cómo califica el ambiente del local?"),
    ("wait", "¿Cómo califica el tiempo de espera?"),
)
_NPS_QUESTION = "¿Qué tan probable es que nos recomiende? (0-10)"
_OPEN_QUESTION = "¿Qué mejoraría?"
_IMPROVEMENTS = {
    "food": (
        "Que la comida llegue más caliente",
        "Mejorar la sazón de los fondos",
        "Porciones un poco más grandes",
        "Más opciones vegetarianas",
        "Que el arroz no esté tan salado",
    ),
    "service": (
        "Más amabilidad de los mozos",
        "Que los mozos estén más pendientes",
        "Capacitar al personal sobre la carta",
        "Que atiendan más rápido los pedidos",
    ),
    "price": (
        "Bajar un poco los precios",
        "Más promociones entre semana",
        "Que no cobren el cubierto aparte",
        "Un menú más económico",
    ),
    "ambience": (
        "Mejorar la limpieza de los baños",
        "Bajar el volumen de la música",
        "Más ventilación en el local",
        "Sillas más cómodas",
    ),
    "wait": (
        "Reducir el tiempo de espera",
        "Que el delivery llegue a tiempo",
        "Más personal en hora punta",
        "Que la comida salga toda junta",
    ),
}
_NOTHING_TO_IMPROVE = (
    "Nada, todo excelente",
    "Todo bien, sigan así",
    "Nada por ahora",
    "Que acepten Yape",
    "Más estacionamiento",
)

_SurveyRow = tuple[str, str, str, str, str, int | None, str, str]


def _survey_rows(
    rng: np.random.Generator, *, preset: _Preset, orders: _Orders, calendar: _Calendar
) -> list[_SurveyRow]:
    """Satisfaction survey answers of a sample of orders (Google Forms style timestamps)."""
    chosen = np.flatnonzero(rng.random(len(orders.day)) < preset.survey_rate)
    end = calendar.days[-1] + np.timedelta64(1, "D") - np.timedelta64(1, "m")
    rows: list[_SurveyRow] = []
    for number, index in enumerate(chosen.tolist(), start=1):
        spec = preset.restaurants[int(orders.restaurant[index])]
        day = int(orders.day[index])
        minute = int(orders.minute[index]) + int(rng.integers(5, 90))
        submitted = min(calendar.days[day] + np.timedelta64(minute, "m"), end)
        stamp = pd.Timestamp(submitted).strftime("%d/%m/%Y %H:%M")
        answers = _survey_answers(
            rng, spec, day=day, days=len(calendar.days), delivery=orders.channel[index] == 1
        )
        rows.extend(
            (_SURVEY_NAME, f"E{number:06d}", stamp, question, answer, score, spec.name, "")
            for question, answer, score in answers
        )
    return rows


def _survey_answers(
    rng: np.random.Generator, spec: RestaurantSpec, *, day: int, days: int, delivery: bool
) -> list[tuple[str, str, int | None]]:
    """One respondent: 1-5 scores that follow the planted aspect quality, NPS, a suggestion."""
    mood = rng.normal(0.0, 0.4)
    scores: dict[str, int] = {}
    answers: list[tuple[str, str, int | None]] = []
    for aspect, question in _SURVEY_QUESTIONS:
        if aspect == "ambience" and delivery:
            continue
        positive, negative = _aspect_odds(spec, aspect, day, days)
        value = 3.4 + 1.6 * (positive - negative) + mood + rng.normal(0.0, 0.7)
        scores[aspect] = int(np.clip(np.rint(value), 1, 5))
        answers.append((question, str(scores[aspect]), scores[aspect]))
    mean = float(np.mean(list(scores.values())))
    nps = int(np.clip(np.rint(2.5 * (mean - 1.0) + rng.normal(0.0, 1.2)), 0, 10))
    answers.append((_NPS_QUESTION, str(nps), nps))
    if rng.random() < 0.7:
        worst = min(scores, key=lambda a: scores[a])
        pool = _IMPROVEMENTS[worst] if scores[worst] <= 3 else _NOTHING_TO_IMPROVE
        answers.append((_OPEN_QUESTION, pool[int(rng.integers(len(pool)))], None))
    return answers


# --- files --------------------------------------------------------------------------------


def _orders_frame(
    orders: _Orders, lines: _Lines, *, menu: _Menu, diners: _Diners, calendar: _Calendar
) -> pd.DataFrame:
    names = np.array([r.name for r in menu.restaurants], dtype=object)
    series = [r.series for r in menu.restaurants]
    order_ids = np.array(
        [
            f"{series[r]}-{n:08d}"
            for r, n in zip(orders.restaurant.tolist(), orders.sequence.tolist(), strict=True)
        ],
        dtype=object,
    )
    stamps = calendar.days[orders.day] + orders.minute.astype("timedelta64[m]")
    ordered_at = np.char.replace(np.datetime_as_string(stamps, unit="m"), "T", " ").astype(object)
    diner_ids = np.array([*diners.ids, ""], dtype=object)[orders.diner]
    party = np.where(orders.channel == 0, orders.persons.astype(str), "").astype(object)
    prices = np.array([f"{p:.2f}" for p in menu.price], dtype=object)
    dish_names = np.array([d.name for d in menu.dishes], dtype=object)
    o = lines.order
    return pd.DataFrame(
        {
            "restaurant": names[orders.restaurant[o]],
            "order_id": order_ids[o],
            "ordered_at": ordered_at[o],
            "dish": dish_names[lines.dish],
            "quantity": lines.quantity.astype(str).astype(object),
            "unit_price": prices[lines.dish],
            "diner_id": diner_ids[o],
            "party_size": party[o],
            "channel": np.array(_CHANNELS, dtype=object)[orders.channel[o]],
        },
        columns=list(ORDER_COLUMNS),
    )


def _impossible_date(value: str, rng: np.random.Generator) -> str:
    """The same timestamp on a day that does not exist (30 February, 31 April...)."""
    month_day = ("02-30", "02-31", "04-31", "06-31", "09-31", "11-31")[int(rng.integers(6))]
    return f"{value[:4]}-{month_day}{value[10:]}"


def _corrupt_order(row: dict[str, str], rng: np.random.Generator, kind: int) -> tuple[str, str]:
    """Break exactly one rule of the orders format; returns (column, problem)."""
    if kind == 0:
        row["quantity"] = "0"
        return "quantity", "quantity must be 1 to 1000"
    if kind == 1:
        row["quantity"] = "dos"
        return "quantity", "quantity is not a whole number"
    if kind == 2:
        row["unit_price"] = "--"
        return "unit_price", "unit_price is not a price"
    if kind == 3:
        row["unit_price"] = "-" + row["unit_price"]
        return "unit_price", "unit_price must be > 0"
    if kind == 4:
        column = ("restaurant", "order_id", "ordered_at", "dish")[int(rng.integers(4))]
        row[column] = ""
        return column, "required value is empty"
    if kind == 5:
        row["ordered_at"] = _impossible_date(row["ordered_at"], rng)
        return "ordered_at", "impossible date"
    row["party_size"] = "0"
    return "party_size", "party_size must be 1 to 50"


def _corrupt_feedback(row: dict[str, str], rng: np.random.Generator, kind: int) -> tuple[str, str]:
    """Break exactly one rule of the feedback format; returns (column, problem)."""
    if kind == 0:
        row["rating"] = "7"
        return "rating", "rating must be 1 to 5"
    if kind == 1:
        row["rating"] = "4.5"
        return "rating", "rating is not a whole number"
    if kind == 2:
        row["text"] = ""
        return "text", "required value is empty"
    if kind == 3:
        row["created_at"] = _impossible_date(row["created_at"], rng)
        return "created_at", "impossible date"
    column = ("restaurant", "created_at")[int(rng.integers(2))]
    row[column] = ""
    return column, "required value is empty"


_ORDER_DEFECTS = 7
_FEEDBACK_DEFECTS = 5


class _Writer:
    """Writes the files, plants the dirt and remembers what it planted."""

    def __init__(self, out_dir: Path, rng: np.random.Generator, *, stamp: dt.datetime) -> None:
        self._out = out_dir
        self._rng = rng
        self._stamp = stamp
        self._bad_rows: list[tuple[str, int, str, str]] = []
        self._duplicates: list[tuple[str, int, int]] = []
        (out_dir / "restaurants").mkdir(parents=True, exist_ok=True)
        (out_dir / "ground_truth").mkdir(parents=True, exist_ok=True)

    def menu(self, menu: _Menu) -> ManifestEntry:
        specs = menu.restaurants
        frame = pd.DataFrame(
            [
                (
                    specs[r].name,
                    d.name,
                    d.category,
                    f"{d.price_pen:.2f}",
                    f"{d.cost_pen:.2f}",
                    ";".join(d.ingredients),
                    ";".join(d.tags),
                    d.description,
                    specs[r].kind,
                    specs[r].district,
                )
                for r, d in zip(menu.restaurant.tolist(), menu.dishes, strict=True)
            ],
            columns=list(MENU_COLUMNS),
        )
        return self._csv("menu", "restaurants/menu.csv", frame)

    def diners(self, diners: _Diners) -> ManifestEntry:
        frame = pd.DataFrame(
            {
                "diner_id": diners.ids,
                "age_band": diners.age_band,
                "gender": diners.gender,
                "district": diners.district,
                "diet": [";".join(_DIETS[k] for k in np.flatnonzero(row)) for row in diners.diet],
            },
            columns=list(DINER_COLUMNS),
        )
        return self._csv("diners", "restaurants/diners.csv", frame)

    def orders(self, frame: pd.DataFrame) -> ManifestEntry:
        frame, bad, duplicates = self._plant(
            frame, "restaurants/orders.csv", _corrupt_order, _ORDER_DEFECTS
        )
        return self._csv("orders", "restaurants/orders.csv", frame, bad=bad, duplicates=duplicates)

    def feedback(self, frame: pd.DataFrame) -> ManifestEntry:
        frame, bad, duplicates = self._plant(
            frame, "restaurants/feedback.csv", _corrupt_feedback, _FEEDBACK_DEFECTS
        )
        return self._csv(
            "feedback", "restaurants/feedback.csv", frame, bad=bad, duplicates=duplicates
        )

    def surveys(self, rows: list[_SurveyRow]) -> ManifestEntry:
        path = "restaurants/surveys.xlsx"
        _write_xlsx(self._out / path, SURVEY_COLUMNS, rows, sheet="respuestas", stamp=self._stamp)
        return ManifestEntry(kind="surveys", path=path, rows=len(rows))

    def ground_truth(
        self, *, menu: _Menu, diners: _Diners, reviews: _Reviews, calendar: _Calendar
    ) -> dict[str, str]:
        frames = {
            "diner_segments": pd.DataFrame(
                {
                    "diner_id": diners.ids,
                    "segment": [DINER_SEGMENTS[s] for s in diners.segment.tolist()],
                }
            ),
            "diner_preferences": pd.DataFrame(
                {
                    "diner_id": diners.ids,
                    "liked_tags": _joined(diners.liked_tags, menu.tag_names),
                    "liked_categories": _joined(diners.liked_categories, menu.category_names),
                    "diet": _joined(diners.diet, _DIETS),
                }
            ),
            "menu_classes": pd.DataFrame(
                [
                    (menu.restaurants[r].name, d.name, d.category, d.menu_class)
                    for r, d in zip(menu.restaurant.tolist(), menu.dishes, strict=True)
                ],
                columns=["restaurant", "dish", "category", "menu_class"],
            ),
            "review_aspects": reviews.aspects,
            "review_labels": reviews.labels,
            "restaurant_aspects": _aspect_truth(menu.restaurants, calendar),
            "restaurant_bad_rows": pd.DataFrame(
                sorted(self._bad_rows), columns=["path", "row", "column", "rule"]
            ),
            "restaurant_duplicates": pd.DataFrame(
                sorted(self._duplicates), columns=["path", "row", "first_row"]
            ),
        }
        paths = {}
        for name, frame in frames.items():
            paths[name] = f"ground_truth/{name}.csv"
            frame.to_csv(self._out / paths[name], index=False, lineterminator="\n")
        return paths

    def _csv(
        self, kind: str, path: str, frame: pd.DataFrame, *, bad: int = 0, duplicates: int = 0
    ) -> ManifestEntry:
        frame.to_csv(self._out / path, index=False, lineterminator="\n")
        return ManifestEntry(
            kind=kind,
            path=path,
            rows=len(frame),
            planted_bad_rows=bad,
            planted_duplicates=duplicates,
        )

    def _plant(
        self,
        frame: pd.DataFrame,
        path: str,
        corrupt: _Corruptor,
        defects: int,
    ) -> tuple[pd.DataFrame, int, int]:
        """Break ~0.3% of the rows (one rule each) and repeat ~0.2% later in the file.

        Bad rows and repeated rows are disjoint, so no bad row shares a key with another row
        and every copy repeats a valid row.
        """
        count = len(frame)
        bad = max(1, round(count * _BAD_ROW_RATE))
        duplicates = max(1, round(count * _DUPLICATE_RATE))
        picked = self._rng.permutation(count)[: bad + duplicates]
        bad_rows, copied = np.sort(picked[:bad]), np.sort(picked[bad:])
        columns = {name: frame[name].to_numpy(dtype=object).copy() for name in frame.columns}
        problems = []
        kinds = self._rng.permutation(np.arange(bad) % defects)
        for row, kind in zip(bad_rows.tolist(), kinds.tolist(), strict=True):
            values = {name: str(column[row]) for name, column in columns.items()}
            problems.append(corrupt(values, self._rng, kind))
            for name, column in columns.items():
                column[row] = values[name]
        # each copy goes right after a random row at or after its original
        after = self._rng.integers(copied, count)
        position = np.concatenate([np.arange(count), after]).astype(float)
        position[count:] += 0.5
        order = np.argsort(position, kind="stable")
        line_of = np.empty(len(order), dtype=np.int64)
        line_of[order] = np.arange(len(order)) + 2  # the header is line 1
        source = np.concatenate([np.arange(count), copied])[order]
        out = pd.DataFrame({name: column[source] for name, column in columns.items()})
        for row, (column_name, problem) in zip(line_of[bad_rows].tolist(), problems, strict=True):
            self._bad_rows.append((path, row, column_name, problem))
        for row, first in zip(line_of[count:].tolist(), line_of[copied].tolist(), strict=True):
            self._duplicates.append((path, row, first))
        return out, bad, duplicates


_Corruptor = Callable[[dict[str, str], np.random.Generator, int], tuple[str, str]]


def _joined(flags: _BoolArray, names: Sequence[str]) -> list[str]:
    return [";".join(names[int(i)] for i in np.flatnonzero(row)) for row in flags]


def _aspect_truth(restaurants: Sequence[RestaurantSpec], calendar: _Calendar) -> pd.DataFrame:
    first, last = str(calendar.days[0]), str(calendar.days[-1])
    rows = []
    for spec in restaurants:
        for aspect in ASPECTS:
            positive, negative = spec.aspects[aspect]
            shift = spec.shift
            if shift is not None and shift.aspect == aspect:
                change = int(np.ceil(shift.start_fraction * len(calendar.days)))
                before = str(calendar.days[change - 1])
                rows.append((spec.name, aspect, first, before, positive, negative))
                rows.append(
                    (
                        spec.name,
                        aspect,
                        str(calendar.days[change]),
                        last,
                        shift.p_positive,
                        shift.p_negative,
                    )
                )
            else:
                rows.append((spec.name, aspect, first, last, positive, negative))
    return pd.DataFrame(
        rows,
        columns=["restaurant", "aspect", "period_start", "period_end", "p_positive", "p_negative"],
    )


def _write_xlsx(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet: str,
    stamp: dt.datetime,
) -> None:
    """Write one sheet; zip entry times and document dates are fixed so bytes repeat."""
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    worksheet.append(list(columns))
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso, data
                )
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
