"""pipelines/airflow package."""
