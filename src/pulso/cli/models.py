"""``pulso models list | promote NAME VERSION | rollback NAME``: trained model versions.

The ``model_version`` table decides what serving loads (its ``production`` version); each
change is mirrored to MLflow (the ``production`` alias) when the version was tracked there.
"""

from __future__ import annotations

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
from pulso.store.queries.models import ModelVersionRecord

__all__ = ["register"]

models_app = typer.Typer(
    help="Trained model versions: list, promote, roll back.", no_args_is_help=True
)


def _describe(record: ModelVersionRecord, mlflow_version: str | None) -> dict[str, Any]:
    return record.to_dict() | {"mlflow_version": mlflow_version}


@models_app.command("list")
def list_models(
    name: Annotated[str | None, typer.Option(help="Only this model.")] = None,
    mlflow: Annotated[
        bool, typer.Option("--mlflow/--no-mlflow", help="Also look each version up in MLflow.")
    ] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every version of every model, newest first, with its stage and MLflow version."""
    from pulso.pipelines.tracking import tracked_versions, tracking_uri_for
    from pulso.store.queries.models import list_model_versions

    with errors_as_one_line():
        settings = settings_for(db)
        engine = engine_for(settings)
        with engine.connect() as connection:
            records = list_model_versions(connection, name=name)
        uri = tracking_uri_for(settings.data_dir, settings.mlflow_uri)
        tracked = tracked_versions(uri) if mlflow and records else None
    rows = [_describe(r, (tracked or {}).get((r.name, r.version))) for r in records]
    if as_json:
        emit({"models": rows, "mlflow": uri if tracked is not None else None})
        return
    for row in rows:
        typer.echo(
            f"{row['name']:24s} v{row['version']:<4d} {row['stage']:10s} "
            f"{row['created_at'][:19]}  data {row['data_version'] or '-':14s} "
            f"mlflow {row['mlflow_version'] or '-'}"
        )
    if not rows:
        err.print("no model versions yet: run `pulso pipeline run`")


def _report(action: str, record: ModelVersionRecord, mirrored: bool, *, as_json: bool) -> None:
    if as_json:
        emit({"action": action, "model": record.to_dict(), "mlflow_mirrored": mirrored})
        return
    where = "; MLflow alias moved" if mirrored else "; not tracked in MLflow"
    err.print(f"{record.name} version {record.version} is now {record.stage}{where}")


@models_app.command("promote")
def promote(
    name: Annotated[str, typer.Argument(help="Model name, e.g. product_matcher.")],
    version: Annotated[int, typer.Argument(help="Version to serve.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Serve VERSION of NAME; the version it replaces is archived."""
    from pulso.pipelines.tracking import promote_model, tracking_uri_for

    with errors_as_one_line():
        settings = settings_for(db)
        uri = tracking_uri_for(settings.data_dir, settings.mlflow_uri)
        record, mirrored = promote_model(engine_for(settings), name, version, tracking_uri=uri)
    _report("promote", record, mirrored, as_json=as_json)


@models_app.command("rollback")
def rollback(
    name: Annotated[str, typer.Argument(help="Model name, e.g. product_matcher.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Archive the production version of NAME and serve the version before it."""
    from pulso.pipelines.tracking import rollback_model, tracking_uri_for

    with errors_as_one_line():
        settings = settings_for(db)
        uri = tracking_uri_for(settings.data_dir, settings.mlflow_uri)
        record, mirrored = rollback_model(engine_for(settings), name, tracking_uri=uri)
    _report("rollback", record, mirrored, as_json=as_json)


def register(app: typer.Typer) -> None:
    """Add ``pulso models ...`` to the main ``pulso`` app."""
    app.add_typer(models_app, name="models")
