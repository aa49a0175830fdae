"""Aspect-based sentiment: what a diner liked or disliked (food, service, price...).

Each clause of the lexicon reading (:func:`pulso.customers.lexicon.score_text`) is searched
for the aspect cues in ``lexicons/aspects.tsv`` (Spanish and English). A clause that names
aspects gives each of them the clause's label, with the clause as written as evidence
(``"rico pero caro"`` -> food positive from ``Rico``, price negative from ``pero caro``).
A clause without any opinion term (``esperamos 40 minutos``) states a fact, not an opinion,
and yields no aspect of its own; neutral opinions (``la comida normal``) yield neutral
aspects. When such a clause is followed by one with opinions but no aspect cue (``La
atención, pésima``), the aspects it names take that opinion and the evidence spans both.

When one clause names several aspects *and* holds opinions of both signs (``comida rica
servicio pésimo``), each opinion goes to the nearest aspect cue; on a tie, Spanish sends it to
the cue before it (``comida rica``) unless it is a usual pre-noun adjective (``buena``,
``pésima``...), and English to the cue after it (``great food``). An opinion word that is a
cue itself (``lento`` is a wait cue) counts for its own aspect, and for the nearest other
one only when next to it (``slow service``). An aspect that gets no opinion this way keeps
the clause's label.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pulso.customers.lexicon import (
    ClauseScore,
    OpinionHit,
    TermIndex,
    TextScore,
    label_for_score,
    read_table,
    squash_score,
)
from pulso.errors import InputError

__all__ = [
    "ASPECTS",
    "AspectSentiment",
    "extract_aspects",
    "find_aspect_mentions",
    "load_aspect_index",
]

logger = logging.getLogger(__name__)

ASPECTS = ("food", "service", "price", "ambience", "wait")

_PRENOMINAL = frozenset(
    (
        "buen",
        "buena",
        "buenos",
        "buenas",
        "mal",
        "mala",
        "malos",
        "malas",
        "excelente",
        "excelentes",
        "pesimo",
        "pesima",
        "pesimos",
        "pesimas",
        "gran",
        "grandes",
        "mejor",
        "mejores",
        "peor",
        "peores",
        "lindo",
        "linda",
        "bonito",
        "bonita",
        "horrible",
        "terrible",
        "tremendo",
        "tremenda",
    )
)


@dataclass(frozen=True, slots=True)
class AspectSentiment:
    """One aspect's sentiment in one clause; ``evidence`` is the clause as written."""

    aspect: str
    label: str
    evidence: str

    def to_dict(self) -> dict[str, str]:
        """The JSON contract: ``{"aspect": ..., "label": ..., "evidence": ...}``."""
        return {"aspect": self.aspect, "label": self.label, "evidence": self.evidence}


@lru_cache(maxsize=1)
def load_aspect_index() -> TermIndex[str]:
    """Index of the packaged aspect cues (both languages), folded."""
    name = "aspects.tsv"
    text = (resources.files("pulso.customers") / "lexicons" / name).read_text(encoding="utf-8")
    table = read_table(text, file=name, columns=("term", "lang", "aspect"))
    unknown = sorted({row["aspect"] for row in table} - set(ASPECTS))
    if unknown:
        raise InputError(f"unknown aspects {unknown}; expected one of {ASPECTS}", file=name)
    return TermIndex.build({row["term"]: row["aspect"] for row in table})


def find_aspect_mentions(
    tokens: tuple[str, ...], *, index: TermIndex[str] | None = None
) -> list[tuple[int, str]]:
    """Return ``(token position, aspect)`` for every aspect cue in ``tokens``."""
    index = index or load_aspect_index()
    mentions = []
    position = 0
    while position < len(tokens):
        found = index.match(tokens, position)
        if found is None:
            position += 1
            continue
        length, aspect = found
        mentions.append((position, aspect))
        position += length
    return mentions


def extract_aspects(
    reading: TextScore,
    *,
    index: TermIndex[str] | None = None,
    neutral_threshold: float = 0.2,
) -> list[AspectSentiment]:
    """Aspect sentiments of every clause of a lexicon reading, in text order."""
    aspects: list[AspectSentiment] = []
    composed = unicodedata.normalize("NFC", reading.text)
    topic: tuple[ClauseScore, list[tuple[int, str]]] | None = None
    for clause in reading.clauses:
        mentions = find_aspect_mentions(clause.tokens, index=index)
        if not clause.hits:
            topic = (clause, mentions) if mentions else None
            continue
        evidence = clause.clause.text
        if mentions:
            raws = _aspect_raw_scores(clause, mentions, lang=reading.lang)
        elif topic is not None and clause.clause.marker is None:
            # "La atención, pésima": the aspect named just before carries the opinion.
            raws = dict.fromkeys((aspect for _, aspect in topic[1]), clause.raw)
            evidence = composed[topic[0].clause.start : clause.clause.end]
        else:
            raws = {}
        for aspect, raw in raws.items():
            label = label_for_score(squash_score(raw), neutral_threshold=neutral_threshold)
            aspects.append(AspectSentiment(aspect, label, evidence))
        topic = None
    return aspects


def _aspect_raw_scores(
    clause: ClauseScore, mentions: list[tuple[int, str]], *, lang: str
) -> Mapping[str, float]:
    """Raw opinion sum per aspect named in ``clause`` (text order of first mention)."""
    order = list(dict.fromkeys(aspect for _, aspect in mentions))
    signs = {hit.weight > 0 for hit in clause.hits if hit.weight != 0}
    if len(order) == 1 or len(signs) < 2:
        return dict.fromkeys(order, clause.raw)
    assigned: dict[str, list[float]] = {aspect: [] for aspect in order}
    for hit in clause.hits:
        for aspect in _hit_targets(hit, mentions, clause.tokens, lang=lang):
            assigned[aspect].append(hit.weight)
    return {
        aspect: sum(weights) if weights else clause.raw for aspect, weights in assigned.items()
    }


def _hit_targets(
    hit: OpinionHit, mentions: list[tuple[int, str]], tokens: tuple[str, ...], *, lang: str
) -> set[str]:
    """Aspects an opinion speaks about: its own cue (``lento`` -> wait) and the nearest other.

    An opinion that is itself a cue reaches another aspect only when next to it
    (``slow service`` -> wait and service).
    """
    own = {aspect for position, aspect in mentions if hit.start <= position < hit.end}
    others = [mention for mention in mentions if not hit.start <= mention[0] < hit.end]
    if not others:
        return own
    prefer_following = lang == "en" or tokens[hit.start] in _PRENOMINAL

    def distance(mention: tuple[int, str]) -> tuple[int, int]:
        after = mention[0] >= hit.end
        gap = mention[0] - hit.end + 1 if after else hit.start - mention[0]
        return (gap, 0 if after == prefer_following else 1)

    nearest = min(others, key=distance)
    if not own or distance(nearest)[0] <= 1:
        own.add(nearest[1])
    return own
