"""Text handling for diner feedback: folding, tokens, clauses and language.

Everything here is offline and rule based. Matching works on *folded* text (lower case,
accents and other combining marks removed, curly apostrophes made straight) while the text
shown to people keeps its accents: :func:`fold_text` keeps one character per input character,
so a span found in the folded text cuts the same span out of the text as written.

Clauses are the unit of aspect sentiment. :func:`split_clauses` cuts at sentence punctuation,
at commas that are not decimal separators, before contrast markers (``pero``, ``aunque``,
``but``...; the caller passes them, they live in the lexicon files) and before ``y``/``and``
when a determiner follows (``la comida rica y el servicio lento``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulso.errors import InputError

__all__ = [
    "Clause",
    "check_texts",
    "detect_language",
    "elongation_variants",
    "fold_text",
    "split_clauses",
    "tokenize",
]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_EMOJI_MODIFIERS = re.compile("[\ufe0f\ufe0e\u200d\U0001f3fb-\U0001f3ff]")
_EMOJI = "[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2764\u2665\u2639\u263a\u2b06\u2b07\u2934\u2935]"
_EMOTICON = r"(?:<3|[:;=]-?[)(dpo/\]\[]|\bx-?d\b)"
_TOKEN = re.compile(
    rf"{_EMOJI}|{_EMOTICON}|s/|\d+(?:[.,]\d+)?(?:/\d+)?|[a-zñ]+(?:'[a-z]+)?",
)
_RUN_3 = re.compile(r"([a-zñ])\1{2,}")
_RUN_2 = re.compile(r"([a-zñ])\1+")

_SENTENCE_BREAK = re.compile(
    r"(?:[!?\n…]|(?<!\d)\.|\.(?!\d)|[:;](?!-?[)(dp/\]\[]))+|(?<!\d),|,(?!\d)|\s[-–—]\s"
)
_DETERMINERS = (
    "el|la|los|las|lo|su|sus|mi|mis|un|una|unos|unas|este|esta|ese|esa|"
    "the|their|our|my|his|her|its|a|an"
)
_COORDINATION = re.compile(rf"\s(?:y|e|and)\s+(?=(?:{_DETERMINERS})\s)")

# fmt: off
_ES_WORDS = frozenset((
    "de", "la", "que", "el", "en", "y", "los", "del", "se", "las", "por", "un", "para", "con",
    "una", "su", "al", "lo", "como", "pero", "sus", "le", "ya", "fue", "este", "ha", "porque",
    "esta", "son", "entre", "cuando", "muy", "sin", "sobre", "tambien", "me", "hasta", "hay",
    "donde", "desde", "todo", "nos", "todos", "les", "ni", "esto", "mi", "nada", "estaba",
    "estuvo", "es", "era", "fueron", "estan", "mucho", "poco", "bien", "rico",
    "rica", "comida", "atencion", "servicio", "mozo", "precio", "demora", "local", "ambiente",
    "plato", "carta", "pedimos", "nunca", "tampoco", "mas", "tiene", "tienen", "estuvieron",
    "atendieron", "super", "recontra", "bravazo", "buenazo", "chevere", "paja", "mostro",
    "riquisimo", "pesimo", "caro", "barato", "lento", "demoraron", "volvere", "recomiendo",
))
# fmt: on
# fmt: off
_EN_WORDS = frozenset((
    "the", "and", "to", "of", "in", "is", "it", "was", "i", "for", "with", "my", "we", "this",
    "that", "but", "not", "very", "on", "at", "were", "are", "be", "have", "had", "they",
    "you", "so", "too", "food", "great", "good", "place", "service", "staff", "waiter",
    "price", "wait", "slow", "quick", "our", "their", "there", "would", "will", "really",
    "just", "been", "what", "which", "dish", "dishes", "delicious", "tasty", "nice",
    "friendly", "rude", "expensive", "cheap", "never", "again", "didn't", "wasn't", "isn't",
    "don't", "definitely", "amazing", "awesome", "worth", "recommend", "loved", "love",
))
# fmt: on
_ES_SUFFIXES = ("cion", "mente", "azo", "aza", "isimo", "isima", "ito", "ita", "aron", "ieron")
_EN_SUFFIXES = ("ing", "ly", "'s", "n't", "ed")


@dataclass(frozen=True, slots=True)
class Clause:
    """A span of feedback that carries one opinion.

    ``text`` is the span as written (accents kept, surrounding blanks removed), ``start`` and
    ``end`` its offsets in the NFC-normalised input, and ``marker`` the kind of contrast marker
    that opens it (``"but"``, ``"although"``) or ``None``.
    """

    text: str
    start: int
    end: int
    marker: str | None = None


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else char.lower()[:1] or char


def fold_text(text: str) -> str:
    """Return ``text`` lower-cased and without accents, one character per input character.

    The input is NFC-normalised first, so decomposed accents do not break words; the result
    has the length of ``unicodedata.normalize("NFC", text)``, which keeps offsets aligned.

    >>> fold_text("Riquísimo CEVICHE, año")
    'riquisimo ceviche, ano'
    """
    composed = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    return "".join(_fold_char(char) for char in composed)


def tokenize(text: str) -> list[str]:
    """Split text into folded tokens: words, emojis, emoticons, ``s/`` and numbers.

    Emoji skin tones and variation selectors are dropped, so ``👍🏽`` reads as ``👍``.

    >>> tokenize("¡Buenazo el lomo!! 👍🏽 S/ 45")
    ['buenazo', 'el', 'lomo', '👍', 's/', '45']
    """
    folded = _EMOJI_MODIFIERS.sub("", fold_text(text))
    return _TOKEN.findall(folded)


def elongation_variants(token: str) -> tuple[str, ...]:
    """Spellings a lengthened word may stand for, most likely first.

    Runs of three or more letters become one letter, then two letters; finally every double
    letter becomes single (``riquisimoo``). The token itself comes first.

    >>> elongation_variants("buenaaazo")
    ('buenaaazo', 'buenazo', 'buenaazo')
    >>> elongation_variants("goooood")
    ('goooood', 'god', 'good')
    """
    variants = [
        token,
        _RUN_3.sub(r"\1", token),
        _RUN_3.sub(r"\1\1", token),
        _RUN_2.sub(r"\1", token),
    ]
    return tuple(dict.fromkeys(variants))


def _marker_pattern(markers: Mapping[str, str]) -> re.Pattern[str] | None:
    if not markers:
        return None
    by_length = sorted(markers, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, m.split())) for m in by_length)
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])")


def _cut_points(folded: str, markers: Mapping[str, str]) -> list[tuple[int, int, str | None]]:
    """Return (start, end_of_separator, marker kind) boundaries inside ``folded``."""
    cuts: list[tuple[int, int, str | None]]
    cuts = [(m.start(), m.end(), None) for m in _SENTENCE_BREAK.finditer(folded)]
    cuts += [(m.start(), m.end(), None) for m in _COORDINATION.finditer(folded)]
    pattern = _marker_pattern(markers)
    if pattern is not None:
        for match in pattern.finditer(folded):
            kind = markers[" ".join(match.group().split())]
            cuts.append((match.start(), match.start(), kind))
    return sorted(cuts)


def split_clauses(text: str, *, contrast_markers: Mapping[str, str] | None = None) -> list[Clause]:
    """Split feedback into clauses; a contrast marker stays at the start of its clause.

    ``contrast_markers`` maps folded markers (``"pero"``, ``"sin embargo"``) to their kind.

    >>> [c.text for c in split_clauses("Rico pero caro. El mozo, amable", contrast_markers={"pero": "but"})]
    ['Rico', 'pero caro', 'El mozo', 'amable']
    """
    composed = unicodedata.normalize("NFC", text)
    clauses: list[Clause] = []
    start, kind = 0, None
    for cut_start, cut_end, cut_kind in _cut_points(fold_text(composed), contrast_markers or {}):
        if cut_start < start:  # a marker inside the separator just passed
            kind = cut_kind or kind
            start = max(start, cut_end)
            continue
        _append_clause(clauses, composed, start, cut_start, kind)
        start, kind = cut_end, cut_kind
    _append_clause(clauses, composed, start, len(composed), kind)
    return clauses


def _append_clause(
    clauses: list[Clause], composed: str, start: int, end: int, kind: str | None
) -> None:
    span = composed[start:end]
    stripped = span.strip(" \t\r\n¡¿\"'«»“”*~")
    if not stripped or not tokenize(stripped):
        return
    offset = start + span.index(stripped)
    clauses.append(Clause(stripped, offset, offset + len(stripped), kind))


def detect_language(text: str) -> str:
    """Guess whether feedback is Spanish (``"es"``) or English (``"en"``), offline.

    Counts function words and typical suffixes of each language; ``ñ``, accents, ``¿`` and
    ``¡`` count for Spanish. Mixed feedback gets the language of most of its grammar
    (``"The lomo was buenazo"`` is English). Ties and empty text give ``"es"``, the language
    most Pulso restaurants write in.
    """
    composed = unicodedata.normalize("NFC", text)
    tokens = [t for t in tokenize(composed) if t.isalpha() or "'" in t]
    spanish = sum(1.0 for t in tokens if t in _ES_WORDS)
    english = sum(1.0 for t in tokens if t in _EN_WORDS)
    spanish += 0.5 * sum(1 for t in tokens if t.endswith(_ES_SUFFIXES) and t not in _EN_WORDS)
    english += 0.5 * sum(1 for t in tokens if t.endswith(_EN_SUFFIXES) and t not in _ES_WORDS)
    spanish += 1.5 * sum(1 for c in composed if c in "ñÑ¿¡áéíóúÁÉÍÓÚ")
    return "en" if english > spanish else "es"


def check_texts(X: Any) -> list[str]:
    """Return ``X`` (a sequence of texts) as a list, or raise :class:`~pulso.errors.InputError`."""
    if isinstance(X, str) or not isinstance(X, Iterable):
        raise InputError(f"expected a sequence of texts, got {type(X).__name__}")
    texts = list(X)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"text {index} is a {type(text).__name__}, not a str")
    return texts
