"""Retail shopper preferences: features, planted segments recovered and named, survey figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pulso.customers.evaluation import segment_agreement
from pulso.customers.shoppers import (
    ShopperSegmenter,
    segment_preferences,
    shopper_features,
    survey_scores,
)

# purchases a month, basket S/, social a month, fades away
PROFILES = {
    "loyal_high_value": (8.0, 150.0, 0.5, False),
    "deal_seeker": (5.0, 50.0, 5.0, False),
    "digital_engaged": (3.0, 85.0, 15.0, False),
    "occasional": (1.0, 70.0, 0.3, False),
    "churning": (6.0, 110.0, 0.5, True),
}


def activity(
    per_segment: int = 30, months: int = 6, seed: int = 2
) -> tuple[pd.DataFrame, dict[str, str]]:
    rng = np.random.default_rng(seed)
    rows, truth = [], {}
    for segment, (purchases, basket, social, fades) in PROFILES.items():
        for number in range(per_segment):
            key = f"{segment}-{number}"
            truth[key] = segment
            for month in range(months):
                fade = max(0.05, 1 - 0.4 * month) if fades else 1.0
                bought = int(rng.poisson(purchases * fade))
                spend = bought * basket * rng.lognormal(0, 0.15)
                rows.append(
                    (key, 1, f"2026-{month + 1:02d}-01", bought, spend if bought else None,
                     float(rng.poisson(social)), None)
                )  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=[
            "shopper_key",
            "retailer_id",
            "month",
            "purchases",
            "spend_pen",
            "social_engagements",
            "survey_score",
        ],
    )
    frame["month"] = pd.to_datetime(frame["month"])
    return frame, truth


def test_features_per_shopper():
    frame, _ = activity(per_segment=2)
    features = shopper_features(frame)
    churning = features.loc["churning-0"].to_dict()
    assert churning["purchase_trend"] < -0.5
    assert churning["months"] == 6
    loyal = features.loc["loyal_high_value-0"].to_dict()
    assert loyal["basket_pen"] == pytest.approx(150, rel=0.2)
    assert loyal["purchases_per_month"] == pytest.approx(8, rel=0.3)


@pytest.fixture(scope="module")
def fitted() -> tuple[pd.DataFrame, ShopperSegmenter, dict[str, str]]:
    frame, truth = activity()
    features = shopper_features(frame)
    return features, ShopperSegmenter(k_range=(3, 6)).fit(features), truth


def test_segments_recover_planted_profiles_with_their_names(fitted):
    features, segmenter, truth = fitted
    planted = [truth[key] for key in features.index]
    assert segment_agreement(planted, segmenter.labels_.tolist()) >= 0.85
    keys = [name.key for name in segmenter.names_]
    assert set(PROFILES) <= set(keys)
    for label, name in enumerate(segmenter.names_):
        members = [p for p, lab in zip(planted, segmenter.labels_, strict=True) if lab == label]
        assert max(set(members), key=members.count) == name.key
    assert segmenter.predict(features).tolist() == segmenter.labels_.tolist()


def test_survey_scores_and_segment_report(fitted):
    features, segmenter, _ = fitted
    answers = pd.DataFrame(
        {
            "respondent_key": ["churning-0"] * 4 + ["loyal_high_value-0"] * 3,
            "question": ["precios", "variedad", "nps", "mejoraría", "precios", "nps", "mejoraría"],
            "answer": ["2", "1", "3", "Más ofertas", "5", "10", "Nada"],
            "score": [2.0, 1.0, 3.0, None, 5.0, 10.0, None],
        }
    )
    surveys = survey_scores(answers)
    churning = surveys.loc["churning-0"].to_dict()
    assert churning["survey_score"] == 1.5
    assert churning["nps_answer"] == 3.0
    assert churning["requests"] == ["Más ofertas"]
    report = segment_preferences(
        features, segmenter.labels_, names=segmenter.names_, surveys=surveys
    ).set_index("key")
    assert report["shoppers"].sum() == len(features)
    rows = report.to_dict("index")
    assert rows["churning"]["sentiment_score"] == pytest.approx((1.5 - 3) / 2)
    assert rows["churning"]["nps"] == -100.0
    assert rows["loyal_high_value"]["nps"] == 100.0
    assert rows["churning"]["top_requests"] == [{"request": "Más ofertas", "count": 1}]
    assert rows["digital_engaged"]["social_engagements_per_month"] > 10
    assert pd.isna(rows["occasional"]["survey_score"])
