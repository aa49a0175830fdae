"""Pack sizes as Peruvian retailers write them."""

from __future__ import annotations

import pytest

from pulso.ingest.sizes import PackSize, find_size_in_name, parse_size, split_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5L", PackSize(1500.0, "ml")),
        ("1,5 lt", PackSize(1500.0, "ml")),
        ("1500 ml", PackSize(1500.0, "ml")),
        ("1.5 litros", PackSize(1500.0, "ml")),
        ("1 litro", PackSize(1000.0, "ml")),
        ("2.25 Lts", PackSize(2250.0, "ml")),
        ("1.500 ml", PackSize(1500.0, "ml")),
        ("75 cl", PackSize(750.0, "ml")),
        ("250 cc", PackSize(250.0, "ml")),
        ("400 g", PackSize(400.0, "g")),
        ("400gr", PackSize(400.0, "g")),
        ("400 GRS", PackSize(400.0, "g")),
        ("0.4 kg", PackSize(400.0, "g")),
        ("0,4 Kg", PackSize(400.0, "g")),
        ("1 kilo", PackSize(1000.0, "g")),
        ("5 kilos", PackSize(5000.0, "g")),
        ("1.500 kg", PackSize(1500.0, "g")),
        ("500 mg", PackSize(0.5, "g")),
        ("x6", PackSize(6.0, "un")),
        ("six pack", PackSize(6.0, "un")),
        ("paquete 6un", PackSize(6.0, "un")),
        ("pack 6 unid", PackSize(6.0, "un")),
        ("12 un", PackSize(12.0, "un")),
        ("15 unidades", PackSize(15.0, "un")),
        ("docena", PackSize(12.0, "un")),
        ("media docena", PackSize(6.0, "un")),
        ("2 docenas", PackSize(24.0, "un")),
        ("8un Paquete 4un", PackSize(8.0, "un", 4)),
        ("8UN X 4UN", PackSize(8.0, "un", 4)),
        ("paquete 4 un 8 un", PackSize(8.0, "un", 4)),
        ("Pack 4 Unid. 8 Unid.", PackSize(8.0, "un", 4)),
        ("4X8UN", PackSize(8.0, "un", 4)),
        ("PACK X 4 8 UN", PackSize(8.0, "un", 4)),
        ("SIX PACK 8 UND", PackSize(8.0, "un", 6)),
        ("6 x 355 ml", PackSize(355.0, "ml", 6)),
        ("6 × 355 ml", PackSize(355.0, "ml", 6)),
        ("355ml x6", PackSize(355.0, "ml", 6)),
        ("355mlx6", PackSize(355.0, "ml", 6)),
        ("six pack 355 ml", PackSize(355.0, "ml", 6)),
        ("pack x 3 1 L", PackSize(1000.0, "ml", 3)),
        ("6 un x 34 g", PackSize(34.0, "g", 6)),
        ("12 x 1 kg", PackSize(1000.0, "g", 12)),
    ],
)
def test_parse_size_reads_every_spelling(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "Inca Kola", "sin talla", "400", "7up", "A-1"])
def test_parse_size_returns_none_without_a_size(text):
    assert parse_size(text) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Gaseosa INCA KOLA Botella 1.5L", PackSize(1500.0, "ml")),
        ("Inca Kola 1,5 lt", PackSize(1500.0, "ml")),
        ("GASEOSA INCA KOLA 1500 ML", PackSize(1500.0, "ml")),
        ("Leche Gloria Evaporada Entera 400g", PackSize(400.0, "g")),
        ("Cerveza Pilsen Callao six pack 355ml", PackSize(355.0, "ml", 6)),
        ("Pilsen Callao lata 355 ml x6", PackSize(355.0, "ml", 6)),
        ("Azúcar Rubia Bolsa x 1 kg", PackSize(1000.0, "g")),
        ("Huevos Pardos La Calera x 15", PackSize(15.0, "un")),
        ("Té LIPTON Canela 25un Paquete 2un", PackSize(25.0, "un", 2)),
        ("Cerveza Tres Cruces paquete 12 un 620 ml", PackSize(620.0, "ml", 12)),
        ("Galletas Casino Menta 6 x 43 gr", PackSize(43.0, "g", 6)),
        ("Gaseosa 7up 500ml", PackSize(500.0, "ml")),
        ("Coca-Cola 2.25 Lt Pack x 2", PackSize(2250.0, "ml", 2)),
    ],
)
def test_find_size_in_name(name, expected):
    assert find_size_in_name(name) == expected


def test_split_size_removes_the_size_words():
    size, rest = split_size("Cerveza Pilsen Callao six pack 355ml")
    assert size == PackSize(355.0, "ml", 6)
    assert rest.split() == ["cerveza", "pilsen", "callao"]


def test_equal_spellings_give_equal_sizes():
    spellings = ["1.5L", "1,5 lt", "1500 ml", "1.5 litros", "1500ML"]
    assert len({parse_size(text) for text in spellings}) == 1


def test_total_multiplies_the_pack():
    assert PackSize(355.0, "ml", 6).total == pytest.approx(2130.0)
    assert PackSize(8.0, "un", 4).total == pytest.approx(32.0)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (PackSize(1500.0, "ml"), "1500 ml"),
        (PackSize(355.0, "ml", 6), "6 x 355 ml"),
        (PackSize(12.0, "un"), "12 un"),
        (PackSize(8.0, "un", 4), "4 x 8 un"),
        (PackSize(0.5, "g"), "0.5 g"),
    ],
)
def test_str_is_canonical_and_parses_back(size, text):
    assert str(size) == text
    assert parse_size(text) == size


def test_pack_size_is_frozen():
    size = PackSize(400.0, "g")
    with pytest.raises(AttributeError):
        size.quantity = 170.0  # type: ignore[misc]
