"""Benchmark: product matching, 20k x 20k listings on one core, and quality on pulso.synth.

Run by hand from the repository root::

    .venv/bin/python benchmarks/matching.py                    # speed: 20k x 20k, one core
    .venv/bin/python benchmarks/matching.py --products 5000
    .venv/bin/python benchmarks/matching.py --synth medium     # quality on the demo data

**Speed.** pulso.synth's largest preset has 5,000 catalogue products, so the 20k x 20k data are
generated here: perturbed writings of a Peruvian grocery catalogue. The right side holds about
80 % of the left products written the way another shop would (case, accents, abbreviations,
size spellings, container words, word order, brand typos) plus sibling products that are not in
the left catalogue (same brand, another size, pack or variant): the hard negatives. A classifier
is trained on an independent, smaller generated set. Prints seconds, pairs per second (of the
cross product), precision/recall/F1, hard negatives matched, and the ratio against a naive
baseline measured in the same run: a rapidfuzz ``cdist`` over one block of 1,000 left names
against every right name, extrapolated to the full cross product.

**Quality on pulso.synth** (``--synth SCALE``): generates the demo data, then for each
competitor trains the classifier on the other competitors' ground truth and matches the
held-out competitor's listings against our catalogue, by name only (EANs dropped) and with
EANs. Prints precision/recall/F1 per held-out retailer and the listings without a counterpart
that were matched (hard negatives: other sizes, flavours and private labels).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# one core: set before numpy/scikit-learn load their thread pools
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from pulso.pricing.matching import (  # noqa: E402
    evaluate_matches,
    match_listings,
    train_match_classifier,
)

# product type -> (container word, unit, sizes, variants, flavour-capable)
TYPES: dict[str, tuple[str, str, tuple[float, ...], tuple[str, ...]]] = {
    "Gaseosa": (
        "Botella",
        "ml",
        (500, 1000, 1500, 2250, 3000, 355),
        ("", "Zero", "Sin Azúcar", "Light"),
    ),
    "Agua de Mesa": ("Botella", "ml", (625, 1000, 2500, 7000, 20000), ("Sin Gas", "Con Gas")),
    "Cerveza": ("Lata", "ml", (355, 473, 620, 310, 1000), ("", "Negra", "Trigo", "Light", "Zero")),
    "Leche Evaporada": (
        "Lata",
        "g",
        (400, 170, 390),
        ("Entera", "Light", "Sin Lactosa", "Descremada"),
    ),
    "Leche UHT": (
        "Caja",
        "ml",
        (1000, 946, 500),
        ("Entera", "Descremada", "Semidescremada", "Sin Lactosa"),
    ),
    "Yogurt": (
        "Botella",
        "g",
        (1000, 500, 180, 1800),
        ("Fresa", "Vainilla", "Durazno", "Lúcuma", "Natural", "Light Fresa", "Griego"),
    ),
    "Arroz": ("Bolsa", "g", (750, 1000, 5000, 2000), ("Extra", "Superior", "Integral", "Añejo")),
    "Aceite Vegetal": ("Botella", "ml", (900, 1000, 200, 5000), ("", "Premium", "Light")),
    "Fideos Spaghetti": ("Bolsa", "g", (500, 1000, 250), ("", "Integral")),
    "Galletas": (
        "Paquete",
        "g",
        (34, 43, 100, 200, 500),
        ("Chocolate", "Vainilla", "Fresa", "Coco", "Soda", "Integral"),
    ),
    "Atún en Trozos": ("Lata", "g", (170, 140, 80), ("en Aceite", "en Agua", "Light", "Picante")),
    "Detergente en Polvo": (
        "Bolsa",
        "g",
        (350, 800, 2600, 4500),
        ("Original", "Floral", "Limón", "Bebé"),
    ),
    "Café Instantáneo": (
        "Frasco",
        "g",
        (50, 100, 200, 180),
        ("Clásico", "Premium", "Descafeinado", "Gold"),
    ),
    "Mantequilla": ("Pote", "g", (100, 200, 400), ("Con Sal", "Sin Sal", "Light")),
    "Queso Fresco": ("Paquete", "g", (250, 500, 1000), ("", "Light", "Sin Lactosa")),
    "Azúcar Rubia": ("Bolsa", "g", (1000, 2000, 5000), ("", "Premium")),
    "Papel Higiénico": (
        "Paquete",
        "un",
        (4, 12, 24, 40),
        ("Doble Hoja", "Triple Hoja", "Premium"),
    ),
    "Pañales": (
        "Paquete",
        "un",
        (40, 52, 70, 90),
        ("Talla M", "Talla G", "Talla XG", "Talla XXG"),
    ),
    "Mayonesa": ("Doypack", "g", (95, 190, 400, 950), ("", "Light", "Picante")),
    "Chocolate en Barra": ("Paquete", "g", (30, 90, 150), ("Bitter", "Con Leche", "Almendras")),
    "Jugo de Fruta": (
        "Caja",
        "ml",
        (1000, 200, 1500),
        ("Naranja", "Durazno", "Manzana", "Piña", "Mango"),
    ),
    "Avena": ("Bolsa", "g", (400, 900, 150), ("", "Con Canela", "Integral")),
    "Huevos Pardos": ("Bandeja", "un", (6, 12, 15, 30), ("", "Orgánicos")),
    "Shampoo": ("Frasco", "ml", (375, 750, 200), ("Anticaspa", "Hidratación", "Rizos", "Kids")),
}
BRANDS: dict[str, tuple[str, ...]] = {
    "Gaseosa": (
        "Inca Kola",
        "Coca-Cola",
        "Pepsi",
        "Guaraná Backus",
        "Kola Real",
        "Fanta",
        "Sprite",
        "Seven Up",
        "Concordia",
        "Oro",
    ),
    "Agua de Mesa": ("San Luis", "Cielo", "San Mateo", "Socosani", "Vida", "Loa"),
    "Cerveza": (
        "Pilsen Callao",
        "Cusqueña",
        "Cristal",
        "Arequipeña",
        "Corona",
        "Heineken",
        "Stella Artois",
        "Tres Cruces",
    ),
    "Leche Evaporada": ("Gloria", "Laive", "Pura Vida", "Ideal", "Bella Holandesa", "Nestlé"),
    "Leche UHT": ("Gloria", "Laive", "Pura Vida", "Bells", "Vigor"),
    "Yogurt": ("Gloria", "Laive", "Battimix", "Yoleit", "Bells", "Danlac"),
    "Arroz": ("Costeño", "Paisana", "Valle Norte", "Faraón", "Bells", "Hojas Verdes"),
    "Aceite Vegetal": ("Primor", "Cocinero", "Cil", "Ideal", "Sao", "Bells"),
    "Fideos Spaghetti": ("Don Vittorio", "Molitalia", "Lavaggi", "Nicolini", "Alianza", "Bells"),
    "Galletas": ("Field", "Casino", "Costa", "Victoria", "Margarita", "Oreo", "Morochas"),
    "Atún en Trozos": ("Florida", "A1", "Campomar", "Primor", "Real", "Bells"),
    "Detergente en Polvo": ("Ariel", "Bolívar", "Opal", "Ace", "Marsella", "Sapolio"),
    "Café Instantáneo": ("Nescafé", "Altomayo", "Kirma", "Cafetal", "Britt"),
    "Mantequilla": ("Gloria", "Laive", "Danesa", "La Vaquita", "Président"),
    "Queso Fresco": ("Laive", "Gloria", "Bonlé", "Otto Kunz", "Sierra Fresca"),
    "Azúcar Rubia": ("Cartavio", "Dulfina", "Casa Grande", "Paramonga", "Bells"),
    "Papel Higiénico": ("Elite", "Suave", "Noble", "Paracas", "Scott"),
    "Pañales": ("Huggies", "Babysec", "Pampers", "Chikolino"),
    "Mayonesa": ("Alacena", "Hellmann's", "Walibi", "Don Juan", "Heinz"),
    "Chocolate en Barra": ("Sublime", "Triángulo", "Cua Cua", "Nestlé", "Winters", "La Ibérica"),
    "Jugo de Fruta": ("Frugos", "Pulp", "Watts", "Gloria", "Selva", "Cifrut"),
    "Avena": ("Quaker", "3 Ositos", "Grano de Oro", "Santa Catalina", "Bells"),
    "Huevos Pardos": ("La Calera", "Avinka", "Redondos", "San Fernando"),
    "Shampoo": ("Head & Shoulders", "Pantene", "Sedal", "Elvive", "Dove", "Johnson's"),
}
PACKS = (1, 3, 6, 12)
LINES = ("", "Kids", "Max", "Gold", "Plus")
ABBREVIATIONS = {
    "Evaporada": "Evap.",
    "Descremada": "Desc.",
    "Sin Azúcar": "S/Azúcar",
    "Sin Lactosa": "0% Lactosa",
    "Instantáneo": "Inst.",
    "Yogurt": "Yogur",
    "Con Gas": "C/Gas",
    "Sin Gas": "S/Gas",
}


@dataclass(frozen=True, slots=True)
class Product:
    """One product of the generated universe."""

    kind: str
    brand: str
    variant: str
    quantity: float
    unit: str
    pack_count: int


def build_universe(rng: np.random.Generator) -> list[Product]:
    """Every (type, brand, variant, size, pack) combination, shuffled."""
    products = [
        Product(kind, brand, f"{line} {variant}".strip(), quantity, unit, pack)
        for kind, (_, unit, sizes, variants) in TYPES.items()
        for brand in BRANDS[kind]
        for line in LINES
        for variant in variants
        for quantity in sizes
        for pack in PACKS
        if unit != "un" or pack == 1
    ]
    return [products[index] for index in rng.permutation(len(products))]


def write_size(product: Product, rng: np.random.Generator, *, shop: bool) -> str:
    """A size as a shop writes it (several spellings of the same quantity)."""
    q, unit = product.quantity, product.unit
    if unit == "un":
        forms = (
            [f"x {q:g} un", f"{q:g} unid", f"x{q:g}", f"paquete {q:g}un"]
            if shop
            else [f"{q:g} un"]
        )
    elif q >= 1000 and unit == "ml":
        forms = [
            f"{q / 1000:g}L",
            f"{q / 1000:g} lt".replace(".", ","),
            f"{q:g} ml",
            f"{q / 1000:g} litros",
        ]
    elif q >= 1000:
        forms = [f"{q / 1000:g}kg", f"{q / 1000:g} kilos".replace(".", ","), f"{q:g} g"]
    else:
        forms = [f"{q:g}{unit}", f"{q:g} {'gr' if unit == 'g' else 'ML'}", f"{q:g} {unit}"]
    text = str(rng.choice(forms)) if shop else forms[-1]
    if product.pack_count == 1:
        return text
    count = product.pack_count
    packs = [f"{count} x {text}", f"{text} x{count}", f"pack {count} x {text}"]
    if count == 6:
        packs.append(f"six pack {text}")
    return str(rng.choice(packs)) if shop else packs[0]


def write_catalog_name(product: Product) -> str:
    """Our own catalogue's tidy writing."""
    parts = [
        product.kind,
        product.brand,
        product.variant,
        write_size(product, np.random.default_rng(0), shop=False),
    ]
    return " ".join(part for part in parts if part)


def write_shop_name(product: Product, rng: np.random.Generator) -> str:
    """Another shop's writing of the same product."""
    kind, brand, variant = product.kind, product.brand, product.variant
    if rng.random() < 0.3:
        kind, variant = (_abbreviate(text) for text in (kind, variant))
    if rng.random() < 0.05 and len(brand) > 5:
        cut = int(rng.integers(1, len(brand) - 1))
        brand = brand[:cut] + brand[cut + 1 :]  # one letter dropped
    container = TYPES[product.kind][0]
    size = write_size(product, rng, shop=True)
    layouts = [
        [kind, brand, variant, size],
        [kind, brand, container, variant, size],
        [brand, kind, variant, size],
        [brand, variant, size] if len(kind.split()) > 1 else [kind, brand, variant, size],
        [kind, variant, brand, size],
        [kind, brand, variant, container, size, "Oferta" if rng.random() < 0.5 else ""],
    ]
    name = " ".join(part for part in layouts[int(rng.integers(len(layouts)))] if part)
    style = rng.random()
    if style < 0.3:
        return name.upper()
    if style < 0.45:
        return _strip_accents(name).lower()
    return name


def _abbreviate(text: str) -> str:
    for long, short in ABBREVIATIONS.items():
        text = text.replace(long, short)
    return text


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def build_listings(
    n_products: int, *, seed: int, share_carried: float = 0.8
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, set[str]]:
    """Return (left, right, true pairs, right ids that are hard negatives) of equal sizes."""
    rng = np.random.default_rng(seed)
    universe = build_universe(rng)
    if len(universe) < 1.2 * n_products:
        raise SystemExit(f"the generated universe holds only {len(universe)} products")
    ours = universe[:n_products]
    carried = rng.random(n_products) < share_carried
    others = universe[n_products : n_products + n_products - int(carried.sum())]
    left = pd.DataFrame(
        {
            "id": [f"SKU{index:06d}" for index in range(n_products)],
            "name": [write_catalog_name(product) for product in ours],
            "brand": [product.brand for product in ours],
            "size": [write_size(product, rng, shop=False) for product in ours],
        }
    )
    shop_products = [product for product, keep in zip(ours, carried, strict=True) if keep] + others
    sources = [f"SKU{index:06d}" for index in np.flatnonzero(carried)] + [None] * len(others)
    order = rng.permutation(len(shop_products))
    right = pd.DataFrame(
        {
            "id": [f"EXT{index:06d}" for index in range(len(order))],
            "name": [write_shop_name(shop_products[i], rng) for i in order],
            "brand": [
                shop_products[i].brand.upper() if rng.random() < 0.5 else None for i in order
            ],
        }
    )
    source = [sources[i] for i in order]
    truth = pd.DataFrame(
        [(sku, ext) for sku, ext in zip(source, right["id"], strict=True) if sku is not None],
        columns=["left_id", "right_id"],
    )
    ours_keys = {(product.kind, product.brand) for product in ours}
    hard = {
        ext
        for ext, index, sku in zip(right["id"], order, source, strict=True)
        if sku is None and (shop_products[index].kind, shop_products[index].brand) in ours_keys
    }
    return left, right, truth, hard


def naive_seconds(
    left: pd.DataFrame, right: pd.DataFrame, *, block: int = 1000
) -> tuple[float, float]:
    """Wall and CPU seconds a full cross-product cdist would take, from one timed block."""
    names_left = left["name"].str.lower().tolist()[:block]
    names_right = right["name"].str.lower().tolist()
    start, start_cpu = time.perf_counter(), time.process_time()
    process.cdist(names_left, names_right, scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=1)
    scale = len(left) / min(block, len(left))
    return (time.perf_counter() - start) * scale, (time.process_time() - start_cpu) * scale


def run_speed(products: int, *, seed: int, train_products: int) -> None:
    """Time rules and model matching of ``products`` x ``products`` generated listings."""
    left, right, truth, hard = build_listings(products, seed=seed)
    train_left, train_right, train_truth, _ = build_listings(train_products, seed=seed + 1)
    classifier = train_match_classifier(train_truth, train_left, train_right, seed=seed)
    print(
        f"left {len(left):,} rows, right {len(right):,} rows, true pairs {len(truth):,}, "
        f"hard negatives {len(hard):,}"
    )
    seconds = cpu_seconds = 0.0
    for label, model in (("rules", None), ("model", classifier)):
        start, start_cpu = time.perf_counter(), time.process_time()
        matches = match_listings(left, right, classifier=model)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - start_cpu
        quality = evaluate_matches(matches, truth)
        wrong_hard = int(matches["right_id"].isin(hard).sum())
        print(
            f"{label:>5}: {seconds:6.2f} s wall, {cpu_seconds:6.2f} s CPU, "
            f"{len(left) * len(right) / seconds:,.0f} pairs/s (cross product), "
            f"precision {quality['precision']:.4f} recall {quality['recall']:.4f} "
            f"F1 {quality['f1']:.4f}, hard negatives matched {wrong_hard}"
        )
    baseline, baseline_cpu = naive_seconds(left, right)
    print(
        f"naive cdist over the cross product (extrapolated from 1,000 rows): {baseline:.1f} s "
        f"wall, {baseline_cpu:.1f} s CPU; speed-up of the model run {baseline / seconds:.1f}x "
        f"(wall), {baseline_cpu / cpu_seconds:.1f}x (CPU)"
    )


# --------------------------------------------------------------------------- pulso.synth


def generate_synth(out_dir: Path, *, scale: str, seed: int) -> None:
    """Write the demo data with ``pulso.synth.generate_demo``."""
    from pulso.synth import generate_demo

    generate_demo(out_dir, scale=scale, seed=seed, end_date=date(2026, 11, 1))


def read_synth(root: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], pd.DataFrame]:
    """Our catalogue, each competitor's listings (last name per external id) and the truth."""
    from pulso.ingest.readers import read_table

    catalog = read_table(root / "retail" / "catalog.csv").frame.rename(columns={"sku": "id"})
    truth = pd.read_csv(root / "ground_truth" / "retail_matches.csv", dtype=str).fillna("")
    listings: dict[str, pd.DataFrame] = {}
    for path in sorted((root / "retail" / "prices").iterdir()):
        frame = read_table(path).frame
        frame = frame[(frame["name"].fillna("").str.strip() != "") & frame["external_id"].notna()]
        frame = frame.drop_duplicates("external_id", keep="last")
        retailer = str(frame["retailer"].iloc[0])
        if path.stem == "plaza-vea":  # our own banner: its ids are our SKUs
            continue
        columns = [
            c
            for c in ("id", "name", "brand", "ean", "size", "category")
            if c in frame or c == "id"
        ]
        listings[retailer] = frame.rename(columns={"external_id": "id"})[columns].reset_index(
            drop=True
        )
    return catalog[["id", "name", "brand", "category", "size", "ean"]], listings, truth


def _truth_pairs(truth: pd.DataFrame, retailer: str) -> pd.DataFrame:
    rows = truth[(truth["retailer"] == retailer) & (truth["sku"] != "")]
    return pd.DataFrame(
        {"left_id": rows["sku"].to_numpy(), "right_id": rows["external_id"].to_numpy()}
    )


def _prefixed_pairs(truth: pd.DataFrame, retailer: str) -> pd.DataFrame:
    pairs = _truth_pairs(truth, retailer)
    return pairs.assign(right_id=retailer + "|" + pairs["right_id"])


def _without_ean(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[column for column in ("ean",) if column in frame])


def run_synth(scale: str, *, seed: int, data_dir: Path | None) -> None:
    """Leave-one-retailer-out evaluation on the demo data (see the module docstring)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = data_dir or Path(scratch)
        if not (root / "ground_truth" / "retail_matches.csv").exists():
            start = time.perf_counter()
            generate_synth(root, scale=scale, seed=seed)
            print(f"generated the {scale} demo data in {time.perf_counter() - start:.0f} s")
        catalog, listings, truth = read_synth(root)
    print(
        f"catalogue {len(catalog):,} products; listings "
        + ", ".join(f"{r} {len(f):,}" for r, f in listings.items())
    )
    totals: dict[tuple[str, bool], list[float]] = {}
    for held in listings:
        others = [retailer for retailer in listings if retailer != held]
        pooled = pd.concat(
            [listings[r].assign(id=r + "|" + listings[r]["id"]) for r in others], ignore_index=True
        )
        pairs = pd.concat([_prefixed_pairs(truth, r) for r in others], ignore_index=True)
        classifier = train_match_classifier(
            pairs, _without_ean(catalog), _without_ean(pooled), seed=seed
        )
        no_counterpart = set(
            truth[(truth["retailer"] == held) & (truth["sku"] == "")]["external_id"]
        )
        for with_ean in (False, True):
            left = catalog if with_ean else _without_ean(catalog)
            right = listings[held] if with_ean else _without_ean(listings[held])
            for label, model in (("rules", None), ("model", classifier)):
                start = time.perf_counter()
                matches = match_listings(left, right, classifier=model)
                seconds = time.perf_counter() - start
                quality = evaluate_matches(matches, _truth_pairs(truth, held))
                wrong = int(matches["right_id"].isin(no_counterpart).sum())
                counts = totals.setdefault((label, with_ean), [0.0, 0.0, 0.0, 0.0])
                correct = quality["precision"] * quality["n_pred"]
                for index, value in enumerate(
                    (correct, quality["n_pred"], quality["n_true"], wrong)
                ):
                    counts[index] += value
                print(
                    f"{held:>8} {'ean+names' if with_ean else 'names':>9} {label}: "
                    f"P {quality['precision']:.4f} R {quality['recall']:.4f} "
                    f"F1 {quality['f1']:.4f} "
                    f"({quality['n_true']:.0f} true, {len(no_counterpart)} without counterpart, "
                    f"{wrong} of them matched) {seconds:.2f} s"
                )
    for (label, with_ean), (correct, n_pred, n_true, n_wrong) in totals.items():
        precision, recall = correct / n_pred, correct / n_true
        print(
            f"all held-out {'ean+names' if with_ean else 'names'} {label}: P {precision:.4f} "
            f"R {recall:.4f} F1 {2 * precision * recall / (precision + recall):.4f}, "
            f"listings without counterpart matched {n_wrong:.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--train-products", type=int, default=4000)
    parser.add_argument("--synth", choices=["small", "medium", "large"], default=None)
    parser.add_argument("--data", type=Path, default=None, help="reuse generated demo data")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    if args.synth:
        run_synth(args.synth, seed=args.seed, data_dir=args.data)
    else:
        run_speed(args.products, seed=args.seed, train_products=args.train_products)


if __name__ == "__main__":
    main()
