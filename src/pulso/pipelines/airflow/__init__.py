"""Airflow DAGs of Pulso's pipeline: a factory that builds them from the registered steps.

Importing this package does not import Airflow (it lives in its own environment,
``.venv-airflow``); :func:`build_dag` does, when a DAG file calls it. The DAG files in
``dags/`` are thin: each calls :func:`build_dag` with its areas and schedule.
"""

from pulso.pipelines.airflow.catalog import StepSpec, read_step_specs, select_steps
from pulso.pipelines.airflow.factory import DEFAULT_START_DATE, build_dag

__all__ = [
    "DEFAULT_START_DATE",
    "RESTAURANT_AREAS",
    "RETAIL_AREAS",
    "StepSpec",
    "build_dag",
    "read_step_specs",
    "select_steps",
]

#: Step areas of the retail DAG: sources, matching, prices and promotions, retail models.
RETAIL_AREAS = ("sources", "retail", "retail_models")

#: Step areas of the restaurants DAG: feedback, dining patterns, menus, the recommender.
RESTAURANT_AREAS = ("restaurants", "recsys")
