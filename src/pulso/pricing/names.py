"""Listing names brought to one comparable form.

Retailers write the same product in many ways: ``"Gaseosa INCA KOLA Botella 1.5L"``,
``"Inca Kola 1,5 lt"``, ``"GASEOSA INCA KOLA 1500 ML"``. :func:`normalize_name` maps all of
them to ``"gaseosa inca kola 1500 ml"`` in these steps:

1. **Case and accents**: lower case; accents and ``ñ`` folded (``"Azúcar"`` -> ``"azucar"``).
2. **Size**: the pack size is read with :func:`pulso.ingest.sizes.split_size`, removed from the
   text and written back at the end in canonical form (``1,5 lt`` -> ``1500 ml``,
   ``0.4 kg`` -> ``400 g``, ``six pack 355ml`` -> ``6 x 355 ml``).
3. **Abbreviations**: ``s/`` -> ``sin``, ``c/`` -> ``con``; unit words left over
   (``lt``, ``litro`` -> ``l``; ``gr``, ``gramos`` -> ``g``; ``unid``, ``unidades`` -> ``un``);
   common shop abbreviations (``evap`` -> ``evaporada``, ``desc`` -> ``descremada``,
   ``yog``/``yogur`` -> ``yogurt``, ``frutilla`` -> ``fresa``...). Other abbreviations
   (``GALL.``, ``DET.``) are found by :func:`abbreviated_words` and expanded from the words
   the data use (``expansions``; :mod:`pulso.pricing.matching` learns them).
4. **Variant phrases** become single tokens: ``sin azúcar`` -> ``sin_azucar``,
   ``sin lactosa``/``0% lactosa`` -> ``sin_lactosa`` (``deslactosada`` stays apart: brands
   sell both as different products), ``con gas`` -> ``con_gas``, ``talla xg`` -> ``talla_xg``;
   ``clásica``, ``tradicional``, ``regular`` -> ``original``; ``niños`` -> ``kids``.
5. **Noise words** that describe the container or the shop, not the product, are dropped
   (``botella``, ``bolsa``, ``lata``, ``paquete``, ``pack``, ``oferta``, ``caja``, ``frasco``,
   ``sachet``, ``doypack``, ``retornable``...), with Spanish stop words (``de``, ``la``, ``x``).

:func:`parse_name` also returns the **brand** (found with a :class:`BrandLexicon` of known
brands, exactly on joined tokens, so ``incakola`` = ``inca kola``, or fuzzily with
rapidfuzz when no exact brand is written) and the **variants**: modifiers (``zero``,
``light``, ``diet``, ``sin_azucar``, ``sin_lactosa``, ``premium``, ``integral``,
``descremada``, ``semidescremada``, ``con_gas``...) and flavours (``chocolate``, ``fresa``,
``vainilla``, ``lucuma``...). Default variants (``original``, ``entera``, ``natural``,
``sin_gas``) are not kept, since shops often leave them out: ``"Leche Gloria Entera"`` and
``"Leche Gloria"`` carry the same variants. A flavour word that opens the name (after the
brand) may be the product (``"Chocolate Sublime"``) or its flavour when the product word is
left out (``"Frugos Naranja"``), so :meth:`ParsedName.differing_variants` does not count it
as a difference.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pulso.ingest.sizes import PackSize, split_size

__all__ = [
    "FLAVOURS",
    "MODIFIERS",
    "BrandLexicon",
    "ParsedName",
    "abbreviated_words",
    "brand_key",
    "fold_accents",
    "normalize_name",
    "parse_name",
]

MODIFIERS = frozenset(
    {
        "zero", "light", "diet", "sin_azucar", "sin_lactosa", "deslactosada", "sin_gluten",
        "sin_sal", "sin_grasa", "premium", "integral", "descremada", "semidescremada", "con_gas",
        "extra_virgen", "organico", "kids", "reducido", "picante", "gold", "max", "plus",
        "ultra", "descafeinado", "negra", "trigo", "bitter", "con_leche", "con_sal",
        "doble_hoja", "triple_hoja", "anticaspa", "hidratacion", "rizos", "en_agua",
        "en_aceite", "griego", "mini", "extra", "superior", "anejo",
    }
)  # fmt: skip
FLAVOURS = frozenset(
    {
        "chocolate", "fresa", "vainilla", "lucuma", "durazno", "pina", "mango", "maracuya",
        "limon", "naranja", "manzana", "coco", "mora", "frutos_rojos", "uva", "menta", "cafe",
        "caramelo", "queso", "tocino", "pollo", "carne", "guanabana", "platano", "chicha",
        "cereza", "sandia", "melon", "papaya", "kiwi", "toronja", "mandarina", "arandano",
        "avena", "miel", "canela", "cola", "lima", "ajo", "cebolla", "almendras", "floral",
        "lavanda", "aloe", "bebe", "soda",
    }
)  # fmt: skip
DEFAULT_VARIANTS = frozenset({"original", "entera", "natural", "sin_gas"})
_SIZED_VARIANTS = ("talla_", "etapa_")

_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?<![a-z0-9_]){pattern}(?![a-z0-9_])"), token)
    for pattern, token in (
        (r"(?:sin|0\s*%?|cero)\s+azucar(?:es)?(?:\s+anadida)?", "sin_azucar"),
        (r"(?:sin|0\s*%?|libre\s+de)\s+lactosa|lactose\s+free", "sin_lactosa"),
        (r"deslactosad[ao]", "deslactosada"),
        (r"(?:sin|libre\s+de)\s+gluten|gluten\s+free", "sin_gluten"),
        (r"(?:sin|0\s*%?)\s+grasa", "sin_grasa"),
        (r"sin\s+sal", "sin_sal"),
        (r"sin\s+gas", "sin_gas"),
        (r"con\s+gas|gasificada", "con_gas"),
        (r"extra\s+virgen", "extra_virgen"),
        (r"frutos\s+rojos", "frutos_rojos"),
        (r"semi\s*-?\s*descremad[ao]|semidesc", "semidescremada"),
        (r"con\s+leche", "con_leche"),
        (r"con\s+sal", "con_sal"),
        (r"(doble|triple)\s+hoja", r"\1_hoja"),
        (r"en\s+(agua|aceite)", r"en_\1"),
        (r"talla\s+(rn|xxxg|xxg|xg|g|m|p|s|l|xl|xxl)", r"talla_\1"),
        (r"etapa\s+(\d)", r"etapa_\1"),
    )
)
_ABBREVIATIONS = {
    **dict.fromkeys(("lt", "lts", "ltr", "litro", "litros"), "l"),
    **dict.fromkeys(("gr", "grs", "gramo", "gramos"), "g"),
    **dict.fromkeys(("kilo", "kilos", "kgs"), "kg"),
    **dict.fromkeys(("unid", "unids", "und", "unds", "unidad", "unidades", "uds"), "un"),
    **dict.fromkeys(("yog", "yogur", "yoghurt", "yogourt", "yoghourt"), "yogurt"),
    **dict.fromkeys(("evap", "evaporado"), "evaporada"),
    **dict.fromkeys(("desc", "descrem", "descremado", "desnatada"), "descremada"),
    **dict.fromkeys(("lite", "ligth"), "light"),
    **dict.fromkeys(("clasica", "clasico", "tradicional", "regular", "orig"), "original"),
    **dict.fromkeys(("entero",), "entera"),
    **dict.fromkeys(("choc", "chocolatado", "chocolatada"), "chocolate"),
    **dict.fromkeys(("vainila", "vain"), "vainilla"),
    **dict.fromkeys(("frutilla",), "fresa"),
    **dict.fromkeys(("prem",), "premium"),
    **dict.fromkeys(("integ",), "integral"),
    **dict.fromkeys(("cero",), "zero"),
    **dict.fromkeys(("organica", "organicos", "organicas"), "organico"),
    **dict.fromkeys(("ninos", "nino", "infantil"), "kids"),
    **dict.fromkeys(("cerv",), "cerveza"),
    **dict.fromkeys(("inst", "instant"), "instantaneo"),
    **dict.fromkeys(("gaseos",), "gaseosa"),
}
NOISE_WORDS = frozenset(
    {
        "botella", "bolsa", "lata", "paquete", "paq", "pqt", "pack", "oferta", "caja",
        "frasco", "doypack", "sachet", "tetrapack", "tetrapak", "tetra", "pak", "pote",
        "envase", "display", "pet", "vidrio", "descartable", "retornable", "sobre", "tarro",
        "bidon", "galonera", "promo", "promocion", "precio", "especial", "nuevo", "nueva",
        "gratis", "sabor", "presentacion", "x", "de", "del", "la", "el", "los", "las", "en",
        "y", "con", "para", "a", "al", "un",
    }
)  # fmt: skip
_SLASH_WORDS = (
    (re.compile(r"(?<![a-z])s\s*/\s*"), "sin "),
    (re.compile(r"(?<![a-z])c\s*/\s*"), "con "),
)
_ABBREVIATED = re.compile(r"(?<![a-z0-9])([a-z]{2,})\.(?!\d)")
_DROPPED_MARKS = re.compile(r"['`´’]")
_SEPARATORS = re.compile(r"[^a-z0-9_%.]+|(?<!\d)\.|\.(?!\d)")
_NUMBER_TOKEN = re.compile(r"\d")
_FUZZY_MIN_LENGTH = 5
_FUZZY_CUTOFF = 85.0
_MAX_BRAND_WORDS = 4


def fold_accents(text: str) -> str:
    """Lower-case ``text`` and drop its accents (``"Azúcar Ñuñoa"`` -> ``"azucar nunoa"``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def brand_key(brand: str) -> str:
    """Return the comparison key of a brand: folded, lower-case, letters and digits only.

    ``"Inca Kola"``, ``"INCAKOLA"`` and ``"Inca-Kola"`` share the key ``"incakola"``.
    """
    return re.sub(r"[^a-z0-9]", "", fold_accents(brand))


class BrandLexicon:
    """Known brands, looked up exactly on joined name tokens or fuzzily (rapidfuzz ratio).

    ``brands`` are written as shops write them; each is keyed with :func:`brand_key`, and a
    lookup returns that key. A brand is also found by its name tokens joined (stop words
    dropped, as in names: ``"Grano de Oro"`` is found as ``grano oro``). Fuzzy lookups are
    cached, since names repeat their words.
    """

    __slots__ = ("_alias_keys", "_aliases", "_cache", "_keys")

    def __init__(self, brands: Iterable[str]) -> None:
        self._aliases: dict[str, str] = {}
        for brand in brands:
            key = brand_key(brand)
            if key:
                self._aliases.setdefault("".join(_tokens(fold_accents(brand))) or key, key)
                self._aliases.setdefault(key, key)
        self._keys = frozenset(self._aliases.values())
        self._alias_keys = sorted(self._aliases)
        self._cache: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def canonical(self, brand: str) -> str | None:
        """Return the key of a brand written in a ``brand`` field (fuzzy when not exact)."""
        key = brand_key(brand)
        if not key:
            return None
        return key if key in self._keys else (self._fuzzy(key) or key)

    def find(self, tokens: list[str]) -> tuple[str, int, int] | None:
        """Find a brand in name tokens: ``(key, first token, end token)``, longest first."""
        for width in range(min(_MAX_BRAND_WORDS, len(tokens)), 0, -1):
            for start in range(len(tokens) - width + 1):
                joined = "".join(tokens[start : start + width])
                if joined in self._aliases:
                    return self._aliases[joined], start, start + width
        for width in (2, 1):
            for start in range(len(tokens) - width + 1):
                fuzzy = self._fuzzy("".join(tokens[start : start + width]))
                if fuzzy is not None:
                    return fuzzy, start, start + width
        return None

    def _fuzzy(self, key: str) -> str | None:
        if len(key) < _FUZZY_MIN_LENGTH or _NUMBER_TOKEN.search(key) or not self._keys:
            return None
        if key not in self._cache:
            best = process.extractOne(
                key, self._alias_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
            )
            self._cache[key] = None if best is None else self._aliases[str(best[0])]
        return self._cache[key]


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A listing name taken apart.

    ``text`` is the normalised name without its size, the brand found in it written as its
    key (``"inca kola"`` and ``"incacola"`` both become ``"incakola"``); ``core`` is ``text``
    without the brand and variant words (the product type, e.g. ``"leche evaporada"``);
    ``variants`` holds the non-default modifier and flavour tokens; ``head_flavour`` is the
    flavour word that opens the name after the brand, which may be the product itself
    (``"Chocolate Sublime"``) or its flavour (``"Frugos Naranja"``); ``numbers`` holds the
    tokens with digits left in ``core`` (model numbers such as ``"7up"``).
    """

    text: str
    core: str
    brand: str | None
    variants: frozenset[str]
    head_flavour: str | None
    size: PackSize | None
    numbers: frozenset[str]

    @property
    def normalized(self) -> str:
        """The normalised name with its canonical size at the end."""
        return self.text if self.size is None else f"{self.text} {self.size}".strip()

    def differing_variants(self, other: ParsedName) -> frozenset[str]:
        """Variants one name has and the other lacks, except a flavour opening either name."""
        return (self.variants ^ other.variants) - {self.head_flavour, other.head_flavour}


def abbreviated_words(text: str) -> frozenset[str]:
    """Words written with a closing period (``"GALL. FIELD"`` -> ``{"gall"}``), folded, except
    the built-in abbreviations that :func:`parse_name` already expands."""
    found = _ABBREVIATED.findall(fold_accents(text))
    return frozenset(word for word in found if word not in _ABBREVIATIONS)


def normalize_name(text: str) -> str:
    """Return the comparable form of a listing name (see the module docstring)."""
    return parse_name(text).normalized


def parse_name(
    text: str,
    *,
    brands: BrandLexicon | None = None,
    brand: str | None = None,
    size: PackSize | None = None,
    expansions: Mapping[str, str] | None = None,
) -> ParsedName:
    """Take a listing name apart into text, brand, variants and size.

    ``brand`` (a ``brand`` field) wins over a brand found in the name, and ``size`` (a parsed
    ``size`` field) over the size written in the name. ``expansions`` maps abbreviated words
    to full ones (``{"gall": "galletas"}``) on top of the built-in abbreviations.
    """
    found_size, rest = split_size(text)
    tokens = _tokens(rest, expansions)
    brand_span = brands.find(tokens) if brands is not None else None
    if brand_span is not None:
        found, start, end = brand_span
        tokens = [*tokens[:start], found, *tokens[end:]]
        brand_position = start
    else:
        found, brand_position = None, -1
    others = [token for position, token in enumerate(tokens) if position != brand_position]
    variants = {token for token in others if _is_modifier(token) or token in FLAVOURS}
    head = others[0] if others else None
    core = [token for token in others if token not in variants and token not in DEFAULT_VARIANTS]
    return ParsedName(
        text=" ".join(tokens),
        core=" ".join(core),
        brand=_field_brand(brand, brands) or found,
        variants=frozenset(variants),
        head_flavour=head if head in FLAVOURS else None,
        size=size if size is not None else found_size,
        numbers=frozenset(token for token in core if _NUMBER_TOKEN.search(token)),
    )


def _is_modifier(token: str) -> bool:
    return token in MODIFIERS or token.startswith(_SIZED_VARIANTS)


def _field_brand(brand: str | None, brands: BrandLexicon | None) -> str | None:
    if not brand:
        return None
    return brands.canonical(brand) if brands is not None else (brand_key(brand) or None)


def _tokens(folded: str, expansions: Mapping[str, str] | None = None) -> list[str]:
    text = _DROPPED_MARKS.sub("", folded)
    for pattern, replacement in _SLASH_WORDS:
        text = pattern.sub(replacement, text)
    extra = expansions or {}
    text = " ".join(
        _ABBREVIATIONS.get(token) or extra.get(token, token)
        for token in _SEPARATORS.split(text)
        if token
    )
    for pattern, token in _PHRASES:
        text = pattern.sub(token, text)
    return [token for token in text.split() if token not in NOISE_WORDS and token.strip("%")]
