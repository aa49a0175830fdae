"""``pulso recsys`` commands: offline evaluation against baselines and peers, and training.

``pulso recsys evaluate --ratings CSV [--items CSV] [--users CSV] [--k 10] [--seed N] --json``
prints ``{"k", "split", "models": {name: {"ndcg@k", "precision@k", "recall@k", "rmse",
"fit_seconds", ...}}, ...}`` (design.md's contract). ``--items`` and ``--users`` may be given
several times (UCI's side features are spread over several files). With ``--repeat R`` the
run is repeated with seeds ``N .. N+R-1``; ``models`` then holds the means and ``std`` the
standard deviations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from pulso.cli._common import (
    DbOption,
    JsonOption,
    emit,
    engine_for,
    err,
    errors_as_one_line,
    settings_for,
)

__all__ = ["register"]

recsys_app = typer.Typer(help="Dish recommender: evaluation and training.", no_args_is_help=True)

_SHOWN = ("ndcg@{k}", "precision@{k}", "recall@{k}", "map@{k}", "coverage", "rmse", "fit_seconds")


@recsys_app.command("evaluate")
def evaluate(
    ratings: Annotated[
        Path, typer.Option(help="CSV with user_id,item_id[,rating][,timestamp] (or UCI layout).")
    ],
    items: Annotated[
        list[Path] | None,
        typer.Option(help="Item side-feature CSV keyed by item id (repeatable)."),
    ] = None,
    users: Annotated[
        list[Path] | None,
        typer.Option(help="User side-feature CSV keyed by user id (repeatable)."),
    ] = None,
    k: Annotated[int, typer.Option(help="Cut-off of the ranking metrics.", min=1)] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the split and of every model.")] = 0,
    repeat: Annotated[
        int, typer.Option(help="Repeat with seeds seed..seed+repeat-1 (mean and std).", min=1)
    ] = 1,
    split: Annotated[
        str, typer.Option(help="auto (temporal when timestamps exist), random or temporal.")
    ] = "auto",
    peers: Annotated[bool, typer.Option(help="Include the installed peer libraries.")] = True,
    epochs: Annotated[int, typer.Option(help="Maximum epochs of Pulso's MF.", min=1)] = 40,
    cold_start: Annotated[bool, typer.Option(help="Also score the cold-start subsets.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Train Pulso's hybrid, the baselines and the installed peers on one split and score them."""
    from pulso.recsys.data import Interactions, load_csv_data

    with errors_as_one_line():
        settings_for(None)
        data = Interactions.from_data(load_csv_data(ratings, items=items or [], users=users or []))
        # The files are read (or rejected) before paying for torch's import.
        from pulso.recsys.evaluation import default_models, evaluate, summarise_runs

        reports = [
            evaluate(
                data,
                models=default_models(seed=s, peers=peers, epochs=epochs),
                k=k,
                seed=s,
                split_kind=split,
                cold_start=cold_start,
            )
            for s in range(seed, seed + repeat)
        ]
    document: dict[str, Any] = reports[0].to_dict()
    if repeat > 1:
        summary = summarise_runs(reports)
        document["seeds"] = [r.seed for r in reports]
        document["models"] = {
            name: {metric: values["mean"] for metric, values in metrics.items()}
            for name, metrics in summary.items()
        }
        document["std"] = {
            name: {metric: values["std"] for metric, values in metrics.items()}
            for name, metrics in summary.items()
        }
    if as_json:
        emit(document)
    else:
        _print_table(document, k=k)


def _print_table(document: dict[str, Any], *, k: int) -> None:
    columns = [c.format(k=k) for c in _SHOWN]
    typer.echo(f"split: {document['split']}, k={k}, seed {document['seed']}")
    typer.echo(f"{'model':16s}" + "".join(f"{c:>14s}" for c in columns))
    for name, metrics in document["models"].items():
        cells = [metrics.get(c) for c in columns]
        typer.echo(
            f"{name:16s}" + "".join(f"{'-' if v is None else f'{v:.4f}':>14s}" for v in cells)
        )


@recsys_app.command("train")
def train(
    epochs: Annotated[int | None, typer.Option(help="Maximum MF epochs (default 40).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    force: Annotated[bool, typer.Option(help="Train even when the data did not change.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Train the recommender on the store's orders and ratings and publish it for serving."""
    from pulso.pipelines.registry import StepContext
    from pulso.pipelines.runner import run_pipeline

    with errors_as_one_line():
        settings = settings_for(db)
        overrides: dict[str, Any] = {"force": force}
        if epochs is not None:
            overrides["epochs"] = epochs
        context = StepContext(
            engine=engine_for(settings),
            data_dir=settings.data_dir,
            run_key="",
            today=datetime.now(UTC).date(),
            seed=seed,
            params={"recommender": overrides},
        )
        report = run_pipeline(context, steps=["train_recommender"])
    outcome = report.outcomes[0]
    if as_json:
        emit(report.to_dict()["steps"][0])
    else:
        err.print(
            f"{outcome.status}: {outcome.rows_written} rows in {outcome.duration_seconds:.1f} s "
            + (f"({outcome.error})" if outcome.error else str(outcome.detail or {}))
        )
    if outcome.status != "succeeded":
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add this area's commands and sub-apps to the main ``pulso`` app."""
    app.add_typer(recsys_app, name="recsys")
