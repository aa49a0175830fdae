"""Topics: NMF finds planted themes, labels them readably, and shares add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from pulso.customers.topics import FeedbackTopics, summarise_topics
from pulso.errors import InputError

THEMES = {
    "wait": ["demora", "esperamos", "espera", "lentos", "minutos"],
    "price": ["precio", "caro", "cuenta", "soles", "cobraron"],
    "parking": ["estacionamiento", "cochera", "parqueo", "auto", "calle"],
}


def corpus(n_per_theme: int = 30, seed: int = 3) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    texts, themes = [], []
    for theme, words in THEMES.items():
        for _ in range(n_per_theme):
            picked = rng.choice(words, size=4, replace=True)
            texts.append(f"La {picked[0]} y el {picked[1]}, {picked[2]} con {picked[3]}.")
            themes.append(theme)
    return texts, themes


def test_topics_recover_planted_themes_with_readable_labels():
    texts, themes = corpus()
    model = FeedbackTopics(n_topics=3, min_docs_per_topic=10).fit(texts)
    weights = model.transform(texts)
    assert model.n_topics_ == 3
    assert np.allclose(weights.sum(axis=1), 1.0)
    dominant = weights.argmax(axis=1)
    for theme in THEMES:
        rows = [d for d, t in zip(dominant, themes, strict=True) if t == theme]
        assert np.bincount(rows).max() / len(rows) >= 0.9
    for label, terms in zip(model.labels_, model.terms_, strict=True):
        assert label == " · ".join(terms[:3])
        assert not {"la", "el", "con", "y"} & set(terms)
    assert any("estacionamiento" in terms or "cochera" in terms for terms in model.terms_)
    assert list(model.get_feature_names_out()) == ["topic_0", "topic_1", "topic_2"]


def test_extra_stop_words_and_accents_as_written():
    texts = ["La sazón increíble del ají de gallina"] * 20 + ["Atención rápida y amable"] * 20
    model = FeedbackTopics(n_topics=2, min_docs_per_topic=10, stop_words=["ají", "gallina"]).fit(
        texts
    )
    everything = {term for terms in model.terms_ for term in terms}
    assert "sazón" in " ".join(everything)
    assert not any("gallina" in term for term in everything)


def test_contract_and_errors():
    texts, _ = corpus(n_per_theme=10)
    with pytest.raises(NotFittedError):
        FeedbackTopics().transform(texts)
    with pytest.raises(InputError, match="at least 30 texts"):
        FeedbackTopics().fit(texts[:5])
    with pytest.raises(InputError, match="n_topics"):
        FeedbackTopics(n_topics=1).fit(texts)
    model = FeedbackTopics(n_topics=3, min_docs_per_topic=10)
    assert model.fit(texts) is model
    assert clone(model).get_params() == model.get_params()
    assert model.transform(["zzz qqq"]).tolist() == [[0.0, 0.0, 0.0]]


def test_shares_per_month_and_dish_are_mean_weights():
    feedback = pd.DataFrame(
        {
            "feedback_id": [1, 2, 3],
            "restaurant_id": [5, 5, 5],
            "created_at": pd.to_datetime(
                ["2026-09-10 15:00", "2026-09-20 15:00", "2026-10-02 15:00"], utc=True
            ),
            "text": ["a", "b", "c"],
            "rating": [5.0, None, 4.0],
            "dish_id": pd.array([9, 9, None], dtype="Int64"),
        }
    )
    weights = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 0.0]])
    shares = summarise_topics(feedback, weights, labels=["wait", "price"], terms=[["w"], ["p"]])
    september = shares.periods[shares.periods["period_start"].astype(str) == "2026-09-01"]
    assert september.set_index("topic")["share"].to_dict() == {0: 0.75, 1: 0.25}
    assert september.set_index("topic")["reviews"].to_dict() == {0: 2, 1: 0}
    assert set(september["documents"]) == {2}
    assert shares.dishes.set_index("topic")["share"].to_dict() == {0: 0.75, 1: 0.25}
    assert shares.topics["reviews"].tolist() == [2, 0]
    with pytest.raises(InputError, match="weights shape"):
        summarise_topics(feedback, weights[:2], labels=["a", "b"], terms=[[], []])
