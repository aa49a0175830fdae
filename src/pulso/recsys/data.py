"""Interactions and side features for the recommender: from CSV files and from the store.

Two shapes:

- :class:`RecsysData` holds the frames as read (:mod:`pulso.recsys.schemas`): events, items
  with content text and feature tokens, users with feature tokens;
- :class:`Interactions` encodes them on a fixed user and item index (one row per user-item
  pair, repeated events summed), which every model, split and metric shares.

CSV files follow the ``pulso recsys evaluate`` contract: ``user_id,item_id,rating`` (the UCI
restaurant layout ``userID,placeID,rating`` is recognised; without a rating column every row is
an implicit event), and side-feature files keyed by the same ids. A side-feature file may hold
several rows per id (UCI's ``chefmozcuisine.csv``): their tokens are merged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import Connection

from pulso.errors import InputError, SourceError
from pulso.ingest.values import fold_text
from pulso.recsys.schemas import InteractionSchema, ItemSchema, UserSchema
from pulso.store.queries import recsys as queries

__all__ = [
    "Interactions",
    "RecsysData",
    "build_data",
    "load_csv_data",
    "load_store_data",
    "read_ratings_csv",
    "read_side_features",
]

logger = logging.getLogger(__name__)

_USER_COLUMNS = ("user_id", "userid", "user", "diner_id", "dinerid", "customer_id")
_ITEM_COLUMNS = ("item_id", "itemid", "item", "placeid", "place_id", "dish_id", "dishid")
_TIME_COLUMNS = ("timestamp", "ordered_at", "created_at", "datetime", "date", "time")
_MISSING = frozenset({"", "?", "nan", "null", "na", "n/a"})
_NUMERIC_BINS = 4
_ITEM_FRAME_COLUMNS = (
    "item_id", "name", "text", "features", "restaurant_id", "category", "tags", "ingredients",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RecsysData:
    """Events, items and users as frames (validated by :func:`build_data`)."""

    interactions: pd.DataFrame
    items: pd.DataFrame
    users: pd.DataFrame


@dataclass(frozen=True, slots=True)
class Interactions:
    """User-item pairs on a fixed index, with the side features of every user and item.

    Splits keep the index and select pairs, so a model trained on a split still knows every
    user's and item's features (that is what makes cold start possible).
    """

    user_ids: npt.NDArray[np.str_]
    item_ids: npt.NDArray[np.str_]
    users: npt.NDArray[np.int64]
    items: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64]
    ratings: npt.NDArray[np.float64]
    timestamps: npt.NDArray[np.float64]
    user_tokens: tuple[tuple[str, ...], ...]
    item_tokens: tuple[tuple[str, ...], ...]
    item_names: tuple[str, ...]
    item_text: tuple[str, ...]

    @classmethod
    def from_data(cls, data: RecsysData) -> Interactions:
        """Encode ``data``: sum repeated events of a pair, average its ratings, keep its first time."""
        events = data.interactions
        item_ids = data.items[ItemSchema.item_id].to_numpy(dtype=str)
        user_ids = data.users[UserSchema.user_id].to_numpy(dtype=str)
        item_pos = pd.Index(item_ids).get_indexer(events[InteractionSchema.item_id])
        user_pos = pd.Index(user_ids).get_indexer(events[InteractionSchema.user_id])
        frame = pd.DataFrame(
            {
                "u": user_pos,
                "i": item_pos,
                "w": events[InteractionSchema.weight].to_numpy(dtype=float),
                "r": events[InteractionSchema.rating].to_numpy(dtype=float),
                "t": _epoch_seconds(events),
            }
        )
        pairs = frame.groupby(["u", "i"], sort=True).agg(
            w=("w", "sum"), r=("r", "mean"), t=("t", "min")
        )
        return cls(
            user_ids=user_ids,
            item_ids=item_ids,
            users=pairs.index.get_level_values("u").to_numpy(dtype=np.int64),
            items=pairs.index.get_level_values("i").to_numpy(dtype=np.int64),
            weights=pairs["w"].to_numpy(dtype=np.float64),
            ratings=pairs["r"].to_numpy(dtype=np.float64),
            timestamps=pairs["t"].to_numpy(dtype=np.float64),
            user_tokens=tuple(tuple(f) for f in data.users[UserSchema.features]),
            item_tokens=tuple(tuple(f) for f in data.items[ItemSchema.features]),
            item_names=tuple(data.items[ItemSchema.name].astype(str)),
            item_text=tuple(data.items[ItemSchema.text].astype(str)),
        )

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_pairs(self) -> int:
        return len(self.users)

    @property
    def has_ratings(self) -> bool:
        return bool(np.isfinite(self.ratings).any())

    @property
    def has_timestamps(self) -> bool:
        return bool(np.isfinite(self.timestamps).all()) and self.n_pairs > 0

    def subset(self, mask: npt.NDArray[np.bool_]) -> Interactions:
        """The pairs where ``mask`` is true, on the same index."""
        return Interactions(
            user_ids=self.user_ids,
            item_ids=self.item_ids,
            users=self.users[mask],
            items=self.items[mask],
            weights=self.weights[mask],
            ratings=self.ratings[mask],
            timestamps=self.timestamps[mask],
            user_tokens=self.user_tokens,
            item_tokens=self.item_tokens,
            item_names=self.item_names,
            item_text=self.item_text,
        )

    def matrix(self, values: str = "weights") -> sp.csr_matrix:
        """Users x items CSR matrix of ``weights`` (default), ``ratings`` or ``ones``."""
        data = {
            "weights": self.weights,
            "ratings": np.nan_to_num(self.ratings),
            "ones": np.ones(self.n_pairs),
        }[values]
        return sp.csr_matrix(
            (data, (self.users, self.items)), shape=(self.n_users, self.n_items), dtype=np.float64
        )

    def item_counts(self) -> npt.NDArray[np.float64]:
        """How many users interacted with each item."""
        return np.bincount(self.items, minlength=self.n_items).astype(np.float64)

    def user_counts(self) -> npt.NDArray[np.float64]:
        """How many items each user interacted with."""
        return np.bincount(self.users, minlength=self.n_users).astype(np.float64)


def _epoch_seconds(events: pd.DataFrame) -> npt.NDArray[np.float64]:
    if InteractionSchema.timestamp not in events:
        return np.full(len(events), np.nan)
    stamps = pd.to_datetime(events[InteractionSchema.timestamp], utc=True)
    seconds = (stamps - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    return np.asarray(seconds.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


# --- building and validating ---------------------------------------------------------------


def build_data(
    interactions: pd.DataFrame,
    *,
    items: pd.DataFrame | None = None,
    users: pd.DataFrame | None = None,
) -> RecsysData:
    """Validate the frames and add a bare entry for every id that has no side features.

    Events about unknown items are kept (the item gets its id as name and no features); items
    and users without events are kept too (they are the cold-start cases).
    """
    events = InteractionSchema.validate(_with_defaults(interactions))
    item_frame = _complete(
        items, events[InteractionSchema.item_id], key=ItemSchema.item_id, item=True
    )
    user_frame = _complete(
        users, events[InteractionSchema.user_id], key=UserSchema.user_id, item=False
    )
    return RecsysData(
        interactions=events.reset_index(drop=True),
        items=ItemSchema.validate(item_frame).reset_index(drop=True),
        users=UserSchema.validate(user_frame).reset_index(drop=True),
    )


def _with_defaults(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if InteractionSchema.weight not in frame:
        frame[InteractionSchema.weight] = 1.0
    if InteractionSchema.rating not in frame:
        frame[InteractionSchema.rating] = np.nan
    for column in (InteractionSchema.user_id, InteractionSchema.item_id):
        frame[column] = frame[column].astype(str)
    return frame


def _complete(
    frame: pd.DataFrame | None, seen: pd.Series, *, key: str, item: bool
) -> pd.DataFrame:
    known = pd.DataFrame({key: pd.Series(dtype=str), "features": pd.Series(dtype=object)})
    if frame is not None:
        known = frame.copy()
        known[key] = known[key].astype(str)
    missing = sorted(set(seen.astype(str)) - set(known[key]))
    extra = pd.DataFrame({key: missing, "features": [[] for _ in missing]})
    if item:
        extra[ItemSchema.name] = missing
        extra[ItemSchema.text] = ""
    combined = pd.concat([known, extra], ignore_index=True)
    if item:
        combined[ItemSchema.name] = combined[ItemSchema.name].fillna(combined[key]).astype(str)
        combined[ItemSchema.text] = combined[ItemSchema.text].fillna("").astype(str)
    combined["features"] = [
        list(value) if isinstance(value, (list, tuple)) else [] for value in combined["features"]
    ]
    return combined


# --- CSV files -------------------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="latin-1")
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: file not found") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"not a readable CSV file ({exc})", file=str(path)) from exc


def _find_column(frame: pd.DataFrame, aliases: Sequence[str]) -> str | None:
    folded = {fold_text(column).replace(" ", "_"): column for column in frame.columns}
    return next((folded[alias] for alias in aliases if alias in folded), None)


def read_ratings_csv(path: Path) -> pd.DataFrame:
    """Read a ratings file into an :class:`InteractionSchema` frame.

    Columns: ``user_id`` (or ``userID``, ``diner_id``), ``item_id`` (or ``placeID``,
    ``dish_id``), optional ``rating`` (numeric; missing means an implicit event) and an optional
    timestamp (``timestamp``, ``ordered_at``, ``created_at``, ``date``). Extra columns are ignored.
    """
    frame = _read_csv(path)
    user = _find_column(frame, _USER_COLUMNS)
    item = _find_column(frame, _ITEM_COLUMNS)
    for found, name in ((user, "user_id"), (item, "item_id")):
        if found is None:
            raise InputError(
                f"no {name} column (found {', '.join(frame.columns)})", file=str(path), column=name
            )
    assert user is not None
    assert item is not None
    events = pd.DataFrame(
        {InteractionSchema.user_id: frame[user].str.strip(), "item_id": frame[item].str.strip()}
    )
    _reject_blank(events, path)
    rating = _find_column(frame, ("rating", "score", "stars"))
    events[InteractionSchema.rating] = (
        _numbers(frame[rating], path=path, column=rating) if rating else np.nan
    )
    events[InteractionSchema.weight] = 1.0
    stamp = _find_column(frame, _TIME_COLUMNS)
    if stamp is not None:
        events[InteractionSchema.timestamp] = _times(frame[stamp], path=path, column=stamp)
    logger.info("read %d events from %s", len(events), path)
    return events


def _reject_blank(events: pd.DataFrame, path: Path) -> None:
    for column in (InteractionSchema.user_id, InteractionSchema.item_id):
        blank = events[column].str.casefold().isin(_MISSING)
        if blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0]) + 2
            raise InputError("empty id", file=str(path), row=row, column=column)


def _numbers(values: pd.Series, *, path: Path, column: str) -> pd.Series:
    cleaned = values.str.strip().str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(cleaned.where(~cleaned.str.casefold().isin(_MISSING)), errors="coerce")
    bad = numbers.isna() & ~cleaned.str.casefold().isin(_MISSING)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"not a number: {values.iloc[row]!r}", file=str(path), row=row + 2, column=column
        )
    return numbers.astype(float)


def _times(values: pd.Series, *, path: Path, column: str) -> pd.Series:
    stamps = pd.to_datetime(values, errors="coerce", utc=True, format="mixed")
    bad = stamps.isna() & ~values.str.strip().str.casefold().isin(_MISSING)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"not a date or time: {values.iloc[row]!r}", file=str(path), row=row + 2, column=column
        )
    return stamps


def read_side_features(paths: Iterable[Path], *, kind: str) -> pd.DataFrame:
    """Merge side-feature files of ``kind`` ``"item"`` or ``"user"`` into feature tokens.

    Each column becomes tokens ``column=value``: categorical values as they are (``;``-lists
    split), numeric columns with many values in quartile bins (``birth_year=q2``), and columns
    that are nearly unique per id (names, addresses, URLs) are left out of the tokens. A
    ``name`` column names the items.
    """
    if kind not in ("item", "user"):
        raise InputError(f"kind must be 'item' or 'user', got {kind!r}")
    key_aliases = _ITEM_COLUMNS if kind == "item" else _USER_COLUMNS
    tokens: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for path in paths:
        frame = _read_csv(path)
        key = _find_column(frame, (*key_aliases, "id"))
        if key is None:
            raise InputError(f"no {kind} id column", file=str(path), column=f"{kind}_id")
        ids = frame[key].str.strip()
        name = _find_column(frame, ("name", "nombre", "dish", "title"))
        if name is not None and kind == "item":
            names.update(zip(ids, frame[name].str.strip(), strict=True))
        for column in frame.columns:
            if column in (key, name):
                continue
            for identifier, token in _column_tokens(ids, frame[column], column):
                tokens.setdefault(identifier, set()).add(token)
    key_name = "item_id" if kind == "item" else "user_id"
    ordered = sorted(set(tokens) | set(names))
    result = pd.DataFrame(
        {key_name: ordered, "features": [sorted(tokens.get(i, ())) for i in ordered]}
    )
    if kind == "item":
        result["name"] = [names.get(i, i) for i in ordered]
        result["text"] = [
            " ".join([names.get(i, ""), *(t.replace("=", "_") for t in f)])
            for i, f in zip(ordered, result["features"], strict=True)
        ]
    return result


def _column_tokens(ids: pd.Series, values: pd.Series, column: str) -> list[tuple[str, str]]:
    label = fold_text(column).replace(" ", "_")
    clean = values.str.strip()
    present = ~clean.str.casefold().isin(_MISSING)
    ids, clean = ids[present], clean[present]
    if clean.empty:
        return []
    numbers = pd.to_numeric(clean, errors="coerce")
    if numbers.notna().mean() > 0.9 and numbers.nunique() > 2 * _NUMERIC_BINS:
        ranks = numbers.rank(pct=True, method="average")
        bins = np.ceil(ranks.fillna(0.5) * _NUMERIC_BINS).clip(1, _NUMERIC_BINS).astype(int)
        return [(i, f"{label}=q{b}") for i, b in zip(ids, bins, strict=True)]
    per_id = clean.groupby(ids.to_numpy()).first()
    if per_id.nunique() > 3 and per_id.nunique() >= 0.8 * len(per_id):
        return []  # an identifier or free text (name, address, URL), not a feature
    pairs = []
    for identifier, value in zip(ids, clean, strict=True):
        for part in value.split(";"):
            part = fold_text(part)
            if part and part not in _MISSING:
                pairs.append((identifier, f"{label}={part}"))
    return pairs


def load_csv_data(
    ratings: Path, *, items: Sequence[Path] = (), users: Sequence[Path] = ()
) -> RecsysData:
    """Ratings plus optional item and user side-feature files, validated.

    Side features of ids that the ratings file never mentions are dropped (UCI's
    ``chefmozcuisine.csv`` describes 769 places, of which 130 are rated).
    """
    events = read_ratings_csv(ratings)
    item_frame = user_frame = None
    if items:
        item_frame = read_side_features(items, kind="item")
        item_frame = item_frame[item_frame["item_id"].isin(set(events["item_id"]))]
    if users:
        user_frame = read_side_features(users, kind="user")
        user_frame = user_frame[user_frame["user_id"].isin(set(events["user_id"]))]
    return build_data(events, items=item_frame, users=user_frame)


# --- the store -------------------------------------------------------------------------------


def load_store_data(connection: Connection) -> RecsysData:
    """Orders of known diners (implicit) and their dish ratings (explicit), with side features.

    Items are every dish in the store (dishes nobody ordered yet are the cold-start items);
    their tokens are category, tags, ingredients, restaurant, restaurant kind and price band,
    and their text adds the description and the text of feedback about the dish. Users are
    every diner, with diet, age band, gender and district tokens. Ids are the store's ids as
    strings; the item frame also carries ``restaurant_id``, ``category``, ``tags`` and
    ``ingredients`` for serving filters.
    """
    orders = queries.read_order_events(connection)
    ratings = queries.read_dish_ratings(connection)
    events = pd.concat(
        [
            pd.DataFrame(
                {
                    "user_id": orders["diner_id"].astype(str),
                    "item_id": orders["dish_id"].astype(str),
                    "weight": 1.0,
                    "rating": np.nan,
                    "timestamp": orders["ordered_at"],
                }
            ),
            pd.DataFrame(
                {
                    "user_id": ratings["diner_id"].astype(str),
                    "item_id": ratings["dish_id"].astype(str),
                    "weight": 1.0,
                    "rating": ratings["rating"].astype(float),
                    "timestamp": ratings["created_at"],
                }
            ),
        ],
        ignore_index=True,
    )
    dishes = queries.read_dishes(connection)
    feedback = queries.read_dish_feedback_text(connection)
    diners = queries.read_diners(connection)
    return build_data(events, items=dish_items(dishes, feedback), users=diner_users(diners))


def dish_items(dishes: pd.DataFrame, feedback: pd.DataFrame | None = None) -> pd.DataFrame:
    """Item frame of dishes: tokens and content text (name, description, ingredients, tags)."""
    texts = (
        feedback.groupby("dish_id")["text"].agg(" ".join)
        if feedback is not None and not feedback.empty
        else pd.Series(dtype=str)
    )
    bands = _price_bands(dishes["price_pen"])
    rows: list[dict[str, Any]] = []
    for position, dish in enumerate(dishes.itertuples(index=False)):
        tags = [str(t) for t in _listed(dish.tags)]
        ingredients = [str(i) for i in _listed(dish.ingredients)]
        features = [
            f"category={fold_text(_text(dish.category) or 'sin categoria')}",
            f"restaurant={dish.restaurant_id}",
            *([f"kind={fold_text(kind)}"] if (kind := _text(dish.restaurant_kind)) else []),
            *([f"price={bands[position]}"] if bands[position] else []),
            *(f"tag={fold_text(t)}" for t in tags),
            *(f"ingredient={fold_text(i)}" for i in ingredients),
        ]
        text = " ".join(
            [
                _text(dish.name),
                _text(dish.category),
                _text(dish.description),
                " ".join(ingredients),
                " ".join(tags),
                _text(texts.get(dish.dish_id, "")),
            ]
        )
        rows.append(
            {
                "item_id": str(dish.dish_id),
                "name": dish.name,
                "text": text,
                "features": features,
                "restaurant_id": str(dish.restaurant_id),
                "category": _text(dish.category),
                "tags": tags,
                "ingredients": ingredients,
            }
        )
    return pd.DataFrame(rows, columns=[*_ITEM_FRAME_COLUMNS])


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _price_bands(prices: pd.Series) -> list[str]:
    values = pd.to_numeric(prices, errors="coerce")
    if values.notna().sum() < _NUMERIC_BINS:
        return ["" for _ in range(len(values))]
    ranks = values.rank(pct=True)
    return [
        "" if pd.isna(r) else f"q{int(min(_NUMERIC_BINS, max(1, np.ceil(r * _NUMERIC_BINS))))}"
        for r in ranks
    ]


def diner_users(diners: pd.DataFrame) -> pd.DataFrame:
    """User frame of diners: diet, age band, gender, district and segment tokens."""
    features = []
    for diner in diners.itertuples(index=False):
        tokens = [f"diet={fold_text(str(d))}" for d in _listed(diner.diet)]
        for column in ("age_band", "gender", "district", "segment"):
            value = getattr(diner, column, None)
            if isinstance(value, str) and value.strip():
                tokens.append(f"{column}={fold_text(value)}")
        features.append(tokens)
    return pd.DataFrame({"user_id": diners["diner_id"].astype(str), "features": features})
