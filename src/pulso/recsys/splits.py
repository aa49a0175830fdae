"""Train/test splits of :class:`~pulso.recsys.data.Interactions` (same index, pairs divided).

- :func:`random_split`: per user, a random share of the user's items goes to test;
- :func:`temporal_split`: per user, the items first met last go to test (no peeking at the
  future of that user);
- :func:`cold_item_split` and :func:`cold_user_split`: a share of the items (or users) leaves
  training entirely; only their side features remain known (the cold-start subset).

Users with fewer than ``min_pairs`` pairs stay whole in training.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pulso.errors import InputError
from pulso.recsys.data import Interactions

__all__ = ["cold_item_split", "cold_user_split", "random_split", "split", "temporal_split"]

Split = tuple[Interactions, Interactions]


def _check_fraction(test_fraction: float) -> None:
    if not 0.0 < test_fraction < 1.0:
        raise InputError(f"test_fraction must be in (0, 1), got {test_fraction}")


def _test_mask(
    data: Interactions, order_key: npt.NDArray[np.float64], test_fraction: float, min_pairs: int
) -> npt.NDArray[np.bool_]:
    """Per user, the last ``round(test_fraction * n)`` pairs by ``order_key`` (at least one)."""
    order = np.lexsort((order_key, data.users))
    users_sorted = data.users[order]
    starts = np.searchsorted(users_sorted, users_sorted, side="left")
    ends = np.searchsorted(users_sorted, users_sorted, side="right")
    sizes = ends - starts
    position = np.arange(len(order)) - starts
    n_test = np.maximum(1, np.round(test_fraction * sizes)).astype(np.int64)
    test_sorted = (sizes >= min_pairs) & (position >= sizes - n_test)
    mask = np.zeros(data.n_pairs, dtype=bool)
    mask[order] = test_sorted
    return mask


def random_split(
    data: Interactions, *, test_fraction: float = 0.2, seed: int = 0, min_pairs: int = 3
) -> Split:
    """Hold out a random ``test_fraction`` of each user's items."""
    _check_fraction(test_fraction)
    key = np.random.default_rng(seed).random(data.n_pairs)
    mask = _test_mask(data, key, test_fraction, min_pairs)
    return data.subset(~mask), data.subset(mask)


def temporal_split(
    data: Interactions, *, test_fraction: float = 0.2, min_pairs: int = 3, seed: int = 0
) -> Split:
    """Hold out the items each user met last (ties broken at random with ``seed``)."""
    _check_fraction(test_fraction)
    if not data.has_timestamps:
        raise InputError("a temporal split needs a timestamp on every interaction")
    jitter = np.random.default_rng(seed).random(data.n_pairs) * 1e-3
    mask = _test_mask(data, data.timestamps + jitter, test_fraction, min_pairs)
    return data.subset(~mask), data.subset(mask)


def split(
    data: Interactions, *, kind: str = "auto", test_fraction: float = 0.2, seed: int = 0
) -> tuple[str, Interactions, Interactions]:
    """``kind`` ``"random"``, ``"temporal"`` or ``"auto"`` (temporal when timestamps exist)."""
    if kind == "auto":
        kind = "temporal" if data.has_timestamps else "random"
    if kind == "random":
        return kind, *random_split(data, test_fraction=test_fraction, seed=seed)
    if kind == "temporal":
        return kind, *temporal_split(data, test_fraction=test_fraction, seed=seed)
    raise InputError(f"unknown split {kind!r}; expected random, temporal or auto")


def cold_item_split(data: Interactions, *, fraction: float = 0.2, seed: int = 0) -> Split:
    """Every pair of a random ``fraction`` of the interacted items goes to test."""
    _check_fraction(fraction)
    items = np.unique(data.items)
    rng = np.random.default_rng(seed)
    cold = rng.choice(items, size=max(1, round(fraction * len(items))), replace=False)
    mask = np.isin(data.items, cold)
    return data.subset(~mask), data.subset(mask)


def cold_user_split(data: Interactions, *, fraction: float = 0.2, seed: int = 0) -> Split:
    """Every pair of a random ``fraction`` of the users goes to test."""
    _check_fraction(fraction)
    users = np.unique(data.users)
    rng = np.random.default_rng(seed)
    cold = rng.choice(users, size=max(1, round(fraction * len(users))), replace=False)
    mask = np.isin(data.users, cold)
    return data.subset(~mask), data.subset(mask)
