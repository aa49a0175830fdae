"""The step graph Airflow reads from source equals the registry the local runner uses."""

from __future__ import annotations

import importlib
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pulso.errors import ConfigError
from pulso.pipelines.airflow import (
    RESTAURANT_AREAS,
    RETAIL_AREAS,
    StepSpec,
    read_step_specs,
    select_steps,
)
from pulso.pipelines.airflow.catalog import steps_directory
from pulso.pipelines.airflow.execution import build_step_context, run_key_for
from pulso.pipelines.registry import STEPS
from pulso.store.session import create_db_engine


def _write(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(source))
    return path


def test_reads_names_dependencies_areas_retries_and_partitions(tmp_path):
    _write(
        tmp_path,
        "shops.py",
        """
        from pulso.pipelines import registry
        from pulso.pipelines.registry import step

        AREA = "toy"
        UPSTREAM = "load"

        @step("load", area=AREA)
        def load(context): ...

        @step("per_shop", after=[UPSTREAM], area=AREA, retries=3, partitions=lambda e: ["a"])
        def per_shop(context): ...

        @registry.step("report", after=("load", "per_shop"), area="other", partitions=None)
        def report(context): ...

        def not_a_step(context): ...
        """,
    )

    specs = read_step_specs(tmp_path)

    assert specs == [
        StepSpec("load", (), "toy", 1, False),
        StepSpec("per_shop", ("load",), "toy", 3, True),
        StepSpec("report", ("load", "per_shop"), "other", 1, False),
    ]
    assert [s.name for s in select_steps(specs, areas=("toy",))] == ["load", "per_shop"]


def test_in_a_package_only_the_imported_modules_count(tmp_path):
    for name in ("retail", "retail_models", "draft"):
        _write(
            tmp_path, f"{name}.py", f'@step("{name}_step", area="retail")\ndef s(context): ...\n'
        )
    _write(
        tmp_path,
        "__init__.py",
        """
        from pulso.pipelines.steps import retail
        import pulso.pipelines.steps.retail_models
        """,
    )

    assert [s.name for s in read_step_specs(tmp_path)] == ["retail_step", "retail_models_step"]


def test_computed_arguments_and_duplicates_are_refused(tmp_path):
    computed = tmp_path / "computed"
    _write(
        computed,
        "dynamic.py",
        """
        from pulso.pipelines.registry import step

        for kind in ("a", "b"):
            @step(f"load_{kind}", area="toy")
            def load(context): ...
        """,
    )
    twice = tmp_path / "twice"
    for name in ("one.py", "two.py"):
        _write(twice, name, '@step("load", area="toy")\ndef load(context): ...\n')

    with pytest.raises(ConfigError, match=r"dynamic\.py:5: the @step decorator"):
        read_step_specs(computed)
    with pytest.raises(ConfigError, match="declared twice: load"):
        read_step_specs(twice)


def test_source_reading_equals_the_registry():
    importlib.import_module("pulso.pipelines.steps")
    registered = {
        name: StepSpec(name, s.after, s.area, s.retries, s.partitions is not None)
        for name, s in STEPS.items()
        if s.function.__module__.startswith("pulso.pipelines.steps.")
    }

    read = {spec.name: spec for spec in read_step_specs()}

    assert read == registered
    package = importlib.import_module("pulso.pipelines.steps")
    assert steps_directory() == Path(str(package.__file__)).parent


def test_every_step_belongs_to_one_dag():
    areas = {spec.name: spec.area for spec in read_step_specs()}

    orphans = {
        name: area for name, area in areas.items() if area not in RETAIL_AREAS + RESTAURANT_AREAS
    }

    assert orphans == {}
    assert not set(RETAIL_AREAS) & set(RESTAURANT_AREAS)


def test_run_keys_fit_the_column_and_stay_distinct():
    short = run_key_for("pulso_retail", "scheduled__2026-11-16T06:00:00+00:00")
    long_a = run_key_for(
        "pulso_restaurants", "manual__2026-11-16T06:00:00.123456+00:00" + "a" * 40
    )
    long_b = run_key_for(
        "pulso_restaurants", "manual__2026-11-16T06:00:00.123456+00:00" + "b" * 40
    )

    assert short == "pulso_retail:scheduled__2026-11-16T06:00:00+00:00"
    assert len(long_a) == len(long_b) == 64
    assert long_a != long_b
    assert long_a == run_key_for(
        "pulso_restaurants", "manual__2026-11-16T06:00:00.123456+00:00" + "a" * 40
    )


def test_step_context_comes_from_the_settings(settings):
    context = build_step_context(
        settings,
        engine=create_db_engine("sqlite://"),
        run_key="pulso_retail:x",
        today=datetime(2026, 11, 16, tzinfo=UTC).date(),
        partition="tottus",
    )

    assert context.data_dir == settings.data_dir
    assert context.partition == "tottus"
    assert context.params == {"timezone": "America/Lima", "mlflow_uri": None}
