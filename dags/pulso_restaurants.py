"""Restaurant customer preferences: feedback, dining patterns, menus, recommendations."""

from pulso.pipelines.airflow import RESTAURANT_AREAS, build_dag

dag = build_dag(
    "pulso_restaurants",
    areas=RESTAURANT_AREAS,
    schedule="0 8 * * *",  # 08:00 UTC, 03:00 in Lima: after the restaurants close
    description="Pulso restaurants: sentiment, dining patterns, menu engineering, recommender.",
    tags=("restaurants",),
)
