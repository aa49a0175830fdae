"""``pulso recsys evaluate`` as a user runs it: a real process, one JSON document, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.slow  # each test starts the CLI in a fresh interpreter


def _pulso(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {"PULSO_SECRET_KEY": TEST_SECRET, "PULSO_DATA_DIR": str(cwd / ".pulso")}
    return subprocess.run(
        [sys.executable, "-m", "pulso", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _uci_like_files(folder: Path) -> tuple[Path, Path, Path]:
    """Ratings in the UCI layout (0-2) driven by a planted cuisine match, and side features."""
    rng = np.random.default_rng(0)
    cuisines = ["Mexican", "Japanese", "Cafeteria", "Seafood"]
    place_cuisine = {135000 + p: cuisines[p % 4] for p in range(30)}
    user_cuisine = {f"U{1000 + u}": cuisines[u % 4] for u in range(60)}
    lines = ["userID,placeID,rating,food_rating,service_rating"]
    for user, liked in user_cuisine.items():
        places = rng.choice(list(place_cuisine), size=8, replace=False)
        for place in places:
            rating = 2 if place_cuisine[place] == liked else int(rng.integers(0, 2))
            lines.append(f"{user},{place},{rating},{rating},1")
    ratings = folder / "rating_final.csv"
    ratings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = folder / "chefmozcuisine.csv"
    items.write_text(
        "placeID,Rcuisine\n" + "\n".join(f"{p},{c}" for p, c in place_cuisine.items()) + "\n",
        encoding="utf-8",
    )
    users = folder / "usercuisine.csv"
    users.write_text(
        "userID,Rcuisine\n" + "\n".join(f"{u},{c}" for u, c in user_cuisine.items()) + "\n",
        encoding="utf-8",
    )
    return ratings, items, users


def test_evaluate_prints_the_contract(tmp_path):
    ratings, items, users = _uci_like_files(tmp_path)

    result = _pulso(
        "recsys", "evaluate", "--ratings", str(ratings), "--items", str(items), "--users", str(users),
        "--k", "5", "--seed", "3", "--epochs", "3", "--no-peers", "--no-cold-start", "--json",
        cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["k"] == 5
    assert document["split"] == "random"
    assert document["seed"] == 3
    assert {"pulso", "popularity", "item_knn", "content", "pulso_mf"} <= set(document["models"])
    pulso = document["models"]["pulso"]
    assert {"ndcg@5", "precision@5", "recall@5", "rmse", "fit_seconds"} <= set(pulso)
    assert pulso["rmse"] is not None
    assert document["models"]["popularity"]["rmse"] is None
    assert pulso["ndcg@5"] > document["models"]["popularity"]["ndcg@5"]


def test_evaluate_errors_name_the_file_row_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("userID,placeID,rating\nU1,1,2\nU2,1,muy bueno\n", encoding="utf-8")

    result = _pulso("recsys", "evaluate", "--ratings", str(bad), "--json", cwd=tmp_path)
    missing = _pulso("recsys", "evaluate", "--ratings", str(tmp_path / "nope.csv"), cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "bad.csv, row 3, column 'rating'" in " ".join(result.stderr.split())
    assert missing.returncode == 1
    assert "nope.csv" in missing.stderr
