"""Retail customer preferences: loyalty shoppers in segments, with satisfaction and engagement.

:func:`shopper_features` summarises each loyalty shopper of one retailer from their monthly
activity: ``purchases_per_month``, ``spend_per_month_pen``, ``basket_pen`` (spend per
purchase), ``social_per_month`` (social-media engagements), ``purchase_trend`` (the last three
months' purchases against the first three, ``(late - early) / (late + early)`` in [-1, 1]) and
``months``. :func:`survey_scores` reads the retailer's survey answers: the mean of the 1-5
questions (``survey_score``), the 0-10 recommendation answer (``nps_answer``) and the open
answers (``requests``).

:class:`ShopperSegmenter` clusters the log purchases, log basket, log social engagement and
trend (standardised) with KMeans, k by silhouette, and names segments from their centroids by
the first rule that holds (population means in brackets):

1. ``churning`` "en riesgo de fuga": trend <= -0.3;
2. ``digital_engaged`` "digitales comprometidos": social >= 2x [social] and >= 6 a month;
3. ``loyal_high_value`` "leales de alto valor": purchases >= 1.2x and basket >= 1.3x [both];
4. ``occasional`` "ocasionales": purchases <= 0.5x [purchases];
5. ``deal_seeker`` "cazadores de ofertas": basket <= 0.85x [basket];
6. otherwise ``regular`` "regulares".

:func:`segment_preferences` reports per segment: shoppers, share, purchase frequency, spend,
basket, social engagement, trend, ``survey_score`` (1-5, from monthly scores and survey
answers), ``sentiment_score`` (``(survey_score - 3) / 2`` in [-1, 1]), ``nps`` (promoters 9-10
minus detractors 0-6, in points) and the most frequent open requests.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from pulso.customers.clustering import kmeans_by_silhouette
from pulso.customers.schemas import ShopperMonthSchema, SurveyAnswerSchema
from pulso.customers.segments import SegmentName

__all__ = [
    "ShopperSegmenter",
    "segment_preferences",
    "shopper_features",
    "survey_scores",
]

logger = logging.getLogger(__name__)

_TREND_MONTHS = 3
_CLUSTER_COLUMNS = ("purchases_per_month", "basket_pen", "social_per_month", "purchase_trend")
_LOG_COLUMNS = frozenset({"purchases_per_month", "basket_pen"})
_TOP_REQUESTS = 3


def shopper_features(activity: pd.DataFrame) -> pd.DataFrame:
    """One row per shopper (index ``shopper_key``); see the module docstring."""
    frame = ShopperMonthSchema.validate(activity).sort_values(["shopper_key", "month"])
    frame = frame.assign(
        spend=frame["spend_pen"].fillna(0.0), social=frame["social_engagements"].fillna(0.0)
    )
    grouped = frame.groupby("shopper_key")
    features = grouped.agg(
        months=("month", "size"),
        purchases=("purchases", "sum"),
        spend=("spend", "sum"),
        social=("social", "sum"),
        monthly_score=("survey_score", "mean"),
    )
    early = grouped["purchases"].apply(lambda s: s.head(_TREND_MONTHS).mean())
    late = grouped["purchases"].apply(lambda s: s.tail(_TREND_MONTHS).mean())
    features["purchases_per_month"] = features["purchases"] / features["months"]
    features["spend_per_month_pen"] = features["spend"] / features["months"]
    features["basket_pen"] = (
        features["spend"] / features["purchases"].where(lambda p: p > 0)
    ).fillna(0.0)
    features["social_per_month"] = features["social"] / features["months"]
    total = early + late
    features["purchase_trend"] = ((late - early) / total.where(total > 0)).fillna(0.0)
    return features.drop(columns=["purchases", "spend", "social"])


def survey_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Per respondent: ``survey_score`` (1-5 mean), ``nps_answer`` (0-10), ``requests``."""
    frame = SurveyAnswerSchema.validate(answers)
    scored = frame[frame["score"].notna()]
    scale = scored.groupby("question")["score"].transform("max")
    satisfaction = scored[scale <= 5].groupby("respondent_key")["score"].mean()
    nps = scored[scale > 5].groupby("respondent_key")["score"].mean()
    requests = (
        frame[frame["score"].isna() & frame["answer"].str.strip().ne("")]
        .groupby("respondent_key")["answer"]
        .agg(list)
    )
    return pd.DataFrame({"survey_score": satisfaction, "nps_answer": nps, "requests": requests})


class ShopperSegmenter(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Standardised KMeans on purchase, basket, social and trend features, k by silhouette.

    Learned: ``k_``, ``silhouettes_``, ``silhouette_``, ``labels_``, ``centroids_`` (feature
    units) and ``names_``.
    """

    def __init__(
        self,
        *,
        k_range: tuple[int, int] = (3, 7),
        silhouette_sample: int = 4000,
        n_init: int = 4,
        random_state: int = 7,
    ) -> None:
        self.k_range = k_range
        self.silhouette_sample = silhouette_sample
        self.n_init = n_init
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: Any = None) -> ShopperSegmenter:
        """Cluster the shoppers in ``X`` (:func:`shopper_features` output); returns ``self``."""
        del y
        self.scaler_ = StandardScaler().fit(_matrix(X))
        choice = kmeans_by_silhouette(
            self.scaler_.transform(_matrix(X)),
            k_range=self.k_range,
            sample_size=self.silhouette_sample,
            n_init=self.n_init,
            random_state=self.random_state,
        )
        self.k_, self.kmeans_ = choice.k, choice.model
        self.silhouettes_, self.silhouette_ = choice.silhouettes, choice.silhouette
        self.labels_ = np.asarray(self.kmeans_.labels_, dtype=np.int64)
        columns = list(_CLUSTER_COLUMNS)
        self.centroids_ = X[columns].groupby(self.labels_).mean().sort_index()
        self.names_ = _name_all(self.centroids_, X[columns].mean())
        return self

    def predict(self, X: pd.DataFrame) -> npt.NDArray[np.int64]:
        """Segment of each shopper in ``X``."""
        check_is_fitted(self, "kmeans_")
        points = self.scaler_.transform(_matrix(X))
        return np.asarray(self.kmeans_.predict(points), dtype=np.int64)


def _matrix(X: pd.DataFrame) -> npt.NDArray[np.float64]:
    columns = [
        np.log1p(X[c].clip(lower=0)) if c in _LOG_COLUMNS else X[c] for c in _CLUSTER_COLUMNS
    ]
    return np.column_stack(columns).astype(np.float64)


def _name_all(centroids: pd.DataFrame, population: pd.Series) -> list[SegmentName]:
    taken: set[str] = set()
    names = []
    for _, centroid in centroids.iterrows():
        candidates = [*_rules(centroid, population), SegmentName("regular", "regulares", "")]
        chosen = next((c for c in candidates if c.key not in taken), None)
        if chosen is None:
            first = candidates[0]
            number = sum(1 for key in taken if key.startswith(first.key)) + 1
            chosen = SegmentName(
                f"{first.key}_{number}", f"{first.name} {number}", first.description
            )
        taken.add(chosen.key)
        names.append(chosen)
    return names


def _rules(centroid: pd.Series, population: pd.Series) -> list[SegmentName]:
    purchases, basket = float(centroid["purchases_per_month"]), float(centroid["basket_pen"])
    social, trend = float(centroid["social_per_month"]), float(centroid["purchase_trend"])
    usual = {name: float(population[name]) for name in _CLUSTER_COLUMNS}
    described = (
        f"{purchases:.1f} purchases a month, S/ {basket:.0f} a basket, {social:.1f} social "
        f"engagements a month, trend {trend:+.2f}"
    )
    rules = [
        (trend <= -0.3, "churning", "en riesgo de fuga"),
        (
            social >= 2 * usual["social_per_month"] and social >= 6,
            "digital_engaged",
            "digitales comprometidos",
        ),
        (
            purchases >= 1.2 * usual["purchases_per_month"]
            and basket >= 1.3 * usual["basket_pen"],
            "loyal_high_value",
            "leales de alto valor",
        ),
        (purchases <= 0.5 * usual["purchases_per_month"], "occasional", "ocasionales"),
        (basket <= 0.85 * usual["basket_pen"], "deal_seeker", "cazadores de ofertas"),
    ]
    return [SegmentName(key, name, described) for holds, key, name in rules if holds]


def segment_preferences(
    features: pd.DataFrame,
    labels: npt.NDArray[np.int64],
    *,
    names: list[SegmentName],
    surveys: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per-segment purchase frequency, sentiment and engagement (see the module docstring)."""
    frame = features.assign(segment=labels)
    if surveys is not None and not surveys.empty:
        frame = frame.join(surveys, how="left")
    else:
        frame = frame.assign(survey_score=np.nan, nps_answer=np.nan, requests=None)
    rows = []
    for segment in sorted(set(frame["segment"].tolist())):
        group = frame[frame["segment"] == segment]
        name = names[int(segment)]
        scores = pd.concat([group["monthly_score"], group["survey_score"]]).dropna()
        survey_score = float(scores.mean()) if len(scores) else None
        nps_answers = group["nps_answer"].dropna()
        requests = Counter(r for answers in group["requests"].dropna() for r in answers)
        rows.append(
            {
                "segment": int(segment),
                "key": name.key,
                "name": name.name,
                "shoppers": len(group),
                "share": round(len(group) / len(frame), 4),
                "purchases_per_month": round(float(group["purchases_per_month"].mean()), 3),
                "spend_per_month_pen": round(float(group["spend_per_month_pen"].mean()), 2),
                "basket_pen": round(float(group["basket_pen"].mean()), 2),
                "social_engagements_per_month": round(float(group["social_per_month"].mean()), 3),
                "purchase_trend": round(float(group["purchase_trend"].mean()), 4),
                "survey_score": None if survey_score is None else round(survey_score, 3),
                "sentiment_score": None
                if survey_score is None
                else round((survey_score - 3.0) / 2.0, 4),
                "nps": _nps(nps_answers),
                "respondents": int(group["survey_score"].notna().sum()),
                "top_requests": [
                    {"request": text, "count": count}
                    for text, count in requests.most_common(_TOP_REQUESTS)
                ],
            }
        )
    return pd.DataFrame(rows)


def _nps(answers: pd.Series) -> float | None:
    if answers.empty:
        return None
    promoters = float((answers >= 9).mean())
    detractors = float((answers <= 6).mean())
    return round(100.0 * (promoters - detractors), 1)
