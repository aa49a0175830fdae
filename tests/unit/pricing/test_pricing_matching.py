"""Product matching across retailers: EAN, blocking, hard rules, classifier, one to one."""

from __future__ import annotations

import datetime as dt
import itertools
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from pulso.errors import InputError, ModelNotFittedError
from pulso.pricing.matching import (
    FEATURE_NAMES,
    MATCH_COLUMNS,
    MatchClassifier,
    evaluate_matches,
    match_listings,
    pair_features,
    score_with_rules,
    train_match_classifier,
)


@pytest.fixture(autouse=True)
def _one_thread():
    """Gradient boosting's OpenMP threads crawl on a shared, busy machine: use one."""
    with threadpool_limits(limits=1):
        yield


OURS = pd.DataFrame(
    {
        "id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"],
        "name": [
            "Gaseosa INCA KOLA Botella 1.5L",
            "Leche Gloria Evaporada Entera 400g",
            "Leche Gloria Evaporada Light 400g",
            "Leche Gloria Evaporada Entera 170g",
            "Cerveza Pilsen Callao six pack 355ml",
            "Gaseosa Inca Kola Zero 1.5L",
            "Yogurt Laive Fresa 1kg",
            "Fideos Don Vittorio Spaghetti 450 g",
        ],
        "brand": ["Inca Kola", "Gloria", "Gloria", "Gloria", "Pilsen Callao", "Inca Kola",
                  "Laive", "Don Vittorio"],
    }
)  # fmt: skip
THEIRS = pd.DataFrame(
    {
        "id": ["T1", "T2", "T3", "T4", "T5", "T6", "T7"],
        "name": [
            "Inca Kola 1,5 lt",
            "LECHE GLORIA EVAP. ENTERA LATA 400 G",
            "Leche evaporada Gloria Light 400 g",
            "Pilsen Callao lata 355 ml x6",
            "Yogurt Laive Durazno 1 kg",
            "Fideos Don Vittorio Tallarín 450 g",
            "Pilsen Callao lata 355 ml",
        ],
    }
)
EXPECTED = {("P1", "T1"), ("P2", "T2"), ("P3", "T3"), ("P5", "T4")}


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["left_id"], frame["right_id"], strict=True))


def test_matches_the_writings_of_the_same_products():
    matches = match_listings(OURS, THEIRS)
    assert list(matches.columns) == list(MATCH_COLUMNS)
    assert _pairs(matches) == EXPECTED
    assert set(matches["method"]) == {"rules"}
    assert matches["score"].between(0.5, 1.0).all()


def test_the_three_writings_of_inca_kola_are_one_product():
    left = pd.DataFrame({"id": ["a"], "name": ["Gaseosa INCA KOLA Botella 1.5L"]})
    for other in ("Inca Kola 1,5 lt", "GASEOSA INCA KOLA 1500 ML"):
        right = pd.DataFrame({"id": ["b"], "name": [other]})
        assert _pairs(match_listings(left, right)) == {("a", "b")}


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("Leche Gloria Evaporada Entera 400g", "Leche Gloria Evaporada Light 400 g"),
        ("Leche Gloria Evaporada Entera 400g", "Leche Gloria Evaporada Entera 170 g"),
        ("Gaseosa Inca Kola 1.5L", "Gaseosa Inca Kola Zero 1.5L"),
        ("Gaseosa Coca-Cola 500 ml", "Gaseosa Coca-Cola Sin Azúcar 500 ml"),
        ("Cerveza Pilsen Callao 355 ml", "Cerveza Pilsen Callao six pack 355 ml"),
        ("Yogurt Laive Fresa 1kg", "Yogurt Laive Vainilla 1kg"),
        ("Aceite Primor 900 ml", "Aceite Primor Premium 900 ml"),
        ("Leche Laive Sin Lactosa 1 L", "Leche Laive 1 L"),
        ("Leche UHT Gloria Sin Lactosa 946ml", "GLORIA LECHE UHT DESLACTOSADA 946ML"),
        ("Hamburguesa San Fernando 8un Paquete 4un", "SAN FERNANDO HAMBURGUESA 8UN X 6UN"),
    ],
)
def test_hard_negatives_never_match_whatever_the_threshold(ours, theirs):
    left = pd.DataFrame({"id": ["a"], "name": [ours]})
    right = pd.DataFrame({"id": ["b"], "name": [theirs]})
    assert match_listings(left, right, threshold=0.0).empty


def test_learned_variant_words_tell_pasta_shapes_apart():
    left = pd.DataFrame(
        {"id": ["s", "t"], "name": ["Fideos Don Vittorio Spaghetti 450 g",
                                    "Fideos Don Vittorio Tallarín 450 g"],
         "brand": ["Don Vittorio", "Don Vittorio"]}
    )  # fmt: skip
    right = pd.DataFrame(
        {"id": ["x", "y"], "name": ["Don Vittorio Fideo Tallarin Bolsa 450g",
                                    "FIDEOS DON VITTORIO CANUTO 450 G"]}
    )  # fmt: skip
    assert _pairs(match_listings(left, right, threshold=0.0)) == {("t", "x")}
    features = pair_features(
        left, right, pairs=pd.DataFrame({"left_id": ["t", "s"], "right_id": ["x", "y"]})
    )
    assert features["learned_variant_agreement"].tolist() == [1.0, 0.0]


def test_shop_spellings_of_brand_and_pack_match():
    left = pd.DataFrame(
        {"id": ["a", "b", "c"],
         "name": ["Mortadela OTTO KUNZ Clásica 300g Paquete 3un",
                  "Hamburguesa SAN FERNANDO de Carne 8un Paquete 4un",
                  "Gaseosa INCA KOLA Zero Botella 1.5L Paquete 6un"],
         "brand": ["Otto Kunz", "San Fernando", "Inca Kola"]}
    )  # fmt: skip
    right = pd.DataFrame(
        {"id": ["x", "y", "z"],
         "name": ["OTTOKUNZ MORTADELA CLASICA 300G X 3UN",
                  "SANFERNANDO HAMBURGUESA DE CARNE 4X8UN",
                  "Gaseosa Inca Kola zero 1,5 lt pack x6"]}
    )  # fmt: skip
    assert _pairs(match_listings(left, right)) == {("a", "x"), ("b", "y"), ("c", "z")}


def test_abbreviations_are_expanded_from_the_words_the_data_use():
    left = pd.DataFrame(
        {"id": ["g", "d", "y"],
         "name": ["Galletas FIELD Vainilla 180g", "Detergente en Polvo OPAL Floral Bolsa 2kg",
                  "Yogurt LAIVE Bebible Durazno Botella 1kg"],
         "brand": ["Field", "Opal", "Laive"]}
    )  # fmt: skip
    right = pd.DataFrame(
        {"id": ["x", "y", "z"],
         "name": ["DET. EN POLVO OPAL FLORAL BOLSA 2 KG", "GALL. FIELD VAINILLA 180 G",
                  "YOGURT LAIVE BEB. DURAZNO BOT. 1 KG"]}
    )  # fmt: skip
    features = pair_features(
        left, right, pairs=pd.DataFrame({"left_id": ["g", "d"], "right_id": ["y", "x"]})
    )
    assert (features["name_token_set"] == 1.0).all()
    assert _pairs(match_listings(left, right)) == {("g", "y"), ("d", "x"), ("y", "z")}


def test_a_missing_variant_word_loses_the_tie_to_the_exact_product():
    left = pd.DataFrame(
        {"id": ["plain", "golden"],
         "name": ["Galletas OREO Chocolate 36g", "Galletas OREO Golden Chocolate 36g"],
         "brand": ["Oreo", "Oreo"]}
    )  # fmt: skip
    right = pd.DataFrame(
        {
            "id": ["x", "y"],
            "name": ["OREO GALLETAS GOLDEN CHOCOLATE 36G", "GALLETAS OREO CHOCOLATE 36G"],
        }
    )
    assert _pairs(match_listings(left, right)) == {("golden", "x"), ("plain", "y")}


def test_listings_without_id_are_an_input_error():
    right = pd.DataFrame({"id": ["x", None], "name": ["Inca Kola 1,5 lt", "Inca Kola 3 L"]})
    with pytest.raises(InputError, match="no id"):
        match_listings(OURS, right)


def test_ean_matches_first_whatever_the_names():
    left = pd.DataFrame(
        {"id": [1, 2], "name": ["Galleta Soda Field 34 g", "Arroz Costeño 5 kg"],
         "ean": ["7750182000017", None]}
    )  # fmt: skip
    right = pd.DataFrame(
        {"id": ["x", "y"], "name": ["Paquete galletas", "ARROZ COSTEÑO EXTRA 5KG"],
         "ean": ["07750182000017", "7751234567891"]}
    )  # fmt: skip
    matches = match_listings(left, right)
    by_left = matches.set_index("left_id")
    assert by_left.loc[1, "right_id"] == "x"
    assert by_left.loc[1, "method"] == "ean"
    assert by_left.loc[1, "score"] == pytest.approx(1.0)


def test_ean_read_as_float_still_matches():
    left = pd.DataFrame({"id": ["a"], "name": ["uno"], "ean": [7750182000017.0]})
    right = pd.DataFrame({"id": ["b"], "name": ["otro"], "ean": ["7750182000017"]})
    assert match_listings(left, right)["method"].tolist() == ["ean"]


def test_output_is_one_to_one():
    left = pd.DataFrame(
        {"id": ["a", "b"], "name": ["Gaseosa Inca Kola 1.5L", "Inca Kola Botella 1500 ml"]}
    )
    right = pd.DataFrame(
        {"id": ["x", "y", "z"],
         "name": ["Inca Kola 1,5 lt", "GASEOSA INCA KOLA 1.5 LITROS", "Inca Kola 1.5L oferta"]}
    )  # fmt: skip
    matches = match_listings(left, right, threshold=0.0)
    assert len(matches) == 2
    assert matches["left_id"].is_unique
    assert matches["right_id"].is_unique


def test_missing_columns_are_an_input_error():
    with pytest.raises(InputError, match="name"):
        match_listings(pd.DataFrame({"id": [1]}), THEIRS)


def test_pair_features_are_named_and_bounded():
    pairs = pd.DataFrame({"left_id": ["P1", "P2", "P2"], "right_id": ["T1", "T2", "T3"]})
    features = pair_features(OURS, THEIRS, pairs=pairs)
    assert list(features.columns) == list(FEATURE_NAMES)
    assert ((features >= 0.0) & (features <= 1.0)).all().all()
    same, other_variant = features.iloc[1], features.iloc[2]
    assert same["variant_agreement"] == 1.0
    assert other_variant["variant_agreement"] == 0.0


def test_rule_scores_rise_with_similarity():
    low = np.full((1, len(FEATURE_NAMES)), 0.6)
    high = np.full((1, len(FEATURE_NAMES)), 1.0)
    assert score_with_rules(low)[0] < 0.5 < score_with_rules(high)[0]


def test_evaluate_matches():
    predicted = pd.DataFrame({"left_id": ["a", "b", "c"], "right_id": ["x", "y", "q"]})
    truth = pd.DataFrame({"left_id": ["a", "b", "d", "e"], "right_id": ["x", "y", "z", "w"]})
    metrics = evaluate_matches(predicted, truth)
    assert 0.0 <= metrics["f1"] <= 1.0
    assert metrics["precision"] == pytest.approx(2 / 3)
    assert metrics["recall"] == pytest.approx(2 / 4)
    assert metrics["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert (metrics["n_true"], metrics["n_pred"]) == (4, 3)


def test_evaluate_matches_of_nothing_is_zero():
    empty = pd.DataFrame({"left_id": [], "right_id": []})
    assert evaluate_matches(empty, empty)["f1"] == 0.0


# --- classifier ------------------------------------------------------------------------------


@parametrize_with_checks(
    [MatchClassifier(max_iter=20, monotonic=False), MatchClassifier("logistic")]
)
def test_sklearn_contract(estimator, check):
    check(estimator)


def test_fit_returns_self_and_sets_learned_attributes():
    rng = np.random.default_rng(0)
    X = rng.random((60, len(FEATURE_NAMES)))
    y = (X[:, 0] > 0.5).astype(int)
    classifier = MatchClassifier(max_iter=20, random_state=0)
    assert classifier.fit(X, y) is classifier
    assert classifier.n_features_in_ == len(FEATURE_NAMES)
    assert classifier.match_probability(X).shape == (60,)


def test_unfitted_classifier_raises():
    with pytest.raises(NotFittedError):
        MatchClassifier().predict_proba(np.zeros((1, len(FEATURE_NAMES))))
    with pytest.raises(ModelNotFittedError):
        match_listings(OURS, THEIRS, classifier=MatchClassifier())


def test_unknown_model_is_rejected_at_fit():
    with pytest.raises(ValueError, match="model"):
        MatchClassifier("forest").fit(np.zeros((4, 2)), [0, 1, 0, 1])  # type: ignore[arg-type]


def test_save_and_load_round_trip(tmp_path):
    X = np.random.default_rng(1).random((40, len(FEATURE_NAMES)))
    y = (X[:, 0] > 0.5).astype(int)
    classifier = MatchClassifier(max_iter=10, random_state=0).fit(X, y)
    loaded = MatchClassifier.load(classifier.save(tmp_path / "matcher.joblib"))
    np.testing.assert_allclose(loaded.match_probability(X), classifier.match_probability(X))


def test_load_rejects_other_objects(tmp_path):
    import joblib  # type: ignore[import-untyped]

    path = tmp_path / "other.joblib"
    joblib.dump({"not": "a classifier"}, path)
    with pytest.raises(InputError, match="MatchClassifier"):
        MatchClassifier.load(path)


# --- quality on a small synthetic set --------------------------------------------------------

_LINES = [
    ("Gaseosa", ["Inca Kola", "Coca-Cola", "Fanta", "Kola Real"], ["", "Zero", "Sin Azúcar"],
     ["500 ml", "1.5 L", "3 L", "6 x 355 ml"]),
    ("Leche Evaporada", ["Gloria", "Laive", "Ideal"], ["Entera", "Light", "Sin Lactosa"],
     ["400 g", "170 g", "6 x 400 g"]),
    ("Yogurt", ["Gloria", "Laive"], ["Fresa", "Durazno", "Vainilla", "Light Fresa"],
     ["1 kg", "500 g"]),
    ("Fideos", ["Don Vittorio", "Molitalia"], ["Spaghetti", "Tallarín", "Canuto"],
     ["450 g", "1 kg"]),
    ("Arroz", ["Costeño", "Paisana"], ["Extra", "Superior", "Integral"], ["750 g", "5 kg"]),
    ("Cerveza", ["Pilsen Callao", "Cusqueña"], ["", "Negra", "Trigo"],
     ["355 ml", "6 x 355 ml", "620 ml"]),
]  # fmt: skip
_SPELLINGS = {"1.5 L": ["1,5 lt", "1500 ML", "1.5L"], "1 kg": ["1 kilo", "1000 gr", "1KG"],
              "6 x 355 ml": ["six pack 355ml", "355 ml x6", "pack 6 x 355 ml"],
              "5 kg": ["5 kilos", "5KG"], "3 L": ["3 litros", "3000 ml"]}  # fmt: skip


def _synthetic(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Our catalogue, a shop's listings (85 % of ours rewritten plus others) and the truth."""
    rng = np.random.default_rng(seed)
    products = [
        (kind, brand, variant, size)
        for kind, brands, variants, sizes in _LINES
        for brand, variant, size in itertools.product(brands, variants, sizes)
    ]
    order = rng.permutation(len(products))
    ours = [products[i] for i in order[: len(order) * 3 // 4]]
    others = [products[i] for i in order[len(order) * 3 // 4 :]]
    carried = [product for product in ours if rng.random() < 0.85]
    left = pd.DataFrame(
        {"id": [f"S{i}" for i in range(len(ours))],
         "name": [" ".join(filter(None, product)) for product in ours],
         "brand": [product[1] for product in ours]}
    )  # fmt: skip
    shop = carried + others
    rows = [_rewrite(product, rng) for product in shop]
    right = pd.DataFrame({"id": [f"X{i}" for i in range(len(shop))], "name": rows})
    sku = {product: f"S{i}" for i, product in enumerate(ours)}
    truth = pd.DataFrame(
        [(sku[product], f"X{i}") for i, product in enumerate(shop) if product in sku],
        columns=["left_id", "right_id"],
    )
    return left, right, truth


def _rewrite(product: tuple[str, str, str, str], rng: np.random.Generator) -> str:
    kind, brand, variant, size = product
    size = str(rng.choice(_SPELLINGS.get(size, [size])))
    kind = kind.replace("Evaporada", "Evap.") if rng.random() < 0.5 else kind
    parts = [[kind, brand, variant, size], [brand, kind, variant, size],
             [brand, variant, size], [kind, brand, "Bolsa", variant, size, "Oferta"]]  # fmt: skip
    name = " ".join(part for part in parts[int(rng.integers(len(parts)))] if part)
    return name.upper() if rng.random() < 0.4 else name


def test_rules_reach_a_high_f1_on_a_synthetic_set():
    left, right, truth = _synthetic(seed=3)
    metrics = evaluate_matches(match_listings(left, right), truth)
    assert metrics["n_true"] > 60
    assert metrics["f1"] >= 0.9


def test_trained_classifier_beats_the_threshold_on_held_out_listings():
    train = _synthetic(seed=11)
    left, right, truth = _synthetic(seed=12)
    classifier = train_match_classifier(train[2], train[0], train[1], seed=0)
    start = time.perf_counter()
    matches = match_listings(left, right, classifier=classifier)
    assert time.perf_counter() - start < 5.0
    metrics = evaluate_matches(matches, truth)
    assert set(matches["method"]) == {"model"}
    assert metrics["f1"] >= 0.95
    rules = evaluate_matches(match_listings(left, right), truth)
    assert metrics["f1"] >= rules["f1"] - 0.01


@pytest.mark.slow
def test_held_out_retailers_of_the_demo_data(tmp_path):
    """Train on some retailers of pulso.synth's small demo, match a held-out one by name."""
    from pulso.ingest.readers import read_table
    from pulso.synth.retail import generate_retail

    generate_retail(tmp_path, scale="small", seed=5, end_date=dt.date(2026, 6, 30))
    catalog = read_table(tmp_path / "retail" / "catalog.csv").frame.rename(columns={"sku": "id"})
    truth = pd.read_csv(tmp_path / "ground_truth" / "retail_matches.csv", dtype=str).fillna("")
    listings = {}
    for slug in ("tottus", "wong", "vivanda", "metro"):
        frame = read_table(tmp_path / "retail" / "prices" / f"{slug}.csv").frame
        frame = frame[frame["external_id"].notna() & frame["name"].notna()]
        frame = frame.drop_duplicates("external_id", keep="last")
        listings[slug] = frame.rename(columns={"external_id": "id"})[["id", "name"]]

    def pairs(slug: str, prefix: str = "") -> pd.DataFrame:
        rows = truth[(truth["retailer"].str.lower() == slug) & (truth["sku"] != "")]
        return pd.DataFrame({"left_id": rows["sku"], "right_id": prefix + rows["external_id"]})

    left = catalog[["id", "name", "brand", "size"]]
    train = pd.concat(
        [listings[slug].assign(id=slug + listings[slug]["id"]) for slug in ("tottus", "wong")]
    )
    train_pairs = pd.concat([pairs(slug, prefix=slug) for slug in ("tottus", "wong")])
    classifier = train_match_classifier(train_pairs, left, train, seed=0)
    for slug in ("vivanda", "metro"):
        matches = match_listings(left, listings[slug], classifier=classifier)
        no_counterpart = truth[(truth["retailer"].str.lower() == slug) & (truth["sku"] == "")]
        assert evaluate_matches(matches, pairs(slug))["f1"] >= 0.95
        assert not matches["right_id"].isin(no_counterpart["external_id"]).any()


def test_training_needs_known_pairs():
    left, right, _ = _synthetic(seed=3)
    unknown = pd.DataFrame({"left_id": ["nope"], "right_id": ["nope"]})
    with pytest.raises(InputError, match="confirmed pair"):
        train_match_classifier(unknown, left, right, seed=0)
