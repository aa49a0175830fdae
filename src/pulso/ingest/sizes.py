"""Pack sizes written the way Peruvian retailers write them.

A size is a quantity per unit in a base unit (grams, millilitres or units) times a pack count:

=====================  =================================
text                   parsed
=====================  =================================
``1.5L``, ``1,5 lt``   1500 ml
``1500 ml``            1500 ml
``1.5 litros``         1500 ml
``400 g``, ``400gr``   400 g
``0.4 kg``, ``1 kilo`` 400 g, 1000 g
``6 x 355 ml``         6 x 355 ml
``355ml x6``           6 x 355 ml
``six pack 355 ml``    6 x 355 ml
``paquete 6un``        6 un
``pack 6 unid``        6 un
``12 un``, ``x 12``    12 un
``docena``             12 un
``4 x 8 un``           4 x 8 un
=====================  =================================

Counted goods (eggs, diapers, tea bags) have ``unit="un"`` and the count as ``quantity``, so
``12 un``, ``x12`` and ``docena`` compare equal; a pack of them is read like any other pack
(``Pack 4 Unid. 8 Unid.``, ``8un Paquete 4un`` and ``4X8UN`` are 4 x 8 un). An ``N un`` that
follows a pack word (``paquete 6 un``) is the pack count, not the content.

A decimal mark may be ``.`` or ``,``. For grams and millilitres a mark followed by exactly
three digits is a thousands separator (``1.500 ml`` is 1500 ml); for kilos and litres it is
a decimal mark (``1.500 kg`` is 1500 g either way).

:func:`parse_size` reads a ``size`` field; :func:`find_size_in_name` finds the size written
inside a listing name; :func:`split_size` also returns the name with the size text removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["PackSize", "find_size_in_name", "parse_size", "split_size"]

BaseUnit = Literal["g", "ml", "un"]

# unit spelling -> (base unit, factor to the base unit); longest spellings first in the regex.
_UNITS: dict[str, tuple[BaseUnit, float]] = {
    **dict.fromkeys(("kilogramos", "kilogramo", "kilos", "kilo", "kgs", "kg"), ("g", 1000.0)),
    **dict.fromkeys(("gramos", "gramo", "grms", "grs", "gr", "g"), ("g", 1.0)),
    **dict.fromkeys(("miligramos", "mg"), ("g", 0.001)),
    **dict.fromkeys(("litros", "litro", "ltrs", "ltr", "lts", "lt", "l"), ("ml", 1000.0)),
    **dict.fromkeys(("mililitros", "mililitro", "mls", "ml", "cc"), ("ml", 1.0)),
    "cl": ("ml", 10.0),
}
_UNIT_ALTERNATION = "|".join(sorted(_UNITS, key=len, reverse=True))
_NUMBER = r"(?P<number>\d+(?:[.,]\d+)?)"
# a unit ends at a non-letter, or right before "x6" as in "355mlx6"
_UNIT_END = r"(?:(?![a-z])|(?=x\d))"
_MEASURE = re.compile(rf"(?<![a-wyz0-9.,]){_NUMBER}\s*(?P<unit>{_UNIT_ALTERNATION}){_UNIT_END}")
_COUNT_BEFORE = re.compile(r"(?<![\w.,])(?P<count>\d+)\s*(?:un\w*\s*)?x\s*$")
_COUNT_AFTER = re.compile(r"^\s*x\s*(?P<count>\d+)(?![\d.,])")
_COUNT_WORDS = (
    r"unidades|unidad|unids|unid|unds|und|uds|ud|un|u|piezas|pzas|pza|rollos|sobres"
    r"|bolsitas|filtrantes|capsulas|tabletas|huevos"
)
_UNIT_COUNT = re.compile(rf"(?<![a-wyz0-9.,])(?P<count>\d+)\s*-?\s*(?:{_COUNT_WORDS})(?![a-z])")
_PACK_WORD_END = re.compile(r"(?<![a-z])(?:pack|paquete|paq|pqt|caja|display|bandeja)(?:\s+de)?$")
_NAMED_PACK_END = re.compile(r"(?:six|twelve|four|tri|bi|duo|twin)\s*-?\s*pack$")
_PACK_PATTERNS: tuple[re.Pattern[str], ...] = (
    _UNIT_COUNT,
    re.compile(
        r"(?<![a-z])(?:pack|paquete|paq|pqt|caja|display|bandeja|tripack|x)"
        r"\s*(?:de\s+|x\s*)?(?P<count>\d+)(?![\d.,])"
    ),
    re.compile(r"(?<![\w.,])(?P<count>\d+)\s*-?\s*pack(?![a-z])"),
    re.compile(r"(?<![\w.,])(?P<dozens>\d+)\s*docenas?(?![a-z])"),
)
_PACK_WORDS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(rf"(?<![a-z]){pattern}(?![a-z])"), count)
    for pattern, count in (
        (r"six\s*-?\s*pack", 6),
        (r"twelve\s*-?\s*pack", 12),
        (r"four\s*-?\s*pack", 4),
        (r"tri\s*-?\s*pack", 3),
        (r"(?:bi|duo|twin)\s*-?\s*pack", 2),
        (r"media\s+docena", 6),
        (r"docena", 12),
    )
)
_MAX_PACK_COUNT = 1000

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class PackSize:
    """A pack size: ``pack_count`` units of ``quantity`` each, in a base ``unit``.

    ``unit`` is ``"g"``, ``"ml"`` or ``"un"``; ``quantity`` is per unit in that base unit.
    """

    quantity: float
    unit: BaseUnit
    pack_count: int = 1

    @property
    def total(self) -> float:
        """Total content of the pack in the base unit (``6 x 355 ml`` -> 2130)."""
        return self.quantity * self.pack_count

    def __str__(self) -> str:
        amount = f"{self.quantity:g} {self.unit}"
        return amount if self.pack_count == 1 else f"{self.pack_count} x {amount}"


def parse_size(text: str) -> PackSize | None:
    """Parse a ``size`` field (``"1,5 lt"``, ``"6 x 355 ml"``, ``"docena"``); None if absent."""
    return split_size(text)[0]


def find_size_in_name(name: str) -> PackSize | None:
    """Find the size written inside a listing name (``"Inca Kola Botella 1.5L"`` -> 1500 ml)."""
    return split_size(name)[0]


def split_size(text: str) -> tuple[PackSize | None, str]:
    """Return the size found in ``text`` and the text with the size words removed.

    The returned text is lower-cased and accent-folded, as sizes are read from that form.
    """
    folded = _fold(text)
    measure, spans = _find_measure(folded)
    if measure is None:
        measure, spans = _find_unit_count(folded)
    if measure is None:
        count, count_spans = _find_pack_count(folded)
        if count is None:
            return None, folded
        return PackSize(float(count), "un"), _blank(folded, count_spans)
    quantity, unit = measure
    count, count_spans = _count_beside(folded, spans[0])
    if count is None:
        count, count_spans = _find_pack_count(_blank(folded, spans))
    spans.extend(count_spans)
    return PackSize(quantity, unit, count or 1), _blank(folded, spans)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("×", "x"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _find_measure(text: str) -> tuple[tuple[float, BaseUnit] | None, list[Span]]:
    match = _MEASURE.search(text)
    if match is None:
        return None, []
    unit, factor = _UNITS[match["unit"]]
    number = _read_number(match["number"], thousands_allowed=factor <= 1.0)
    return (round(number * factor, 3), unit), [match.span()]


def _find_unit_count(text: str) -> tuple[tuple[float, BaseUnit] | None, list[Span]]:
    """The ``N un`` that is the content of one unit, not the pack count after a pack word."""
    for match in _UNIT_COUNT.finditer(text):
        before = text[: match.start()].rstrip()
        after_x = before.endswith("x") and not before[:-1].rstrip()[-1:].isdigit()
        after_pack_word = _PACK_WORD_END.search(before) and not _NAMED_PACK_END.search(before)
        if not (after_x or after_pack_word):
            count = _checked_count(int(match["count"]))
            return (None, []) if count is None else ((float(count), "un"), [match.span()])
    return None, []


def _read_number(raw: str, *, thousands_allowed: bool) -> float:
    whole, _, fraction = raw.replace(",", ".").partition(".")
    if thousands_allowed and len(fraction) == 3 and whole != "0":
        return float(whole + fraction)
    return float(raw.replace(",", "."))


def _count_beside(text: str, span: Span) -> tuple[int | None, list[Span]]:
    before = _COUNT_BEFORE.search(text[: span[0]])
    if before is not None:
        return _checked_count(int(before["count"])), [before.span()]
    after = _COUNT_AFTER.search(text[span[1] :])
    if after is not None:
        start, end = after.span()
        return _checked_count(int(after["count"])), [(span[1] + start, span[1] + end)]
    return None, []


def _find_pack_count(text: str) -> tuple[int | None, list[Span]]:
    for pattern, count in _PACK_WORDS:
        word = pattern.search(text)
        if word is not None:
            return count, [word.span()]
    for pattern in _PACK_PATTERNS:
        match = pattern.search(text)
        if match is not None:
            groups = match.groupdict()
            value = int(groups["dozens"]) * 12 if "dozens" in groups else int(groups["count"])
            return _checked_count(value), [match.span()]
    return None, []


def _checked_count(count: int) -> int | None:
    return count if 0 < count <= _MAX_PACK_COUNT else None


def _blank(text: str, spans: list[Span]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
