"""KMeans with the number of clusters chosen by silhouette (shared by the segmenters)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from pulso.errors import InputError

__all__ = ["SilhouetteChoice", "kmeans_by_silhouette"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SilhouetteChoice:
    """The chosen k, its fitted KMeans, and the silhouette of every k tried."""

    k: int
    model: KMeans
    silhouettes: dict[int, float]

    @property
    def silhouette(self) -> float:
        return self.silhouettes[self.k]


def kmeans_by_silhouette(
    points: npt.NDArray[np.float64],
    *,
    k_range: tuple[int, int],
    sample_size: int = 4000,
    n_init: int = 4,
    random_state: int = 7,
) -> SilhouetteChoice:
    """Fit KMeans for each k in ``k_range`` (inclusive) and keep the best silhouette.

    The silhouette is measured on a seeded sample of at most ``sample_size`` points (it costs
    the square of the sample size).
    """
    low, high = k_range
    if not 2 <= low <= high:
        raise InputError(f"k_range must satisfy 2 <= low <= high, got {k_range}")
    if len(points) <= high:
        raise InputError(f"need more than {high} points to cluster, got {len(points)}")
    rng = np.random.default_rng(random_state)
    sample = rng.choice(len(points), size=min(len(points), sample_size), replace=False)
    models: dict[int, KMeans] = {}
    scores: dict[int, float] = {}
    for k in range(low, high + 1):
        model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
        labels = model.fit_predict(points)
        models[k] = model
        distinct = len(np.unique(labels[sample]))
        scores[k] = (
            float(silhouette_score(points[sample], labels[sample])) if distinct > 1 else -1.0
        )
    best = max(scores, key=lambda k: scores[k])
    logger.info("k by silhouette: %s -> %d", {k: round(v, 3) for k, v in scores.items()}, best)
    return SilhouetteChoice(best, models[best], scores)
