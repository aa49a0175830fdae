"""Per-user random and temporal splits, and the cold-start splits."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pulso.errors import InputError
from pulso.recsys.data import Interactions
from pulso.recsys.splits import (
    cold_item_split,
    cold_user_split,
    random_split,
    split,
    temporal_split,
)
from pulso.recsys.synthetic import make_synthetic_data


@pytest.fixture(scope="module")
def data() -> Interactions:
    return Interactions.from_data(make_synthetic_data(n_users=60, n_items=40, seed=3))


def test_random_split_holds_out_a_share_of_each_user(data):
    train, test = random_split(data, test_fraction=0.25, seed=1)

    assert train.n_pairs + test.n_pairs == data.n_pairs
    per_user = np.bincount(data.users, minlength=data.n_users)
    held = np.bincount(test.users, minlength=data.n_users)
    eligible = per_user >= 3
    assert np.all(held[~eligible] == 0)
    assert np.all(np.abs(held[eligible] - np.maximum(1, np.round(0.25 * per_user[eligible]))) == 0)
    assert not set(zip(train.users, train.items, strict=False)) & set(
        zip(test.users, test.items, strict=False)
    )


def test_random_split_depends_on_the_seed_only(data):
    first = random_split(data, seed=5)[1]
    again = random_split(data, seed=5)[1]
    other = random_split(data, seed=6)[1]

    assert np.array_equal(first.items, again.items)
    assert not np.array_equal(first.items, other.items)


def test_temporal_split_holds_out_each_users_latest_items(data):
    train, test = temporal_split(data, test_fraction=0.2)

    for user in np.unique(test.users)[:20]:
        assert (
            train.timestamps[train.users == user].max()
            <= test.timestamps[test.users == user].min()
        )
    assert split(data, kind="auto")[0] == "temporal"


def test_cold_splits_remove_whole_items_or_users(data):
    items_train, items_test = cold_item_split(data, fraction=0.2, seed=0)
    users_train, users_test = cold_user_split(data, fraction=0.2, seed=0)

    assert not set(items_train.items) & set(items_test.items)
    assert not set(users_train.users) & set(users_test.users)
    assert len(np.unique(users_test.users)) == round(0.2 * len(np.unique(data.users)))


def test_bad_fractions_and_missing_timestamps_are_input_errors(data):
    with pytest.raises(InputError, match="test_fraction"):
        random_split(data, test_fraction=1.0)
    no_time = replace(data, timestamps=np.full(data.n_pairs, np.nan))
    with pytest.raises(InputError, match="timestamp"):
        temporal_split(no_time)
    assert split(no_time, kind="auto")[0] == "random"
    with pytest.raises(InputError, match="unknown split"):
        split(data, kind="weekly")
