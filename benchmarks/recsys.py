"""Recommender quality and speed: Pulso's hybrid vs baselines and peers, and a 1M-pair run.

Run by hand (not in tests)::

    .venv/bin/python benchmarks/recsys.py --uci ../shared/datasets/uci-restaurant-consumer \\
        --demo-db /tmp/medium/pulso.db --seeds 0,1,2 --pairs 1000000

Quality: for each data set (UCI restaurant ratings with every side-feature file; the demo's
orders and dish ratings read from a loaded demo database, or a small demo generated on the
fly with ``--demo-scale small``), every model of ``pulso.recsys.evaluation.default_models``
(Pulso's hybrid and its MF part, content, popularity, item-kNN and every installed peer) is
trained and scored on the same split, per seed; the tables give mean ± std over the seeds,
plus the cold-start subsets (new dishes, new diners).

Scale: ``--pairs`` synthetic interactions with planted tastes (``pulso.recsys.synthetic``,
80 users per 1,000 pairs, 4,000 items): fit time and NDCG@10 of Pulso's MF (early stopping on
validation NDCG) and of the peers on the same split, the fit time of the whole hybrid, and
the in-process latency of a top-10 for one diner (``ServingIndex.recommend``, median and p95
over 1,000 diners). Targets (design.md): training < 2 min on CPU, top-10 < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pulso.recsys.data import Interactions, load_csv_data, load_store_data
from pulso.recsys.evaluation import (
    EvaluationReport,
    default_models,
    evaluate,
    relevance_threshold,
    score_model,
    summarise_runs,
)
from pulso.recsys.fusion import HybridRecommender
from pulso.recsys.model import HybridMF
from pulso.recsys.peers import available_peers, installed_peer_libraries
from pulso.recsys.serving import ServingIndex
from pulso.recsys.splits import random_split
from pulso.recsys.synthetic import make_synthetic_data
from pulso.store.session import create_db_engine

UCI_ITEMS = ("geoplaces2.csv", "chefmozcuisine.csv", "chefmozaccepts.csv", "chefmozparking.csv")
UCI_USERS = ("userprofile.csv", "usercuisine.csv", "userpayment.csv")


def uci_data(directory: Path) -> Interactions:
    return Interactions.from_data(
        load_csv_data(
            directory / "rating_final.csv",
            items=[directory / name for name in UCI_ITEMS],
            users=[directory / name for name in UCI_USERS],
        )
    )


def demo_data(db: Path | None, scale: str) -> Interactions:
    if db is None:
        from pulso.ingest.runner import IngestOptions
        from pulso.pipelines.demo import load_demo
        from pulso.store.session import upgrade_database

        folder = Path(tempfile.mkdtemp(prefix="pulso-demo-"))
        db = folder / "demo.db"
        engine = create_db_engine(f"sqlite:///{db}")
        upgrade_database(engine)
        load_demo(
            engine,
            folder / "files",
            scale=scale,
            end_date=date(2026, 11, 15),
            options=IngestOptions(pseudonym_key=b"benchmark-key-0123456789-0123456789"),
        )
    engine = create_db_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        return Interactions.from_data(load_store_data(connection))


def quality(name: str, data: Interactions, seeds: list[int], k: int) -> dict[str, Any]:
    print(f"\n## {name}: {data.n_users} users, {data.n_items} items, {data.n_pairs} pairs")
    reports: list[EvaluationReport] = []
    for seed in seeds:
        started = time.perf_counter()
        reports.append(evaluate(data, models=default_models(seed=seed), k=k, seed=seed))
        print(f"seed {seed}: {time.perf_counter() - started:.0f} s", flush=True)
    summary = summarise_runs(reports)
    print(f"\nsplit: {reports[0].split}; mean ± std over seeds {seeds}\n")
    metrics = [f"ndcg@{k}", f"precision@{k}", f"recall@{k}", f"map@{k}", "coverage", "rmse"]
    print("| model | " + " | ".join(metrics) + " | fit s |")
    print("|---" * (len(metrics) + 2) + "|")
    for model, values in summary.items():
        cells = [
            f"{values[m]['mean']:.4f} ± {values[m]['std']:.4f}" if m in values else "-"
            for m in metrics
        ]
        print(f"| {model} | " + " | ".join(cells) + f" | {values['fit_seconds']['mean']:.2f} |")
    cold = {
        subset: {
            model: _mean_std([r.cold_start[subset][model][f"ndcg@{k}"] or 0.0 for r in reports])
            for model in reports[0].cold_start[subset]
        }
        for subset in ("items", "users")
    }
    print(f"\nCold start, NDCG@{k} (new dishes ranked among new dishes; new diners):\n")
    print("| model | new items | new users |\n|---|---|---|")
    for model in cold["items"]:
        print(f"| {model} | {cold['items'][model]} | {cold['users'][model]} |")
    return {"summary": summary, "cold_start": cold, "split": reports[0].split}


def _mean_std(values: list[float]) -> str:
    array = np.array(values)
    return f"{array.mean():.4f} ± {array.std(ddof=1) if len(array) > 1 else 0.0:.4f}"


def scale_run(n_pairs: int, k: int) -> dict[str, Any]:
    n_users = max(100, int(n_pairs / 12.5))
    started = time.perf_counter()
    data = Interactions.from_data(
        make_synthetic_data(n_users=n_users, n_items=4_000, pairs_per_user=12.5, seed=0)
    )
    print(
        f"\n## Scale: {data.n_pairs} synthetic pairs, {data.n_users} users, {data.n_items} items"
    )
    print(f"generated in {time.perf_counter() - started:.0f} s (not part of any fit)\n")
    train, test = random_split(data, seed=0)
    threshold = relevance_threshold(data)
    results: dict[str, dict[str, Any]] = {}
    mf = HybridMF(random_state=0)
    results["pulso_mf"] = score_model(mf, train, test, k=k, threshold=threshold)
    results["pulso_mf"]["epochs"] = mf.best_epoch_
    for name, factory in available_peers(seed=0).items():
        if name == "surprise_svd":
            continue  # pure-Python loops: minutes at this size, and not a ranking model
        results[name] = score_model(factory(), train, test, k=k, threshold=threshold)
    print("| model | fit s | ndcg@10 | precision@10 |\n|---|---|---|---|")
    for name, values in results.items():
        print(
            f"| {name} | {values['fit_seconds']:.1f} | {values[f'ndcg@{k}']:.4f} |"
            f" {values[f'precision@{k}']:.4f} |"
        )
    started = time.perf_counter()
    hybrid = HybridRecommender(collaborative=HybridMF(random_state=0), validation_rounds=1)
    hybrid.fit(data)
    hybrid_seconds = time.perf_counter() - started
    print(f"\nwhole hybrid (tuning + refit on all pairs): {hybrid_seconds:.0f} s")
    latency = serving_latency(hybrid, data)
    print(
        f"top-10 for one diner, in process: median {latency['median_ms']:.2f} ms, "
        f"p95 {latency['p95_ms']:.2f} ms over {latency['diners']} diners"
    )
    return {"models": results, "hybrid_fit_seconds": hybrid_seconds, "latency": latency}


def serving_latency(model: HybridRecommender, data: Interactions) -> dict[str, float]:
    restaurants = [str(i % 10) for i in range(data.n_items)]
    index = ServingIndex.build(
        model,
        data,
        restaurants=restaurants,
        tags=[
            [t.split("=", 1)[1] for t in row if t.startswith("tag=")] for row in data.item_tokens
        ],
        ingredients=[[] for _ in range(data.n_items)],
        categories=[row[0].split("=", 1)[1] for row in data.item_tokens],
    )
    profiles = index.known_profiles(model, data)
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(profiles), size=1_000, replace=False)
    timings = []
    for user in chosen:
        started = time.perf_counter()
        index.recommend(profiles[user], k=10)
        timings.append((time.perf_counter() - started) * 1e3)
    return {
        "median_ms": float(np.median(timings)),
        "p95_ms": float(np.percentile(timings, 95)),
        "diners": len(chosen),
        "items": data.n_items,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uci", type=Path, default=None, help="UCI restaurant-consumer folder")
    parser.add_argument("--demo-db", type=Path, default=None, help="a loaded demo SQLite file")
    parser.add_argument("--demo-scale", default="small", help="generate this demo if no --demo-db")
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--pairs", type=int, default=1_000_000, help="0 skips the scale run")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"# Recommender benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"{platform.machine()}, {torch.get_num_threads()} torch threads available, "
        f"peers installed: {installed_peer_libraries()}"
    )
    figures: dict[str, Any] = {}
    if args.uci is not None and args.uci.exists():
        figures["uci"] = quality("UCI restaurant & consumer", uci_data(args.uci), seeds, args.k)
    if not args.no_demo:
        figures["demo"] = quality(
            "Demo restaurants", demo_data(args.demo_db, args.demo_scale), seeds, args.k
        )
    if args.pairs:
        figures["scale"] = scale_run(args.pairs, args.k)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
