"""Retail competitive intelligence: sources, matching, prices, promotions, models, alerts."""

from pulso.pipelines.airflow import RETAIL_AREAS, build_dag

dag = build_dag(
    "pulso_retail",
    areas=RETAIL_AREAS,
    schedule="0 6 * * *",  # 06:00 UTC, 01:00 in Lima: after the nightly competitor scrapes
    description="Pulso retail: sources, matching, price index, promotions, forecasts, alerts.",
    tags=("retail",),
)
