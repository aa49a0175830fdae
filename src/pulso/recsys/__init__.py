"""Dish recommendations: a hybrid of feature-embedding MF, item neighbours and dish content.

Public names are re-exported here and imported on first use (PEP 562), so reading data or
parsing a command line does not pay for importing torch.

- :mod:`pulso.recsys.data`: interactions and side features from CSV files or the store;
- :mod:`pulso.recsys.model`: :class:`HybridMF`, matrix factorisation over feature embeddings;
- :mod:`pulso.recsys.content`: :class:`ContentRecommender`, TF-IDF dish vectors and profiles;
- :mod:`pulso.recsys.fusion`: :class:`HybridRecommender`, the blend tuned on validation;
- :mod:`pulso.recsys.baselines` and :mod:`pulso.recsys.peers`: what the hybrid is measured
  against; :mod:`pulso.recsys.metrics`, :mod:`pulso.recsys.splits`,
  :mod:`pulso.recsys.evaluation`: how;
- :mod:`pulso.recsys.serving`: :class:`ServingIndex`, filtered and explained top-k.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pulso.recsys.baselines import ItemKNNRecommender, PopularityRecommender
    from pulso.recsys.content import ContentRecommender
    from pulso.recsys.data import (
        Interactions,
        RecsysData,
        build_data,
        load_csv_data,
        load_store_data,
        read_ratings_csv,
        read_side_features,
    )
    from pulso.recsys.evaluation import EvaluationReport, default_models, evaluate, summarise_runs
    from pulso.recsys.fusion import HybridRecommender
    from pulso.recsys.model import HybridMF, load_mf_weights, save_mf
    from pulso.recsys.peers import available_peers
    from pulso.recsys.serving import DinerProfile, Recommendation, ServingIndex, dish_allowed
    from pulso.recsys.splits import random_split, temporal_split
    from pulso.recsys.synthetic import make_synthetic_data

__all__ = [
    "ContentRecommender",
    "DinerProfile",
    "EvaluationReport",
    "HybridMF",
    "HybridRecommender",
    "Interactions",
    "ItemKNNRecommender",
    "PopularityRecommender",
    "Recommendation",
    "RecsysData",
    "ServingIndex",
    "available_peers",
    "build_data",
    "default_models",
    "dish_allowed",
    "evaluate",
    "load_csv_data",
    "load_mf_weights",
    "load_store_data",
    "make_synthetic_data",
    "random_split",
    "read_ratings_csv",
    "read_side_features",
    "save_mf",
    "summarise_runs",
    "temporal_split",
]

_HOMES = {
    "ContentRecommender": "content",
    "DinerProfile": "serving",
    "EvaluationReport": "evaluation",
    "HybridMF": "model",
    "HybridRecommender": "fusion",
    "Interactions": "data",
    "ItemKNNRecommender": "baselines",
    "PopularityRecommender": "baselines",
    "Recommendation": "serving",
    "RecsysData": "data",
    "ServingIndex": "serving",
    "available_peers": "peers",
    "build_data": "data",
    "default_models": "evaluation",
    "dish_allowed": "serving",
    "evaluate": "evaluation",
    "load_csv_data": "data",
    "load_mf_weights": "model",
    "load_store_data": "data",
    "make_synthetic_data": "synthetic",
    "random_split": "splits",
    "read_ratings_csv": "data",
    "read_side_features": "data",
    "save_mf": "model",
    "summarise_runs": "evaluation",
    "temporal_split": "splits",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'pulso.recsys' has no attribute {name!r}")
    return getattr(importlib.import_module(f"pulso.recsys.{_HOMES[name]}"), name)
