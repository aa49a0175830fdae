"""``pulso sentiment``: score a review, train on labelled feedback, measure the active model.

``pulso sentiment TEXT`` keeps working as before: the group runs its default ``analyze``
command whenever the first argument is not one of its subcommands. The active model is the
one ``pulso sentiment train`` last trained (``<data_dir>/models/sentiment/<version>/``, every
version kept); without one, the lexicon scores.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer import _click
from typer.core import TyperGroup

from pulso.cli._common import (
    DbOption,
    JsonOption,
    emit,
    engine_for,
    err,
    errors_as_one_line,
    settings_for,
)

if TYPE_CHECKING:
    from pulso.config import Settings
    from pulso.customers.sentiment import SentimentClassifier

__all__ = ["register"]

ACTIVE_MODEL = "sentiment"


class _DefaultCommandGroup(TyperGroup):
    """A group that runs ``analyze`` when the first argument is not a subcommand."""

    default_command = "analyze"

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


sentiment_app = typer.Typer(
    cls=_DefaultCommandGroup,
    help=(
        "Sentiment of diner feedback, offline. `pulso sentiment TEXT` scores one review; "
        "`train` and `evaluate` work with your own labelled CSV (text,label)."
    ),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this area's commands and sub-apps to the main ``pulso`` app."""
    app.add_typer(sentiment_app, name="sentiment")


def _store(settings: Settings) -> Any:
    from pulso.customers.model_store import ModelStore

    return ModelStore(settings.data_dir / "models" / ACTIVE_MODEL)


def _active_model(settings: Settings) -> tuple[SentimentClassifier | None, int | None]:
    from pulso.customers.sentiment import load_sentiment_model

    store = _store(settings)
    version = store.active_version()
    if version is None:
        return None, None
    return load_sentiment_model(store.path(version)), version


@sentiment_app.command("analyze")
def analyze(
    text: Annotated[str, typer.Argument(help='A review, e.g. "Buenazo el ceviche pero caro".')],
    lang: Annotated[str, typer.Option(help="es, en or auto.")] = "auto",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Overall and per-aspect sentiment of a review (the default command)."""
    from pulso.customers.sentiment import analyze_feedback

    if lang not in {"es", "en", "auto"}:
        err.print(f"[bold red]error:[/] --lang must be es, en or auto, got {lang!r}")
        raise typer.Exit(code=1)
    with errors_as_one_line():
        settings = settings_for(db)
        model, _ = _active_model(settings)
        result = analyze_feedback(text, model=model, lang=lang).to_dict()
    if as_json:
        emit(result)
        return
    typer.echo(f"{result['label']} ({result['score']:+.2f})")
    for aspect in result["aspects"]:
        typer.echo(f"  {aspect['aspect']}: {aspect['label']}  «{aspect['evidence']}»")


@sentiment_app.command("train")
def train(
    labeled: Annotated[
        Path,
        typer.Option("--labeled", help="CSV with columns text,label (positive/negative/neutral)."),
    ],
    folds: Annotated[
        int, typer.Option(help="Cross-validation folds for the reported figures.")
    ] = 5,
    seed: Annotated[int, typer.Option(help="Random seed of the folds.")] = 7,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Train a classifier on your labelled feedback and make it the active model."""
    with errors_as_one_line():
        settings = settings_for(db)
        document = _train(settings, labeled, folds=folds, seed=seed)
    if as_json:
        emit(document)
        return
    cv = document["cross_validation"]
    figures = f", cross-validated macro-F1 {cv['macro_f1']:.3f}" if cv else ""
    err.print(
        f"sentiment model version {document['version']} is active ({document['n']} texts{figures})"
    )


def _train(settings: Settings, labeled: Path, *, folds: int, seed: int) -> dict[str, Any]:
    from pulso.customers.labelled_feedback import cross_validate_sentiment, read_labelled_feedback
    from pulso.customers.sentiment import SentimentClassifier, save_sentiment_model
    from pulso.errors import InputError
    from pulso.pipelines.steps.restaurants import record_model_version

    data = read_labelled_feedback(labeled)
    if len(set(data.labels)) < 2:
        raise InputError(
            f"need at least two different labels to train, got {data.counts()}", file=str(labeled)
        )
    cv = cross_validate_sentiment(data.texts, data.labels, folds=folds, seed=seed)
    model = SentimentClassifier().fit(list(data.texts), list(data.labels))
    metrics = {"cross_validation": cv.to_dict() if cv else None, "counts": data.counts()}
    engine = engine_for(settings)
    store = _store(settings)
    with engine.begin() as connection:
        from sqlalchemy import func, select

        from pulso.store.tables import ModelVersion

        stored = connection.scalar(
            select(func.max(ModelVersion.version)).where(ModelVersion.name == ACTIVE_MODEL)
        )
        version = max(int(stored or 0), store.next_version() - 1) + 1
        path = save_sentiment_model(model, store.path(version), metrics=metrics)
        record_model_version(
            connection,
            name=ACTIVE_MODEL,
            version=version,
            stage="production",
            params=model.get_params() | {"n_train": len(data.texts)},
            metrics=metrics,
            artifact_uri=path.resolve().as_uri(),
            data_version=f"file:{labeled.name}:{len(data.texts)}",
        )
    store.activate(version)
    return {
        "version": version,
        "path": str(path),
        "n": len(data.texts),
        "counts": data.counts(),
        "previous_versions": [v for v in store.versions() if v != version],
        "cross_validation": metrics["cross_validation"],
    }


@sentiment_app.command("evaluate")
def evaluate(
    labeled: Annotated[Path, typer.Option("--labeled", help="CSV with columns text,label.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Measure the active model (or the lexicon) on a labelled CSV; nothing is trained."""
    from pulso.customers.labelled_feedback import read_labelled_feedback
    from pulso.customers.lexicon import LexiconSentiment
    from pulso.customers.sentiment import evaluate_sentiment

    with errors_as_one_line():
        settings = settings_for(db)
        data = read_labelled_feedback(labeled)
        model, version = _active_model(settings)
        scorer = model if model is not None else LexiconSentiment()
        evaluation = evaluate_sentiment(scorer, list(data.texts), list(data.labels))
    document = evaluation.to_dict() | {
        "model": "lexicon" if version is None else f"{ACTIVE_MODEL} v{version}"
    }
    if as_json:
        emit(document)
        return
    typer.echo(
        f"{document['model']}: accuracy {evaluation.accuracy:.3f}, macro-F1 "
        f"{evaluation.macro_f1:.3f} (majority class {evaluation.majority_accuracy:.3f}, n={evaluation.n})"
    )
