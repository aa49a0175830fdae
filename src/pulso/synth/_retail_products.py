"""Catalogue data for the retail demo: real Peruvian brands, product lines, variants and sizes.

A product is one combination of a :class:`ProductLine` with one of its variants, one of its
flavours and one of its sizes ("Gaseosa INCA KOLA Zero Botella 1.5L"). Lines are written the way
Plaza Vea (our banner) writes them; other retailers rewrite the names in :mod:`pulso.synth.retail`.
Prices are rough 2026 shelf prices in soles for the first size of the base variant.

The product lines are one table, a row per line: ``category | kind | brand | line | container |
price | variants | flavours | sizes``; lists are ``;``-separated and ``-`` is the plain variant
(no variant word in the name).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CATEGORY_PROFILES",
    "FLAVOUR_PRICE_FACTORS",
    "PACK_COUNTS",
    "PACK_TOTAL_CAPS",
    "PRODUCT_LINES",
    "VARIANT_PRICE_FACTORS",
    "CategoryProfile",
    "ProductLine",
]


@dataclass(frozen=True, slots=True)
class ProductLine:
    """A brand's product line; every variant x flavour x size is one product."""

    category: str
    kind: str
    brand: str
    price_pen: float
    sizes: tuple[str, ...]
    line: str = ""
    container: str = ""
    variants: tuple[str, ...] = ("",)
    flavours: tuple[str, ...] = ("",)


@dataclass(frozen=True, slots=True)
class CategoryProfile:
    """How a category behaves: demand elasticity, yearly cost drift and its seasonal events."""

    elasticity: float
    inflation_ratio: float
    demand_units: float
    events: tuple[str, ...]


CATEGORY_PROFILES: dict[str, CategoryProfile] = {
    "Lácteos": CategoryProfile(-1.2, 0.045, 30.0, ("escolar",)),
    "Abarrotes": CategoryProfile(-0.8, 0.055, 35.0, ("fiestas_patrias",)),
    "Bebidas": CategoryProfile(-1.6, 0.035, 28.0, ("fiestas_patrias", "navidad")),
    "Cervezas": CategoryProfile(-1.8, 0.04, 22.0, ("fiestas_patrias", "navidad")),
    "Galletas": CategoryProfile(-1.5, 0.03, 26.0, ("escolar",)),
    "Limpieza": CategoryProfile(-1.1, 0.035, 14.0, ("madre",)),
    "Embutidos": CategoryProfile(-1.3, 0.05, 12.0, ("fiestas_patrias", "navidad")),
    "Carnes y aves": CategoryProfile(-1.0, 0.06, 18.0, ("madre", "fiestas_patrias", "navidad")),
    "Panadería": CategoryProfile(-1.2, 0.04, 16.0, ("navidad",)),
    "Desayuno": CategoryProfile(-1.3, 0.05, 12.0, ("escolar", "madre", "navidad")),
}

# Every single-unit size is also sold in these multipacks while the pack stays below the cap
# (in g, ml or units), unless the line already lists that pack.
PACK_COUNTS: tuple[int, ...] = (2, 3, 4, 6, 12, 24)
PACK_TOTAL_CAPS: dict[str, float] = {"g": 12_000.0, "ml": 12_000.0, "un": 60.0}

VARIANT_PRICE_FACTORS: dict[str, float] = {
    "Light": 1.04,
    "Sin Lactosa": 1.12,
    "Deslactosada": 1.1,
    "Premium": 1.18,
    "Griego": 1.3,
    "Integral": 1.08,
    "Orgánico": 1.35,
    "Niños": 1.06,
    "Super Calcio": 1.08,
    "Semidescremada": 1.02,
    "Descafeinado": 1.15,
    "Gold": 1.45,
    "Fina Selección": 1.2,
    "Pechuga": 1.35,
    "Filete de Pechuga": 1.8,
    "Pierna": 0.95,
    "Alas": 0.9,
    "Menudencia": 0.55,
    "Entero": 1.0,
    "Omega 3": 1.25,
    "de Corral": 1.4,
    "Mozzarella": 1.15,
    "Edam": 1.1,
    "Andino": 0.95,
    "Serrano": 2.2,
    "Inglés": 1.1,
    "de Pavo": 1.25,
    "Negra": 1.06,
    "Trigo": 1.1,
    "Roja": 1.06,
    "Con Quinua": 1.12,
    "Multicereal": 1.12,
    "Sin Corteza": 1.08,
    "Doble Hoja": 1.0,
    "Ultra": 1.15,
    "Megarrollo": 1.3,
    "Gourmet": 1.3,
    "Con Gas": 1.05,
}

FLAVOUR_PRICE_FACTORS: dict[str, float] = {
    "Lúcuma": 1.04,
    "Guanábana": 1.04,
    "Arándano": 1.1,
    "Almendras": 1.12,
    "Maca": 1.05,
}

_TABLE = """
Lácteos       | Leche Evaporada      | Gloria         |            | Lata    | 4.20  | Entera; Light; Sin Lactosa; Niños; Super Calcio |  | 400 g; 170 g; 6 x 400 g; 24 x 400 g; 6 x 170 g
Lácteos       | Leche Evaporada      | Ideal          |            | Lata    | 3.90  | Entera; Light; Sin Lactosa |  | 400 g; 170 g; 6 x 400 g; 24 x 400 g; 6 x 170 g
Lácteos       | Leche Evaporada      | Laive          |            | Lata    | 3.90  | Entera; Light; Sin Lactosa; Super Calcio |  | 400 g; 170 g; 6 x 400 g; 24 x 400 g; 6 x 170 g
Lácteos       | Leche Evaporada      | Bonlé          |            | Lata    | 3.60  | Entera; Light |  | 400 g; 6 x 400 g; 24 x 400 g
Lácteos       | Mezcla Láctea        | Pura Vida      | Nutrimax   | Lata    | 3.40  | -; Light; Niños |  | 400 g; 170 g; 6 x 400 g
Lácteos       | Leche UHT            | Gloria         |            | Caja    | 5.20  | Entera; Light; Sin Lactosa; Deslactosada; Niños |  | 1 L; 946 ml; 6 x 1 L; 12 x 1 L
Lácteos       | Leche UHT            | Laive          |            | Caja    | 5.00  | Entera; Semidescremada; Sin Lactosa |  | 1 L; 946 ml; 6 x 1 L
Lácteos       | Leche Fresca         | Laive          |            | Bolsa   | 4.90  | Entera; Semidescremada; Sin Lactosa |  | 946 ml; 6 x 946 ml
Lácteos       | Yogurt               | Gloria         | Bebible    | Botella | 6.90  | -; Light; Sin Lactosa | Fresa; Durazno; Vainilla; Lúcuma; Guanábana; Piña; Mango | 1 kg; 500 g; 180 g; 1.7 kg; 6 x 180 g
Lácteos       | Yogurt               | Laive          | Bebible    | Botella | 6.50  | -; Light; Sin Lactosa | Fresa; Durazno; Vainilla; Lúcuma; Guanábana | 1 kg; 180 g; 1.7 kg; 6 x 180 g
Lácteos       | Yogurt               | Gloria         | Griego     | Pote    | 8.90  | -; Light | Natural; Fresa; Arándano; Miel | 500 g; 130 g; 4 x 130 g
Lácteos       | Queso                | Bonlé          |            |         | 9.90  | Edam; Mozzarella; Fresco; Andino; Paria |  | 200 g; 400 g; 1 kg
Lácteos       | Queso                | Laive          |            |         | 8.90  | Edam; Mozzarella; Fresco; Cabana |  | 180 g; 250 g; 500 g
Lácteos       | Mantequilla          | Laive          |            |         | 8.50  | Con Sal; Sin Sal |  | 200 g; 100 g; 400 g
Lácteos       | Mantequilla          | Gloria         |            |         | 8.20  | Con Sal; Sin Sal |  | 200 g; 90 g; 390 g
Lácteos       | Manjar Blanco        | Gloria         |            | Pote    | 8.50  |  |  | 500 g; 200 g; 1 kg
Lácteos       | Leche Condensada     | Nestlé         | La Lechera | Lata    | 5.90  |  |  | 393 g; 100 g; 6 x 393 g
Lácteos       | Crema de Leche       | Gloria         |            | Caja    | 4.50  | -; Light |  | 200 ml; 1 L
Lácteos       | Yogurt               | Gloria         | Batido     | Pote    | 3.90  | -; Light; Con Cereal | Fresa; Durazno; Vainilla; Lúcuma; Guanábana; Piña; Mango | 500 g; 1 kg; 180 g
Lácteos       | Yogurt               | Yoleit         | Bebible    | Botella | 5.50  |  | Fresa; Durazno; Vainilla; Piña | 1 kg; 180 g; 1.7 kg
Lácteos       | Leche Chocolatada    | Gloria         |            | Caja    | 1.50  | -; Light |  | 180 ml; 1 L
Lácteos       | Queso Crema          | Philadelphia   |            | Pote    | 9.90  | Original; Light; Finas Hierbas |  | 180 g; 390 g
Lácteos       | Leche Evaporada      | Pura Vida      | Nutrimax   | Tarro   | 3.30  | Entera; Light |  | 400 g; 170 g
Abarrotes     | Arroz                | Costeño        |            | Bolsa   | 4.90  | Extra; Superior; Graneadito; Integral |  | 1 kg; 750 g; 2 kg; 5 kg; 10 kg; 50 kg
Abarrotes     | Arroz                | Paisana        |            | Bolsa   | 4.60  | Extra; Superior; Añejo |  | 1 kg; 750 g; 2 kg; 5 kg; 10 kg; 50 kg
Abarrotes     | Arroz                | Faraón         |            | Bolsa   | 4.40  | Extra; Amarillo; Naranja |  | 1 kg; 5 kg; 10 kg
Abarrotes     | Arroz                | Valle Norte    |            | Bolsa   | 3.80  | Extra; Superior |  | 750 g; 1 kg; 5 kg
Abarrotes     | Azúcar               | Cartavio       |            | Bolsa   | 4.20  | Rubia; Blanca |  | 1 kg; 2 kg; 5 kg; 50 kg
Abarrotes     | Azúcar               | Dulfina        |            | Bolsa   | 4.30  | Rubia; Blanca |  | 1 kg; 5 kg
Abarrotes     | Azúcar               | Costeño        |            | Bolsa   | 4.10  | Rubia; Blanca |  | 1 kg; 2 kg; 5 kg
Abarrotes     | Aceite Vegetal       | Primor         |            | Botella | 10.90 | Clásico; Premium; Corazón |  | 900 ml; 1 L; 200 ml; 5 L; 6 x 900 ml; 12 x 1 L
Abarrotes     | Aceite Vegetal       | Cocinero       |            | Botella | 9.90  |  |  | 900 ml; 1 L; 200 ml; 5 L; 6 x 900 ml; 12 x 1 L
Abarrotes     | Aceite Vegetal       | Capri          |            | Botella | 10.50 |  |  | 900 ml; 5 L; 12 x 1 L
Abarrotes     | Aceite Vegetal       | Sao            |            | Botella | 9.50  | -; Light |  | 900 ml; 1 L; 5 L
Abarrotes     | Fideos               | Don Vittorio   |            | Bolsa   | 3.40  | Spaghetti; Tallarín; Canuto; Codo; Tornillo; Corbata; Cabello de Ángel; Fettuccine |  | 450 g; 950 g; 250 g; 5 kg
Abarrotes     | Fideos               | Molitalia      |            | Bolsa   | 3.20  | Spaghetti; Tallarín; Canuto; Codo; Tornillo; Corbata; Cabello de Ángel |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Fideos               | Lavaggi        |            | Bolsa   | 2.90  | Spaghetti; Tallarín; Canuto; Tornillo |  | 500 g; 1 kg
Abarrotes     | Fideos               | Nicolini       |            | Bolsa   | 3.10  | Spaghetti; Tallarín; Canuto; Tornillo; Corbata |  | 500 g; 1 kg
Abarrotes     | Filete de Atún       | Florida        |            | Lata    | 6.50  | En Aceite; En Agua; Light |  | 140 g; 170 g; 3 x 140 g; 6 x 170 g
Abarrotes     | Trozos de Atún       | Campomar       |            | Lata    | 4.50  | En Aceite; En Agua |  | 170 g; 3 x 170 g
Abarrotes     | Filete de Atún       | A-1            |            | Lata    | 5.90  | En Aceite; En Agua |  | 140 g; 170 g; 3 x 140 g
Abarrotes     | Mayonesa             | Alacena        |            | Doypack | 2.30  | -; Light |  | 100 g; 190 g; 475 g; 950 g; 3.8 kg
Abarrotes     | Ketchup              | Alacena        |            | Doypack | 2.10  |  |  | 100 g; 500 g; 1 kg
Abarrotes     | Crema de Ají         | Alacena        | Uchucuta   | Doypack | 2.50  |  |  | 85 g; 400 g
Abarrotes     | Crema de Ají         | Alacena        | Tarí       | Doypack | 2.50  |  |  | 85 g; 400 g
Abarrotes     | Harina               | Blanca Flor    |            | Bolsa   | 5.50  | Preparada; Sin Preparar |  | 1 kg; 500 g; 5 kg
Abarrotes     | Sal de Mesa          | Emsal          |            | Bolsa   | 1.50  | Yodada; Parrillera |  | 1 kg; 500 g
Abarrotes     | Sillao               | Kikko          |            | Botella | 3.50  |  |  | 160 ml; 500 ml; 1 L
Abarrotes     | Vinagre              | Venturo        |            | Botella | 2.90  | Tinto; Blanco |  | 500 ml; 1 L
Abarrotes     | Caldo                | Maggi          |            |         | 1.50  | de Gallina; de Carne |  | 8 un; 24 un
Abarrotes     | Sazonador            | Sibarita       |            |         | 0.80  | Comino; Pimienta; Ajo; Palillo; Orégano; Ají Panca |  | 31 g; 6 x 31 g
Abarrotes     | Salsa Roja           | Don Vittorio   |            | Doypack | 3.90  | Clásica; Con Champiñones; Boloñesa; Napolitana |  | 200 g; 400 g
Abarrotes     | Mostaza              | Alacena        |            | Doypack | 1.90  |  |  | 100 g; 500 g
Abarrotes     | Quinua               | Costeño        |            | Bolsa   | 7.90  | Blanca; Roja; Negra |  | 500 g; 1 kg; 250 g
Abarrotes     | Gelatina             | Universal      |            | Bolsa   | 2.20  |  | Fresa; Piña; Naranja; Limón; Cereza; Uva | 150 g; 180 g
Abarrotes     | Mazamorra Morada     | Universal      |            | Bolsa   | 3.20  |  |  | 150 g; 300 g
Abarrotes     | Harina               | Nicolini       |            | Bolsa   | 5.20  | Preparada; Sin Preparar |  | 1 kg; 5 kg
Abarrotes     | Filete de Caballa    | Florida        |            | Lata    | 5.50  | En Aceite; En Salsa de Tomate |  | 170 g; 425 g
Abarrotes     | Lenteja Bebé         | Costeño        |            | Bolsa   | 4.90  |  |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Lenteja Bebé         | Paisana        |            | Bolsa   | 4.66  |  |  | 500 g; 1 kg
Abarrotes     | Frejol Canario       | Costeño        |            | Bolsa   | 6.90  |  |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Frejol Canario       | Paisana        |            | Bolsa   | 6.55  |  |  | 500 g; 1 kg
Abarrotes     | Pallar Bebé          | Costeño        |            | Bolsa   | 7.50  |  |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Pallar Bebé          | Paisana        |            | Bolsa   | 7.12  |  |  | 500 g; 1 kg
Abarrotes     | Garbanzo             | Costeño        |            | Bolsa   | 5.90  |  |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Garbanzo             | Paisana        |            | Bolsa   | 5.61  |  |  | 500 g; 1 kg
Abarrotes     | Arveja Partida       | Costeño        |            | Bolsa   | 3.90  |  |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Arveja Partida       | Paisana        |            | Bolsa   | 3.70  |  |  | 500 g; 1 kg
Abarrotes     | Frejol Panamito      | Costeño        |            | Bolsa   | 6.50  |  |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Frejol Panamito      | Paisana        |            | Bolsa   | 6.17  |  |  | 500 g; 1 kg
Abarrotes     | Frejol Castilla      | Costeño        |            | Bolsa   | 5.50  |  |  | 500 g; 1 kg; 250 g; 5 kg
Abarrotes     | Frejol Castilla      | Paisana        |            | Bolsa   | 5.22  |  |  | 500 g; 1 kg
Bebidas       | Gaseosa              | Inca Kola      |            | Botella | 2.50  | -; Zero; Sin Azúcar |  | 500 ml; 600 ml; 1 L; 1.5 L; 2.25 L; 3 L; 6 x 500 ml; 6 x 1.5 L; 12 x 296 ml
Bebidas       | Gaseosa              | Coca-Cola      |            | Botella | 2.50  | -; Sin Azúcar; Light |  | 500 ml; 600 ml; 1 L; 1.5 L; 2.25 L; 3 L; 6 x 500 ml; 6 x 1.5 L; 12 x 296 ml
Bebidas       | Gaseosa              | Sprite         |            | Botella | 2.30  | -; Zero |  | 500 ml; 600 ml; 1 L; 1.5 L; 2.25 L; 3 L; 6 x 500 ml; 6 x 1.5 L; 12 x 296 ml
Bebidas       | Gaseosa              | Fanta          |            | Botella | 2.30  |  | Naranja; Piña; Fresa | 500 ml; 1.5 L; 3 L; 6 x 500 ml
Bebidas       | Gaseosa              | Pepsi          |            | Botella | 2.20  | -; Black |  | 500 ml; 1.5 L; 3 L; 6 x 500 ml
Bebidas       | Gaseosa              | Guaraná        | Backus     | Botella | 2.20  |  |  | 500 ml; 1 L; 3 L
Bebidas       | Gaseosa              | Concordia      |            | Botella | 1.80  |  | Naranja; Piña; Fresa; Limón | 500 ml; 1.5 L; 3 L
Bebidas       | Gaseosa              | Big Cola       |            | Botella | 1.50  |  |  | 400 ml; 1.1 L; 3 L; 3.3 L
Bebidas       | Agua Mineral         | San Luis       |            | Botella | 1.50  | Sin Gas; Con Gas |  | 625 ml; 1 L; 2.5 L; 7 L; 20 L; 6 x 625 ml; 15 x 625 ml
Bebidas       | Agua Mineral         | Cielo          |            | Botella | 1.20  | Sin Gas; Con Gas |  | 625 ml; 1 L; 2.5 L; 7 L; 20 L; 6 x 625 ml; 15 x 625 ml
Bebidas       | Agua Mineral         | San Mateo      |            | Botella | 1.60  | Sin Gas; Con Gas |  | 600 ml; 1.5 L; 2.5 L; 6 x 600 ml
Bebidas       | Néctar               | Frugos         |            | Caja    | 4.90  | -; Light | Durazno; Naranja; Mango; Manzana; Pera; Piña | 1 L; 235 ml; 1.5 L; 6 x 235 ml
Bebidas       | Bebida de Fruta      | Pulp           |            | Botella | 1.20  |  | Durazno; Mango; Manzana | 315 ml; 1 L; 6 x 315 ml
Bebidas       | Bebida               | Cifrut         |            | Botella | 1.50  |  | Naranja; Granadilla; Fresa; Citrus Punch | 500 ml; 1.5 L; 3 L
Bebidas       | Bebida Energizante   | Volt           |            | Botella | 1.80  |  | Original; Ginseng; Maca; Açaí | 300 ml; 473 ml; 6 x 300 ml
Bebidas       | Bebida Rehidratante  | Sporade        |            | Botella | 2.20  |  | Tropical; Mandarina; Uva; Blueberry | 500 ml; 1 L; 6 x 500 ml
Bebidas       | Bebida Rehidratante  | Gatorade       |            | Botella | 3.20  |  | Tropical; Mandarina; Maracuyá; Blue | 500 ml; 750 ml; 1 L; 6 x 500 ml
Bebidas       | Té Helado            | Lipton         |            | Botella | 2.50  | -; Zero | Limón; Durazno | 500 ml; 1.5 L
Bebidas       | Gaseosa              | Kola Real      |            | Botella | 1.50  |  | Negra; Roja; Amarilla; Naranja | 500 ml; 600 ml; 1 L; 1.5 L; 2.25 L; 3 L; 6 x 500 ml; 6 x 1.5 L; 12 x 296 ml
Bebidas       | Gaseosa              | Oro            |            | Botella | 1.40  |  |  | 500 ml; 1.5 L; 3 L
Bebidas       | Bebida Energizante   | Red Bull       |            | Lata    | 6.90  | -; Sugarfree |  | 250 ml; 355 ml; 4 x 250 ml
Bebidas       | Néctar               | Gloria         |            | Caja    | 3.90  |  | Durazno; Mango; Manzana; Naranja | 1 L; 200 ml; 6 x 200 ml
Bebidas       | Agua Mineral         | Socosani       |            | Botella | 2.20  | Con Gas |  | 600 ml; 1.5 L
Bebidas       | Té                   | Lipton         |            |         | 3.50  | Negro; Verde; Canela |  | 25 un; 100 un
Cervezas      | Cerveza              | Pilsen Callao  |            | Lata    | 3.90  |  |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Pilsen Callao  |            | Botella | 3.70  |  |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Cristal        |            | Lata    | 3.70  |  |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Cristal        |            | Botella | 3.52  |  |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Cusqueña       |            | Lata    | 4.50  | Dorada; Negra; Trigo; Roja |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Cusqueña       |            | Botella | 4.27  | Dorada; Negra; Trigo; Roja |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Arequipeña     |            | Lata    | 3.60  |  |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Arequipeña     |            | Botella | 3.42  |  |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Corona         |            | Lata    | 6.50  | Extra |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Corona         |            | Botella | 6.17  | Extra |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Heineken       |            | Lata    | 5.50  |  |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Heineken       |            | Botella | 5.22  |  |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Backus Ice     |            | Lata    | 3.50  |  |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Backus Ice     |            | Botella | 3.32  |  |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Tres Cruces    |            | Lata    | 3.20  |  |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Tres Cruces    |            | Botella | 3.04  |  |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Cervezas      | Cerveza              | Stella Artois  |            | Lata    | 6.20  |  |  | 355 ml; 473 ml; 6 x 355 ml; 12 x 355 ml; 24 x 355 ml; 6 x 473 ml
Cervezas      | Cerveza              | Stella Artois  |            | Botella | 5.89  |  |  | 305 ml; 620 ml; 1 L; 6 x 305 ml; 12 x 620 ml
Galletas      | Galletas             | Field          | Soda       |         | 0.80  | -; Integral; Mantequilla |  | 34 g; 6 x 34 g; 12 x 34 g; 180 g
Galletas      | Galletas             | Field          | Vainilla   |         | 0.90  |  |  | 34 g; 6 x 34 g; 12 x 34 g; 180 g
Galletas      | Galletas             | Field          | Animalitos |         | 0.90  |  |  | 34 g; 6 x 34 g; 12 x 34 g; 180 g
Galletas      | Galletas             | Field          | Tentación  |         | 1.00  |  | Chocolate; Coco; Naranja; Limón | 46 g; 6 x 46 g; 12 x 46 g
Galletas      | Galletas             | Field          | Chomp      |         | 1.10  |  | Chocolate; Fresa; Vainilla | 36 g; 6 x 36 g
Galletas      | Galletas             | Victoria       | Soda V     |         | 0.80  | -; Integral |  | 34 g; 6 x 34 g; 12 x 34 g; 180 g
Galletas      | Galletas             | Casino         |            |         | 0.90  |  | Menta; Coco; Fresa; Chocolate; Lúcuma; Alfajor | 43 g; 6 x 43 g; 12 x 43 g
Galletas      | Galletas             | Oreo           |            |         | 1.00  | -; Golden | Original; Fresa; Chocolate | 36 g; 6 x 36 g; 12 x 36 g; 432 g
Galletas      | Galletas             | Ritz           |            |         | 1.00  | -; Queso |  | 34 g; 8 x 34 g; 100 g
Galletas      | Galletas             | Club Social    |            |         | 0.90  | Original; Integral; Queso |  | 26 g; 6 x 26 g; 9 x 26 g
Galletas      | Galletas             | Morochas       |            |         | 1.20  | -; Wafer |  | 41 g; 6 x 41 g; 12 x 41 g
Galletas      | Chocolate            | Sublime        |            |         | 1.90  | Clásico; Almendras; Extremo; Blanco |  | 30 g; 6 x 30 g; 72 g
Galletas      | Galletas             | Glacitas       |            |         | 1.10  |  | Coco; Fresa; Chocolate | 46 g; 6 x 46 g
Galletas      | Galletas             | San Jorge      | Soda       |         | 0.70  | -; Integral |  | 34 g; 6 x 34 g; 12 x 34 g; 180 g
Galletas      | Galletas             | San Jorge      | Vainilla   |         | 0.80  |  |  | 34 g; 6 x 34 g; 12 x 34 g; 180 g
Galletas      | Galletas             | Field          | Pícaras    |         | 1.00  |  | Chocolate; Fresa; Coco | 40 g; 6 x 40 g
Galletas      | Galletas             | Chips Ahoy!    |            |         | 1.30  | Original; Chewy |  | 42 g; 6 x 42 g; 305 g
Limpieza      | Detergente en Polvo  | Bolívar        |            | Bolsa   | 7.50  | Matic; Active Care; Limón; Floral; Bebé |  | 500 g; 850 g; 2 kg; 4 kg; 8 kg; 15 kg
Limpieza      | Detergente en Polvo  | Opal           |            | Bolsa   | 6.50  | Ultra; Floral; Limón; Matic |  | 500 g; 850 g; 2 kg; 4 kg; 8 kg; 15 kg
Limpieza      | Detergente en Polvo  | Ariel          |            | Bolsa   | 8.90  | Revitacolor; Doble Poder; Downy; Matic |  | 500 g; 850 g; 2 kg; 4 kg; 8 kg; 15 kg
Limpieza      | Detergente Líquido   | Ariel          |            | Botella | 19.90 | Revitacolor; Concentrado; Downy |  | 1.2 L; 1.8 L; 3 L; 4.5 L
Limpieza      | Detergente en Polvo  | Ace            |            | Bolsa   | 6.20  | Limón; Floral; Naturals; Bebé |  | 500 g; 850 g; 2 kg; 4 kg; 8 kg; 15 kg
Limpieza      | Lavavajilla en Pasta | Sapolio        |            | Pote    | 4.50  | Limón; Toronja; Manzana |  | 450 g; 900 g; 180 g
Limpieza      | Limpiador Multiusos  | Sapolio        |            | Botella | 5.50  |  | Lavanda; Bebé; Floral; Limón | 900 ml; 1.8 L; 3.6 L
Limpieza      | Lejía                | Sapolio        |            | Botella | 3.90  | Tradicional; Ropa Color |  | 1 L; 2 L; 4 L
Limpieza      | Lejía                | Clorox         |            | Botella | 4.90  | Tradicional; Ropa Color; Antisalpicaduras |  | 1 L; 2 L; 4 L
Limpieza      | Limpiador            | Poett          |            | Botella | 6.50  |  | Lavanda; Primavera; Bebé; Bosque; Naranja | 900 ml; 1.8 L; 3.6 L
Limpieza      | Suavizante           | Suavitel       |            | Botella | 8.50  |  | Primaveral; Aroma de Sol; Anochecer | 850 ml; 1.5 L; 3 L
Limpieza      | Suavizante           | Downy          |            | Botella | 9.90  | Libre Enjuague; Aroma Floral; Brisa Fresca |  | 800 ml; 1.5 L; 2.8 L
Limpieza      | Papel Higiénico      | Elite          |            |         | 4.50  | Doble Hoja; Ultra; Megarrollo |  | 4 un; 12 un; 24 un; 40 un
Limpieza      | Papel Higiénico      | Paracas        |            |         | 3.90  | Doble Hoja |  | 4 un; 16 un; 40 un
Limpieza      | Jabón de Lavar       | Marsella       |            |         | 3.20  | Limón; Bebé; Original |  | 220 g; 3 x 220 g; 6 x 220 g
Limpieza      | Jabón de Lavar       | Bolívar        |            |         | 3.40  | Limón; Floral; Bebé |  | 230 g; 3 x 230 g; 6 x 230 g
Limpieza      | Lavavajilla Líquido  | Ayudín         |            | Botella | 6.90  |  | Limón; Manzana; Aloe | 300 ml; 750 ml; 1.2 L
Limpieza      | Lavavajilla en Pasta | Ayudín         |            | Pote    | 4.90  |  | Limón; Manzana | 450 g; 900 g
Limpieza      | Papel Toalla         | Elite          |            |         | 4.90  | -; Ultra |  | 2 un; 3 un; 6 un
Limpieza      | Servilletas          | Elite          |            |         | 2.90  | -; Doble Hoja |  | 100 un; 300 un
Embutidos     | Hot Dog              | San Fernando   |            |         | 6.50  | Clásico; de Pollo; Ahumado; Jumbo |  | 240 g; 500 g; 1 kg
Embutidos     | Jamonada             | San Fernando   |            |         | 5.20  | de Pollo; Clásica |  | 150 g; 300 g; 500 g
Embutidos     | Hot Dog              | Razzeto        |            |         | 6.90  | Clásico; Ahumado; de Pavita |  | 250 g; 500 g; 1 kg
Embutidos     | Jamón del País       | Razzeto        |            |         | 9.90  |  |  | 150 g; 250 g; 500 g
Embutidos     | Jamón                | Otto Kunz      |            |         | 7.90  | Inglés; Americano; de Pavo; Serrano |  | 100 g; 200 g; 500 g
Embutidos     | Salchicha            | Otto Kunz      |            |         | 8.50  | Huachana; Frankfurter; Viena |  | 250 g; 500 g
Embutidos     | Salame               | Braedt         |            |         | 9.50  | Italiano; Milano |  | 100 g; 200 g
Embutidos     | Jamón                | Braedt         |            |         | 8.20  | Inglés; de Pavo |  | 100 g; 200 g
Embutidos     | Chorizo              | La Segoviana   |            |         | 8.90  | Parrillero; Ahumado; Español |  | 250 g; 500 g
Embutidos     | Hot Dog              | Laive          |            |         | 6.20  | Clásico; de Pollo |  | 240 g; 500 g
Embutidos     | Tocino               | Otto Kunz      |            |         | 9.90  | Ahumado; Americano |  | 150 g; 300 g
Embutidos     | Mortadela            | Otto Kunz      |            |         | 6.50  | Clásica; Bologna |  | 150 g; 300 g
Embutidos     | Chorizo              | Razzeto        |            |         | 8.50  | Parrillero; Picante |  | 250 g; 500 g
Carnes y aves | Pollo                | San Fernando   |            |         | 10.90 | Entero; Pechuga; Pierna; Alas; Filete de Pechuga; Menudencia |  | 1 kg; 500 g; 2 kg
Carnes y aves | Pollo                | Redondos       |            |         | 10.50 | Entero; Pechuga; Pierna; Alas; Filete de Pechuga |  | 1 kg; 500 g; 2 kg
Carnes y aves | Pollo                | Avinka         |            |         | 10.20 | Entero; Pechuga |  | 1 kg; 2 kg
Carnes y aves | Pavo                 | San Fernando   |            |         | 18.90 | Entero; Pechuga |  | 1 kg; 5 kg; 8 kg
Carnes y aves | Hamburguesa          | San Fernando   |            |         | 6.90  | de Pollo; de Carne; de Pavita |  | 4 un; 8 un; 12 un
Carnes y aves | Huevos               | La Calera      |            |         | 8.90  | Pardos; Blancos; de Corral; Omega 3 |  | 15 un; 30 un; 6 un; 10 un
Carnes y aves | Huevos               | Redondos       |            |         | 8.50  | Pardos; Omega 3 |  | 15 un; 30 un; 10 un
Panadería     | Pan de Molde         | Bimbo          |            |         | 7.90  | Blanco; Integral; Sin Corteza; Multicereal; Chía |  | 500 g; 700 g; 380 g
Panadería     | Pan de Molde         | Unión          |            |         | 6.90  | Blanco; Integral; Sin Corteza |  | 550 g; 600 g
Panadería     | Pan Hot Dog          | Bimbo          |            |         | 5.50  | -; Integral |  | 6 un; 8 un
Panadería     | Pan Hamburguesa      | Bimbo          |            |         | 6.50  | -; Con Ajonjolí |  | 4 un; 6 un; 8 un
Panadería     | Tostadas             | Bimbo          |            |         | 6.20  | Clásicas; Integrales |  | 250 g; 130 g
Panadería     | Panetón              | Tondero        |            | Bolsa   | 17.90 | Clásico; Chocolate |  | 900 g; 500 g; 80 g
Panadería     | Panetón              | Donofrio       |            | Caja    | 29.90 | Clásico; Chocotón |  | 900 g; 500 g; 1 kg; 80 g
Panadería     | Panetón              | Gloria         |            | Caja    | 22.90 | Clásico; Chocolate |  | 900 g; 500 g
Panadería     | Panetón              | Unión          |            | Bolsa   | 19.90 | Clásico; Integral |  | 900 g; 500 g
Panadería     | Panetón              | Todinno        |            | Bolsa   | 17.90 | Clásico; Chocolate |  | 900 g; 500 g
Panadería     | Panetón              | Motta          |            | Caja    | 24.90 | Clásico; Chocolate |  | 900 g; 1 kg
Panadería     | Keke                 | Bimbo          |            |         | 5.90  |  | Marmoleado; Vainilla; Naranja; Chocolate | 300 g; 500 g
Panadería     | Pan Árabe            | Bimbo          |            |         | 5.50  | Blanco; Integral |  | 6 un; 12 un
Desayuno      | Café Instantáneo     | Nescafé        |            | Frasco  | 9.50  | Tradición; Fina Selección; Descafeinado; Gold |  | 50 g; 100 g; 170 g; 200 g
Desayuno      | Café Instantáneo     | Kirma          |            | Frasco  | 8.50  | Clásico; Descafeinado |  | 50 g; 100 g; 180 g
Desayuno      | Café                 | Altomayo       |            |         | 10.50 | Instantáneo; Molido; Gourmet |  | 50 g; 200 g; 250 g
Desayuno      | Café Instantáneo     | Cafetal        |            | Doypack | 6.90  |  |  | 50 g; 100 g; 170 g
Desayuno      | Bebida Achocolatada  | Milo           |            | Doypack | 8.90  | -; Activ-Go |  | 200 g; 400 g; 800 g; 1.2 kg
Desayuno      | Cocoa                | Winter's       |            | Doypack | 5.50  |  |  | 160 g; 320 g
Desayuno      | Chocolate para Taza  | Sol del Cusco  |            |         | 3.90  | Tradicional; Con Canela |  | 90 g; 180 g
Desayuno      | Chocolate para Taza  | Winter's       |            |         | 3.50  | Tradicional; Bitter |  | 90 g; 180 g; 270 g
Desayuno      | Avena                | Quaker         |            | Bolsa   | 6.50  | Tradicional; Instantánea; Con Quinua |  | 380 g; 900 g; 1 kg
Desayuno      | Avena                | 3 Ositos       |            | Bolsa   | 5.90  | Tradicional; Quinua Kiwicha; Precocida |  | 500 g; 1 kg; 170 g
Desayuno      | Avena                | Grano de Oro   |            | Bolsa   | 3.90  | Tradicional; Con Kiwicha |  | 300 g; 1 kg
Desayuno      | Cereal               | Ángel          |            |         | 7.90  | Copix; Zuck; Mel; Chocapic |  | 300 g; 600 g; 120 g
Desayuno      | Cereal               | Kellogg's      |            |         | 11.90 | Zucaritas; Corn Flakes; Choco Krispis; Froot Loops |  | 300 g; 730 g; 120 g
Desayuno      | Infusión             | McCollins      |            |         | 2.90  | Manzanilla; Anís; Té Canela y Clavo; Hierba Luisa; Muña |  | 25 un; 100 un
Desayuno      | Infusión             | Herbi          |            |         | 2.60  | Manzanilla; Anís; Menta; Boldo |  | 25 un; 100 un
Desayuno      | Mermelada            | Fanny          |            | Frasco  | 5.20  |  | Fresa; Durazno; Piña; Sauco; Naranja | 320 g; 1 kg; 100 g
Desayuno      | Café Molido          | Cafetal        |            | Bolsa   | 8.90  | Tradicional; Orgánico |  | 250 g; 500 g
Desayuno      | Mantequilla de Maní  | Peanut Gourmet |            | Frasco  | 9.90  | Cremosa; Crunchy |  | 340 g; 500 g
"""


def _split(cell: str) -> tuple[str, ...]:
    items = tuple("" if item.strip() == "-" else item.strip() for item in cell.split(";"))
    return items if cell.strip() else ("",)


def _parse_table(text: str) -> tuple[ProductLine, ...]:
    lines = []
    for row in text.strip().splitlines():
        category, kind, brand, line, container, price, variants, flavours, sizes = (
            cell.strip() for cell in row.split("|")
        )
        lines.append(
            ProductLine(
                category=category,
                kind=kind,
                brand=brand,
                price_pen=float(price),
                sizes=_split(sizes),
                line=line,
                container=container,
                variants=_split(variants),
                flavours=_split(flavours),
            )
        )
    return tuple(lines)


PRODUCT_LINES: tuple[ProductLine, ...] = _parse_table(_TABLE)
