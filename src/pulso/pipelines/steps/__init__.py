"""Pipeline steps, one module per area; importing this package registers them all."""

from pulso.pipelines.steps import recsys, restaurants, retail, retail_models, sources

__all__ = ["recsys", "restaurants", "retail", "retail_models", "sources"]
