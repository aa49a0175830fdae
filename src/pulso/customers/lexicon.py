"""Lexicon sentiment for diner feedback: lexicon files, scoring rules and a scorer.

The lexicons ship in ``pulso/customers/lexicons/`` (see the README there): the OpeNER Spanish
hotel lexicon (Apache-2.0, Agerri et al. 2013), filtered, plus Pulso's hand-written Peruvian
Spanish, English and emoji lexicons and its negators, intensifiers and contrast markers.

Scoring rules, per clause (see :func:`pulso.customers.text.split_clauses`):

- An opinion term adds its weight (-2..+2); the longest phrase wins (``nada que reclamar``).
- A negator up to three words before a term flips it and scales it by 0.8 (``no estaba
  rico`` -> -0.8, ``no me arrepiento`` -> +1.2, ``not good``). Phrases that start with a
  negator (``nunca más``, ``nada que reclamar``) already carry their sign and are not flipped.
- Intensifiers and diminishers up to two words before a term multiply it (``recontra caro``).
  Emojis count as written, without modifiers.
- Contrast: a clause opened by ``pero``/``sin embargo``/``but``/``however`` weighs
  ``but_weight`` (2) and one opened by ``aunque``/``although`` weighs ``although_weight``
  (0.5) in the overall score; every other clause weighs 1. So ``rico pero caro`` is negative
  overall and ``caro pero rico`` or ``rico aunque caro`` are positive.

A raw sum ``s`` becomes a score ``s / sqrt(s**2 + 4)`` in (-1, 1); scores within
``neutral_threshold`` (0.2) of zero are neutral.
"""

from __future__ import annotations

import csv
import io
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sklearn.base import BaseEstimator, ClassifierMixin

from pulso.customers.text import (
    Clause,
    check_texts,
    detect_language,
    elongation_variants,
    split_clauses,
    tokenize,
)
from pulso.errors import InputError

__all__ = [
    "LANGUAGES",
    "SENTIMENT_LABELS",
    "ClauseScore",
    "Lexicon",
    "LexiconSentiment",
    "Modifier",
    "OpinionHit",
    "TermIndex",
    "TextScore",
    "label_for_score",
    "load_lexicon",
    "read_table",
    "resolve_language",
    "score_text",
    "squash_score",
]

logger = logging.getLogger(__name__)

SENTIMENT_LABELS = ("negative", "neutral", "positive")
LANGUAGES = ("es", "en")

_NEGATION_WINDOW = 3
_MODIFIER_WINDOW = 2
_NEGATION_SCALE = 0.8
_SQUASH_ALPHA = 4.0
_FUZZY_MIN_LENGTH = 7
_OPENER_WEIGHTS = {
    "strongpositive": 2.0,
    "positive": 1.0,
    "negative": -1.0,
    "strongnegative": -2.0,
}
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class TermIndex(Generic[V]):
    """Folded terms (one word or a phrase, as token tuples) mapped to a value.

    Single words are also found through inflection: plural (``ricos``), gender (``rica`` ->
    ``rico``) and diminutive (``baratito`` -> ``barato``, ``riquito`` -> ``rico``).
    """

    entries: Mapping[tuple[str, ...], V]
    max_length: int

    @classmethod
    def build(cls, terms: Mapping[str, V]) -> TermIndex[V]:
        """Index ``terms``, folding and tokenising each key the way feedback is tokenised."""
        entries = {tuple(tokenize(term)): value for term, value in terms.items()}
        entries.pop((), None)
        return cls(entries, max((len(key) for key in entries), default=0))

    def vocabulary(self) -> set[str]:
        """Every token that appears in some term."""
        return {token for key in self.entries for token in key}

    def match(
        self, tokens: Sequence[str], start: int, *, min_length: int = 1
    ) -> tuple[int, V] | None:
        """Return ``(length, value)`` of the longest term starting at ``tokens[start]``."""
        longest = min(self.max_length, len(tokens) - start)
        for length in range(longest, max(min_length, 2) - 1, -1):
            value = self.entries.get(tuple(tokens[start : start + length]))
            if value is not None:
                return length, value
        if min_length <= 1 and start < len(tokens):
            found = self.lookup(tokens[start])
            if found is not None:
                return 1, found
        return None

    def lookup(self, token: str) -> V | None:
        """Return the value of a single word, trying its inflections after the word itself."""
        for form in inflection_variants(token):
            value = self.entries.get((form,))
            if value is not None:
                return value
        return None


def inflection_variants(token: str) -> tuple[str, ...]:
    """Forms a Spanish or English word may come from, the word itself first.

    >>> inflection_variants("baratitas")[:4]
    ('baratitas', 'baratita', 'baratito', 'barato')
    """
    stems = [token]
    if len(token) > 4 and token.endswith("es"):
        stems.append(token[:-2])
    if len(token) > 3 and token.endswith("s"):
        stems.append(token[:-1])
    forms: list[str] = []
    for stem in stems:
        forms.append(stem)
        if stem.endswith("a"):
            forms.append(stem[:-1] + "o")
        forms.extend(_diminutive_bases(stem))
    return tuple(dict.fromkeys(forms))


def _diminutive_bases(stem: str) -> list[str]:
    if len(stem) < 6 or stem[-3:] not in ("ito", "ita"):
        return []
    root = stem[:-3]
    if root.endswith("qu"):
        return [root[:-2] + "co", root[:-2] + "ca"]
    if root.endswith("gu"):
        return [root[:-2] + "go", root[:-2] + "ga"]
    if root.endswith("c"):
        return [root[:-1], root[:-1] + "e", root[:-1] + "o"]
    return [root + "o", root + "a", root + "e"]


@dataclass(frozen=True, slots=True)
class Modifier:
    """A negator, intensifier, diminisher or contrast marker (``but`` / ``although``)."""

    kind: str
    factor: float = 1.0


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the scorer reads, folded and indexed; build it with :func:`load_lexicon`."""

    opinions: Mapping[str, TermIndex[float]]
    emojis: TermIndex[float]
    modifiers: TermIndex[Modifier]
    contrast_markers: Mapping[str, str]
    negators: frozenset[str]
    vocabulary: frozenset[str]
    fuzzy_candidates: Mapping[str, tuple[str, ...]]

    def canonical(self, token: str) -> str:
        """Undo lengthening (``riquisimoooo``) when a shorter spelling is a known word."""
        variants = elongation_variants(token)
        for variant in variants:
            if any(form in self.vocabulary for form in inflection_variants(variant)):
                return variant
        return variants[1] if len(variants) > 1 else token

    def opinion(
        self, tokens: Sequence[str], start: int, *, lang: str, min_length: int = 1
    ) -> tuple[int, float] | None:
        """Longest opinion term at ``start``, looked up in ``lang`` first, then the other."""
        for code in _preference(lang):
            found = self.opinions[code].match(tokens, start, min_length=min_length)
            if found is not None:
                return found
        if min_length <= 1 and start < len(tokens):
            return self._fuzzy(tokens[start], lang=lang)
        return None

    def _fuzzy(self, token: str, *, lang: str) -> tuple[int, float] | None:
        if len(token) < _FUZZY_MIN_LENGTH or not token.isalpha() or token in self.vocabulary:
            return None
        for code in _preference(lang):
            candidates = self.fuzzy_candidates.get(f"{code}:{token[0]}", ())
            closest = _closest_term(token, candidates)
            if closest is not None:
                weight = self.opinions[code].entries[(closest,)]
                return 1, weight
        return None


@lru_cache(maxsize=65536)
def _closest_term(token: str, candidates: tuple[str, ...]) -> str | None:
    found = process.extractOne(token, candidates, scorer=Levenshtein.distance, score_cutoff=1)
    return None if found is None else str(found[0])


def _preference(lang: str) -> tuple[str, str]:
    return ("en", "es") if lang == "en" else ("es", "en")


def read_table(text: str, *, file: str, columns: Sequence[str]) -> list[dict[str, str]]:
    """Parse one tab-separated lexicon file; ``#`` lines are comments, the header is required.

    Raises :class:`~pulso.errors.InputError` naming the file and row of a malformed line.
    """
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1)]
    rows = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not rows or rows[0][1].split("\t") != list(columns):
        raise InputError(f"header must be {'<TAB>'.join(columns)}", file=file, row=1)
    table = []
    for number, line in rows[1:]:
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != len(columns) or not all(fields):
            raise InputError(
                f"expected {len(columns)} tab-separated fields", file=file, row=number
            )
        table.append(dict(zip(columns, fields, strict=True)))
    return table


def _weight(value: str, *, file: str, term: str) -> float:
    try:
        weight = float(value)
    except ValueError as exc:
        raise InputError(f"weight {value!r} of {term!r} is not a number", file=file) from exc
    if not -2.0 <= weight <= 2.0:
        raise InputError(f"weight {weight} of {term!r} is outside [-2, 2]", file=file)
    return weight


def _read_resource(name: str) -> str:
    return (resources.files("pulso.customers") / "lexicons" / name).read_text(encoding="utf-8")


def _weighted_terms(name: str) -> dict[str, float]:
    table = read_table(_read_resource(name), file=name, columns=("term", "weight"))
    return {row["term"]: _weight(row["weight"], file=name, term=row["term"]) for row in table}


def read_opener_expressions(text: str, *, excluded: Iterable[str] = ()) -> dict[str, float]:
    """Single-word OpeNER expressions Pulso trusts, with weights -2..+2.

    Kept: an expression whose label held in every annotated occurrence (``ratio`` 1), or in
    at least half of them and at least twice; the more frequent label wins. Words in
    ``excluded`` (folded) and tokens that are not plain words are dropped.
    """
    skip = set(excluded)
    chosen: dict[str, tuple[int, float]] = {}
    for row in csv.DictReader(io.StringIO(text), delimiter=";", quotechar='"'):
        expression, _, label = row["exp#pol"].rpartition("#")
        tokens = tokenize(expression)
        frequency, overall = int(row["RelatFreq"]), int(row["OverallFreq"])
        trusted = row["ratio"] == "1" or (frequency >= 2 and 2 * frequency >= overall)
        if len(tokens) != 1 or not tokens[0].isalpha() or label not in _OPENER_WEIGHTS:
            continue
        if not trusted or tokens[0] in skip or len(expression.split()) != 1:
            continue
        if tokens[0] not in chosen or frequency > chosen[tokens[0]][0]:
            chosen[tokens[0]] = (frequency, _OPENER_WEIGHTS[label])
    return {token: weight for token, (_, weight) in chosen.items()}


def _read_modifiers() -> tuple[dict[str, Modifier], dict[str, str]]:
    name = "modifiers.tsv"
    columns = ("term", "lang", "kind", "factor")
    modifiers: dict[str, Modifier] = {}
    markers: dict[str, str] = {}
    for row in read_table(_read_resource(name), file=name, columns=columns):
        kind = row["kind"]
        if kind not in ("negator", "intensifier", "diminisher", "but", "although"):
            raise InputError(f"unknown modifier kind {kind!r}", file=name)
        modifiers[row["term"]] = Modifier(kind, float(row["factor"]))
        if kind in ("but", "although"):
            markers[" ".join(tokenize(row["term"]))] = kind
    return modifiers, markers


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load and index the packaged lexicons (cached: the files never change at run time)."""
    excluded = {
        tokens[0]
        for line in _read_resource("opener_es_exclude.txt").splitlines()
        if (tokens := tokenize(line)) and not line.startswith("#")
    }
    spanish = read_opener_expressions(
        _read_resource("opener_es/expressions.csv"), excluded=excluded
    )
    hand_written_es = _weighted_terms("sentiment_es.tsv")
    hand_written_en = _weighted_terms("sentiment_en.tsv")
    spanish.update(hand_written_es)
    emoji_table = read_table(
        _read_resource("emoji.tsv"), file="emoji.tsv", columns=("emoji", "weight")
    )
    emojis = {
        row["emoji"]: _weight(row["weight"], file="emoji.tsv", term=row["emoji"])
        for row in emoji_table
    }
    modifiers, markers = _read_modifiers()
    opinions = {"es": TermIndex.build(spanish), "en": TermIndex.build(hand_written_en)}
    modifier_index = TermIndex.build(modifiers)
    vocabulary = frozenset().union(*(index.vocabulary() for index in opinions.values()))
    vocabulary |= modifier_index.vocabulary() | _aspect_vocabulary()
    lexicon = Lexicon(
        opinions=opinions,
        emojis=TermIndex.build(emojis),
        modifiers=modifier_index,
        contrast_markers=markers,
        negators=frozenset(
            key[0]
            for key, modifier in modifier_index.entries.items()
            if modifier.kind == "negator"
        ),
        vocabulary=vocabulary,
        fuzzy_candidates=_fuzzy_candidates({"es": hand_written_es, "en": hand_written_en}),
    )
    logger.debug("loaded lexicon: %d es terms, %d en terms", len(spanish), len(hand_written_en))
    return lexicon


def _aspect_vocabulary() -> frozenset[str]:
    table = read_table(
        _read_resource("aspects.tsv"), file="aspects.tsv", columns=("term", "lang", "aspect")
    )
    return frozenset(token for row in table for token in tokenize(row["term"]))


def _fuzzy_candidates(terms: Mapping[str, Mapping[str, float]]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for code, weights in terms.items():
        for term in weights:
            tokens = tokenize(term)
            if len(tokens) == 1 and len(tokens[0]) >= _FUZZY_MIN_LENGTH - 1 and weights[term] != 0:
                grouped.setdefault(f"{code}:{tokens[0][0]}", []).append(tokens[0])
    return {key: tuple(sorted(set(words))) for key, words in grouped.items()}


@dataclass(frozen=True, slots=True)
class OpinionHit:
    """An opinion term found in a clause: token span, folded term and weight after modifiers."""

    start: int
    end: int
    term: str
    weight: float


@dataclass(frozen=True, slots=True)
class ClauseScore:
    """A clause with its canonical tokens, opinion hits and weight in the overall score."""

    clause: Clause
    tokens: tuple[str, ...]
    hits: tuple[OpinionHit, ...]
    weight: float

    @property
    def raw(self) -> float:
        """Sum of the hits' weights."""
        return sum(hit.weight for hit in self.hits)

    @property
    def score(self) -> float:
        """The clause's own score in (-1, 1), ignoring its contrast weight."""
        return squash_score(self.raw)


@dataclass(frozen=True, slots=True)
class TextScore:
    """Lexicon reading of one piece of feedback."""

    text: str
    lang: str
    score: float
    label: str
    clauses: tuple[ClauseScore, ...]


def squash_score(raw: float) -> float:
    """Map a raw opinion sum to (-1, 1): ``raw / sqrt(raw**2 + 4)``."""
    return raw / math.sqrt(raw * raw + _SQUASH_ALPHA)


def label_for_score(score: float, *, neutral_threshold: float = 0.2) -> str:
    """``positive`` above ``neutral_threshold``, ``negative`` below its negative, else ``neutral``."""
    if score > neutral_threshold:
        return "positive"
    if score < -neutral_threshold:
        return "negative"
    return "neutral"


def resolve_language(text: str, lang: str) -> str:
    """Return ``lang`` when it is ``es`` or ``en``, or the detected language for ``auto``."""
    if lang == "auto":
        return detect_language(text)
    if lang not in LANGUAGES:
        raise InputError(f"lang must be 'auto', 'es' or 'en', got {lang!r}")
    return lang


class _ClauseReader:
    """Walks a clause's tokens once, collecting hits with their negators and modifiers."""

    def __init__(self, lexicon: Lexicon, tokens: Sequence[str], lang: str) -> None:
        self.lexicon, self.tokens, self.lang = lexicon, tokens, lang
        self.negators: list[int] = []
        self.scalers: list[tuple[int, float]] = []
        self.hits: list[OpinionHit] = []

    def read(self) -> tuple[OpinionHit, ...]:
        position = 0
        while position < len(self.tokens):
            position += self._step(position)
        return tuple(self.hits)

    def _step(self, position: int) -> int:
        token = self.tokens[position]
        phrase = self.lexicon.opinion(self.tokens, position, lang=self.lang, min_length=2)
        if phrase is not None:
            return self._hit(position, *phrase)
        modifier = self.lexicon.modifiers.match(self.tokens, position)
        if modifier is not None and not self._reads_as_opinion(position, modifier[0]):
            return self._modify(position, *modifier)
        if token.endswith("n't"):
            self.negators.append(position)
            return 1
        emoji = self.lexicon.emojis.entries.get((token,))
        if emoji is not None:
            self.hits.append(OpinionHit(position, position + 1, token, emoji))
            return 1
        single = self.lexicon.opinion(self.tokens, position, lang=self.lang)
        return self._hit(position, *single) if single is not None else 1

    def _reads_as_opinion(self, position: int, length: int) -> bool:
        """``bien`` alone is praise; before an opinion word it is an intensifier."""
        if length > 1 or self.lexicon.opinion(self.tokens, position, lang=self.lang) is None:
            return False
        following = position + 1
        return (
            following >= len(self.tokens)
            or self.lexicon.opinion(self.tokens, following, lang=self.lang) is None
        )

    def _modify(self, position: int, length: int, modifier: Modifier) -> int:
        if modifier.kind == "negator":
            self.negators.append(position + length - 1)
        elif modifier.kind in ("intensifier", "diminisher"):
            self.scalers.append((position + length - 1, modifier.factor))
        return length

    def _hit(self, position: int, length: int, weight: float) -> int:
        term = " ".join(self.tokens[position : position + length])
        if self.tokens[position] not in self.lexicon.negators:
            weight *= math.prod(f for at, f in self.scalers if position - at <= _MODIFIER_WINDOW)
            if any(position - at <= _NEGATION_WINDOW for at in self.negators):
                weight *= -_NEGATION_SCALE
        self.negators.clear()
        self.scalers.clear()
        self.hits.append(OpinionHit(position, position + length, term, weight))
        return length


def score_text(
    text: str,
    *,
    lang: str = "auto",
    lexicon: Lexicon | None = None,
    neutral_threshold: float = 0.2,
    but_weight: float = 2.0,
    although_weight: float = 0.5,
) -> TextScore:
    """Score feedback with the lexicon rules in this module's docstring."""
    lexicon = lexicon or load_lexicon()
    language = resolve_language(text, lang)
    clause_weights = {"but": but_weight, "although": although_weight}
    clauses = []
    for clause in split_clauses(text, contrast_markers=lexicon.contrast_markers):
        tokens = tuple(lexicon.canonical(token) for token in tokenize(clause.text))
        hits = _ClauseReader(lexicon, tokens, language).read()
        weight = clause_weights.get(clause.marker or "", 1.0)
        clauses.append(ClauseScore(clause, tokens, hits, weight))
    score = squash_score(sum(clause.weight * clause.raw for clause in clauses))
    label = label_for_score(score, neutral_threshold=neutral_threshold)
    return TextScore(text, language, score, label, tuple(clauses))


class LexiconSentiment(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Rule-based sentiment from the packaged lexicons, with the scikit-learn interface.

    Nothing is learned: :meth:`fit` only records the classes and returns ``self``, and the
    scorer works unfitted too. :meth:`decision_function` gives scores in [-1, 1] and
    :meth:`predict` labels (``negative``, ``neutral``, ``positive``). Input is a sequence of
    texts.
    """

    def __init__(
        self,
        *,
        lang: str = "auto",
        neutral_threshold: float = 0.2,
        but_weight: float = 2.0,
        although_weight: float = 0.5,
    ) -> None:
        self.lang = lang
        self.neutral_threshold = neutral_threshold
        self.but_weight = but_weight
        self.although_weight = although_weight

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> LexiconSentiment:
        """Validate the texts (and labels, if given) and return ``self``; nothing is learned."""
        texts = check_texts(X)
        if y is not None and len(y) != len(texts):
            raise InputError(f"got {len(texts)} texts but {len(y)} labels")
        self.classes_ = np.array(SENTIMENT_LABELS)
        return self

    def score_texts(self, X: Sequence[str]) -> list[TextScore]:
        """Full lexicon reading (clauses, hits) of each text."""
        return [
            score_text(
                text,
                lang=self.lang,
                neutral_threshold=self.neutral_threshold,
                but_weight=self.but_weight,
                although_weight=self.although_weight,
            )
            for text in check_texts(X)
        ]

    def decision_function(self, X: Sequence[str]) -> npt.NDArray[np.float64]:
        """Scores in [-1, 1]: below zero negative, above zero positive."""
        return np.array([reading.score for reading in self.score_texts(X)], dtype=np.float64)

    def predict(self, X: Sequence[str]) -> npt.NDArray[np.str_]:
        """Labels ``negative``, ``neutral`` or ``positive``."""
        return np.array([reading.label for reading in self.score_texts(X)], dtype=np.str_)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
