"""Listing-name normalisation: case, accents, abbreviations, noise, brand and variants."""

from __future__ import annotations

import pytest

from pulso.ingest.sizes import PackSize
from pulso.pricing.names import (
    BrandLexicon,
    abbreviated_words,
    brand_key,
    fold_accents,
    normalize_name,
    parse_name,
)

BRANDS = BrandLexicon(
    ["Inca Kola", "Gloria", "Pilsen Callao", "Coca-Cola", "Laive", "Sublime", "Cusqueña",
     "Grano de Oro", "Oro", "Frugos", "La Ibérica"]
)  # fmt: skip


@pytest.mark.parametrize(
    "name",
    ["Gaseosa INCA KOLA Botella 1.5L", "gaseosa inca kola 1,5 lt", "GASEOSA INCA KOLA 1500 ML",
     "Gaseosa Inca Kola Oferta 1.5 litros"],
)  # fmt: skip
def test_normalize_name_unifies_the_writings_of_one_product(name):
    assert normalize_name(name) == "gaseosa inca kola 1500 ml"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Azúcar Rubia CARTAVIO Bolsa 1 kilo", "azucar rubia cartavio 1000 g"),
        ("Leche GLORIA evap. Light Lata 400 gr", "leche gloria evaporada light 400 g"),
        ("Coca-Cola s/azúcar 500ml", "coca cola sin_azucar 500 ml"),
        ("Agua San Mateo c/gas 600ml", "agua san mateo con_gas 600 ml"),
        ("Yogur Laive deslactosado Fresa 1kg", "yogurt laive deslactosada fresa 1000 g"),
        ("Leche Laive 0% lactosa 1 L", "leche laive sin_lactosa 1000 ml"),
        ("Leche Gloria semi-descremada 1L", "leche gloria semidescremada 1000 ml"),
        ("Cerveza Pilsen Callao six pack 355ml", "cerveza pilsen callao 6 x 355 ml"),
        ("Pañales Huggies Talla XG paquete 52 unid", "panales huggies talla_xg 52 un"),
        ("Galletas Casino Clásicas", "galletas casino clasicas"),
    ],
)
def test_normalize_name(name, expected):
    assert normalize_name(name) == expected


def test_fold_accents():
    assert fold_accents("Azúcar Ñuñoa CAFÉ") == "azucar nunoa cafe"


@pytest.mark.parametrize("brand", ["Inca Kola", "INCAKOLA", "Inca-Kola", "inca kola "])
def test_brand_key_ignores_case_spaces_and_marks(brand):
    assert brand_key(brand) == "incakola"


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        ("Gaseosa INCA KOLA 1.5L", "incakola"),
        ("Gaseosa IncaKola 500 ml", "incakola"),
        ("Gaseosa Inca Cola 500 ml", "incakola"),  # fuzzy
        ("Cerveza Cuzqueña Trigo 310ml", "cusquena"),  # fuzzy
        ("Avena Grano de Oro 900 g", "granodeoro"),  # longest brand, stop word inside
        ("Gaseosa Oro 3 L", "oro"),
        ("Chocolate La Iberica Bitter 90 g", "laiberica"),
        ("Detergente Sin Marca 1 kg", None),
    ],
)
def test_parse_name_finds_the_brand(name, brand):
    assert parse_name(name, brands=BRANDS).brand == brand


def test_brand_field_wins_over_the_name():
    parsed = parse_name("Leche Evaporada 400 g", brands=BRANDS, brand="GLORIA")
    assert parsed.brand == "gloria"


def test_size_field_wins_over_the_name():
    parsed = parse_name("Leche Gloria 400 g", size=PackSize(170.0, "g"))
    assert parsed.size == PackSize(170.0, "g")


@pytest.mark.parametrize(
    ("name", "variants"),
    [
        ("Leche Gloria Evaporada Entera 400g", set()),
        ("Leche Gloria Evaporada Light 400 g", {"light"}),
        ("Inca Kola Zero 500 ml", {"zero"}),
        ("Coca-Cola Sin Azúcar 500 ml", {"sin_azucar"}),
        ("Yogurt Gloria Premium Vainilla 1 kg", {"premium", "vainilla"}),
        ("Pan Integral Bimbo", {"integral"}),
        ("Leche Laive Descremada sin lactosa 1 L", {"descremada", "sin_lactosa"}),
        ("Galletas Field Chocolate", {"chocolate"}),
        ("Gaseosa Coca-Cola Original 1 L", set()),  # the default variant is left out
        ("Agua Cielo sin gas 625 ml", set()),
    ],
)
def test_parse_name_extracts_variants(name, variants):
    assert parse_name(name, brands=BRANDS).variants == variants


def test_core_holds_the_product_words_only():
    parsed = parse_name("Leche GLORIA Evaporada Light Lata 400g", brands=BRANDS)
    assert parsed.core == "leche evaporada"
    assert parsed.text == "leche gloria evaporada light"


def test_a_flavour_opening_the_name_is_not_a_difference():
    bar = parse_name("Chocolate Sublime Clásico 30 g", brands=BRANDS)
    same_bar = parse_name("Sublime 30 g", brands=BRANDS)
    juice = parse_name("Frugos Naranja 1 L", brands=BRANDS)
    same_juice = parse_name("Néctar Frugos Naranja 1 L", brands=BRANDS)
    other_juice = parse_name("Néctar Frugos Durazno 1 L", brands=BRANDS)
    assert bar.differing_variants(same_bar) == frozenset()
    assert juice.differing_variants(same_juice) == frozenset()
    assert juice.differing_variants(other_juice) == {"durazno"}


def test_light_and_entera_differ():
    entera = parse_name("Leche Gloria Evaporada Entera 400g", brands=BRANDS)
    light = parse_name("Leche Gloria Evaporada Light 400 g", brands=BRANDS)
    assert entera.differing_variants(light) == {"light"}


def test_numbers_left_in_the_name_are_kept():
    assert parse_name("Gaseosa 7up 500 ml").numbers == {"7up"}


def test_abbreviated_words_are_found_but_not_decimals_or_known_ones():
    found = abbreviated_words("GALL. FIELD CHOC. Leche Evap. 1.5 L")
    assert found == {"gall"}


def test_expansions_apply_before_variants_are_read():
    parsed = parse_name("Yogurt LAIVE Beb. S/Azúcar 1 kg", brands=BRANDS,
                        expansions={"beb": "bebible"})  # fmt: skip
    assert parsed.text == "yogurt laive bebible sin_azucar"
    assert parsed.variants == {"sin_azucar"}
