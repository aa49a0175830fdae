"""Topics diners talk about: NMF over TF-IDF of the feedback, labelled by their top terms.

:class:`FeedbackTopics` normalises each text the way the sentiment classifier does (accents
folded, lengthening undone), drops stop words (``lexicons/stopwords.tsv``), numbers, emojis
and words shorter than three letters, weighs word 1-2-grams with TF-IDF and factorises them
with non-negative matrix factorisation. A topic's label joins its three strongest terms,
written the way diners most often wrote them (``sazón · ají de gallina · rico``).
:meth:`FeedbackTopics.transform` gives each text's topic mix (rows sum to 1; a text without
any known term gets zeros).

:func:`summarise_topics` turns the mixes into shares per restaurant and month and per dish:
``share`` is the mean topic weight of the group's ``documents`` (its reviews) and ``reviews``
how many of them have the topic as their strongest one.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from pulso.customers.lexicon import read_table
from pulso.customers.schemas import FeedbackSchema
from pulso.customers.sentiment import prepare_text
from pulso.customers.text import check_texts, fold_text
from pulso.errors import InputError

__all__ = ["FeedbackTopics", "TopicShares", "load_stopwords", "summarise_topics"]

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_MIN_LENGTH = 3
_LABEL_TERMS = 3
_LIMA = "America/Lima"


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """Folded Spanish and English stop words for topic modelling."""
    name = "stopwords.tsv"
    text = (resources.files("pulso.customers") / "lexicons" / name).read_text(encoding="utf-8")
    return frozenset(
        fold_text(row["term"]) for row in read_table(text, file=name, columns=("term", "lang"))
    )


class _TopicText:
    """Preprocessor: normalised words without stop words (a picklable callable)."""

    def __init__(self, extra_stop_words: frozenset[str]) -> None:
        self.stop = load_stopwords() | extra_stop_words

    def __call__(self, text: str) -> str:
        tokens = (token.removeprefix("no_") for token in prepare_text(text).split())
        return " ".join(
            token
            for token in tokens
            if len(token) >= _MIN_LENGTH and token not in self.stop and token.isalpha()
        )


class FeedbackTopics(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """NMF topics over TF-IDF word 1-2-grams of feedback texts (scikit-learn contract).

    ``n_topics`` is an upper bound: a corpus gets at most one topic per ``min_docs_per_topic``
    texts (and at least two topics). ``stop_words`` are extra words to ignore (the step
    passes the words of the dish names, so topics are themes rather than dishes). Learned: ``vectorizer_``, ``nmf_``, ``terms_`` (top
    terms per topic, as written), ``labels_`` and ``n_topics_``.
    """

    def __init__(
        self,
        *,
        n_topics: int = 8,
        top_terms: int = 6,
        min_df: int = 3,
        max_df: float = 0.5,
        max_features: int = 5000,
        min_docs_per_topic: int = 15,
        stop_words: Sequence[str] = (),
        random_state: int = 7,
    ) -> None:
        self.n_topics = n_topics
        self.top_terms = top_terms
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.min_docs_per_topic = min_docs_per_topic
        self.stop_words = stop_words
        self.random_state = random_state

    def fit(self, X: Sequence[str], y: Any = None) -> FeedbackTopics:
        """Learn the topics of ``X`` (texts); returns ``self``."""
        del y
        texts = check_texts(X)
        if self.n_topics < 2:
            raise InputError(f"n_topics must be at least 2, got {self.n_topics}")
        n_topics = max(2, min(self.n_topics, len(texts) // self.min_docs_per_topic))
        if len(texts) < 2 * self.min_docs_per_topic:
            raise InputError(
                f"need at least {2 * self.min_docs_per_topic} texts for topics, got {len(texts)}"
            )
        self.vectorizer_ = TfidfVectorizer(
            preprocessor=_TopicText(frozenset(fold_text(w) for w in self.stop_words)),
            tokenizer=str.split,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, 2),
            min_df=min(self.min_df, max(1, len(texts) // 50)),
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=True,
        )
        matrix = self.vectorizer_.fit_transform(texts)
        self.nmf_ = NMF(
            n_components=n_topics, init="nndsvda", random_state=self.random_state, max_iter=500
        )
        self.nmf_.fit(matrix)
        surface = _surface_forms(texts)
        names = self.vectorizer_.get_feature_names_out()
        self.terms_ = [
            _top_terms([str(names[i]) for i in np.argsort(row)[::-1]], self.top_terms, surface)
            for row in self.nmf_.components_
        ]
        self.labels_ = [" · ".join(terms[:_LABEL_TERMS]) for terms in self.terms_]
        self.n_topics_ = n_topics
        logger.info("found %d topics in %d texts: %s", n_topics, len(texts), self.labels_)
        return self

    def transform(self, X: Sequence[str]) -> npt.NDArray[np.float64]:
        """Topic mix of each text: non-negative weights summing to 1 (or all 0)."""
        check_is_fitted(self, "nmf_")
        weights = np.asarray(
            self.nmf_.transform(self.vectorizer_.transform(check_texts(X))), dtype=np.float64
        )
        totals = weights.sum(axis=1, keepdims=True)
        mixed: npt.NDArray[np.float64] = np.divide(
            weights, totals, out=np.zeros_like(weights), where=totals > 0
        )
        return mixed

    def get_feature_names_out(self, input_features: Any = None) -> npt.NDArray[np.str_]:
        """``topic_0``, ``topic_1``..."""
        del input_features
        check_is_fitted(self, "nmf_")
        return np.array([f"topic_{i}" for i in range(self.n_topics_)], dtype=np.str_)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def _surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """Most common lower-case spelling of each folded word (``sazon`` -> ``sazón``)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for word in _WORD.findall(text.lower()):
            counts[fold_text(word)][word] += 1
    return {folded: forms.most_common(1)[0][0] for folded, forms in counts.items()}


def _top_terms(ranked: Sequence[str], count: int, surface: dict[str, str]) -> list[str]:
    """The first ``count`` distinct terms: a bigram replaces the words it joins."""
    chosen: list[str] = []
    for term in ranked:
        words = term.split()
        covered = {word for kept in chosen for word in kept.split()}
        if len(words) > 1 and set(words) <= covered and term not in chosen:
            chosen = [kept for kept in chosen if kept not in words]
        elif (len(words) > 1 and covered & set(words)) or term in covered:
            continue
        chosen.append(term)
        if len(chosen) >= count:
            break
    return [" ".join(surface.get(word, word) for word in term.split()) for term in chosen]


@dataclass(frozen=True, slots=True)
class TopicShares:
    """Topic shares per restaurant and month (``periods``) and per dish (``dishes``)."""

    topics: pd.DataFrame
    periods: pd.DataFrame
    dishes: pd.DataFrame


def summarise_topics(
    feedback: pd.DataFrame,
    weights: npt.NDArray[np.float64],
    *,
    labels: Sequence[str],
    terms: Sequence[Sequence[str]],
    timezone: str = _LIMA,
) -> TopicShares:
    """Topic shares of ``feedback`` (one row of ``weights`` per row of ``feedback``).

    ``topics``: ``topic, label, terms, reviews, share`` over everything; ``periods``:
    ``restaurant_id, period_start, topic, documents, reviews, share``; ``dishes``:
    ``restaurant_id, dish_id, topic, documents, reviews, share`` for reviews naming a dish.
    """
    frame = FeedbackSchema.validate(feedback)
    if weights.shape != (len(frame), len(labels)):
        raise InputError(f"weights shape {weights.shape} does not match feedback and labels")
    local = frame[FeedbackSchema.created_at].dt.tz_convert(timezone).dt.tz_localize(None)
    mix = pd.DataFrame(weights, columns=range(len(labels)), index=frame.index)
    has_topic = weights.sum(axis=1) > 0
    dominant = pd.Series(np.where(has_topic, weights.argmax(axis=1), -1), index=frame.index)
    context = pd.DataFrame(
        {
            "restaurant_id": frame[FeedbackSchema.restaurant_id],
            "period_start": local.dt.to_period("M").dt.start_time.dt.date,
            "dish_id": frame[FeedbackSchema.dish_id],
        }
    )
    topics = pd.DataFrame(
        {
            "topic": range(len(labels)),
            "label": list(labels),
            "terms": [list(t) for t in terms],
            "reviews": [int((dominant == t).sum()) for t in range(len(labels))],
            "share": [round(float(mix[t].mean()), 4) if len(mix) else 0.0 for t in mix],
        }
    )
    periods = _shares(mix, dominant, context, ["restaurant_id", "period_start"])
    named = context["dish_id"].notna()
    dishes = _shares(mix[named], dominant[named], context[named], ["restaurant_id", "dish_id"])
    dishes["dish_id"] = dishes["dish_id"].astype("int64")
    return TopicShares(topics, periods, dishes)


def _shares(
    mix: pd.DataFrame, dominant: pd.Series, context: pd.DataFrame, keys: list[str]
) -> pd.DataFrame:
    columns = [*keys, "topic", "documents", "reviews", "share"]
    if mix.empty:
        return pd.DataFrame(columns=columns)
    long = (
        mix.join(context[keys])
        .melt(id_vars=keys, var_name="topic", value_name="weight")
        .astype({"topic": "int64"})
    )
    shares = long.groupby([*keys, "topic"])["weight"].mean().rename("share")
    counted = (
        context[keys]
        .assign(topic=dominant)
        .loc[lambda f: f["topic"] >= 0]
        .groupby([*keys, "topic"])
        .size()
        .rename("reviews")
    )
    out = pd.concat([shares, counted], axis=1).fillna({"reviews": 0}).reset_index()
    sizes = context[keys].groupby(keys).size().rename("documents").reset_index()
    out = out.merge(sizes, on=keys)
    out["reviews"] = out["reviews"].astype("int64")
    out["share"] = out["share"].astype(float).round(4)
    return out[columns]
