"""Synthetic interactions with planted, feature-driven tastes (tests and the 1M benchmark).

Items belong to a category and carry two tags; users belong to a segment that prefers two
categories and three tags, and carry the segment as a feature token (``segment=s3``), plus a
noisy copy of one preferred tag (``likes=t7``). A user's chance of choosing an item is a
softmax of ``taste * (category and tag matches) + popularity``; each user draws a Poisson
number of distinct items (Gumbel top-k sampling) with increasing timestamps. The same seed
gives the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pulso.recsys.data import RecsysData, build_data

__all__ = ["make_synthetic_data"]

_CATEGORIES = (
    "ceviches",
    "fondos",
    "sopas",
    "brasas",
    "chaufas",
    "postres",
    "bebidas",
    "entradas",
)
_CHUNK_USERS = 2_000


def make_synthetic_data(
    *,
    n_users: int = 500,
    n_items: int = 120,
    pairs_per_user: float = 12.0,
    n_segments: int = 6,
    n_tags: int = 24,
    taste: float = 2.5,
    seed: int = 0,
) -> RecsysData:
    """Users, items and implicit events (``weight`` 1, with timestamps)."""
    rng = np.random.default_rng(seed)
    n_categories = len(_CATEGORIES)
    category = rng.integers(0, n_categories, size=n_items)
    tags = np.stack([rng.integers(0, n_tags, size=n_items) for _ in range(2)], axis=1)
    popularity = rng.normal(0.0, 0.8, size=n_items)
    liked_categories = np.stack(
        [rng.choice(n_categories, size=2, replace=False) for _ in range(n_segments)]
    )
    liked_tags = np.stack([rng.choice(n_tags, size=3, replace=False) for _ in range(n_segments)])
    segment = rng.integers(0, n_segments, size=n_users)
    match = np.zeros((n_segments, n_items))
    for s in range(n_segments):
        match[s] += np.isin(category, liked_categories[s])
        match[s] += np.isin(tags, liked_tags[s]).sum(axis=1) * 0.7
    utility = taste * match + popularity
    counts = np.clip(rng.poisson(pairs_per_user, size=n_users), 1, n_items - 1)
    frames = []
    for start in range(0, n_users, _CHUNK_USERS):
        users = np.arange(start, min(start + _CHUNK_USERS, n_users))
        noise = rng.gumbel(size=(len(users), n_items))
        keys = utility[segment[users]] + noise
        width = int(counts[users].max())
        top = np.argpartition(-keys, width - 1, axis=1)[:, :width]
        order = np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1)
        ranked = np.take_along_axis(top, order, axis=1)
        keep = np.arange(width)[None, :] < counts[users][:, None]
        user_col = np.repeat(users[:, None], width, axis=1)[keep]
        frames.append(pd.DataFrame({"u": user_col, "i": ranked[keep]}))
    events = pd.concat(frames, ignore_index=True)
    days = rng.integers(0, 365, size=len(events))
    stamps = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(days, unit="D")
    interactions = pd.DataFrame(
        {
            "user_id": "u" + events["u"].astype(str),
            "item_id": "i" + events["i"].astype(str),
            "weight": 1.0,
            "rating": np.nan,
            "timestamp": stamps,
        }
    )
    likes = liked_tags[segment, rng.integers(0, 3, size=n_users)]
    users_frame = pd.DataFrame(
        {
            "user_id": [f"u{u}" for u in range(n_users)],
            "features": [[f"segment=s{segment[u]}", f"likes=t{likes[u]}"] for u in range(n_users)],
        }
    )
    items_frame = pd.DataFrame(
        {
            "item_id": [f"i{i}" for i in range(n_items)],
            "name": [f"{_CATEGORIES[category[i]]} {i}" for i in range(n_items)],
            "text": [
                f"{_CATEGORIES[category[i]]} sabor{tags[i, 0]} sabor{tags[i, 1]}"
                for i in range(n_items)
            ],
            "features": [
                [
                    f"category={_CATEGORIES[category[i]]}",
                    f"tag=t{tags[i, 0]}",
                    f"tag=t{tags[i, 1]}",
                ]
                for i in range(n_items)
            ],
        }
    )
    return build_data(interactions, items=items_frame, users=users_frame)
