"""Tests for pulso.ingest.preprocessing: the scikit-learn contract and the behaviour."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from pulso.errors import InputError
from pulso.ingest.preprocessing import (
    ConsistencyChecker,
    GroupMedianImputer,
    RobustOutlierFlagger,
    make_preprocessor,
)


@parametrize_with_checks([RobustOutlierFlagger(), RobustOutlierFlagger(method="iqr")])
def test_flagger_follows_the_sklearn_contract(estimator, check):
    check(estimator)


# GroupMedianImputer and ConsistencyChecker read named DataFrame columns, so the array-based
# common checks cannot apply; run the checks that concern parameters and __init__.
FRAME_ESTIMATORS = [GroupMedianImputer(), ConsistencyChecker()]
PARAM_CHECKS = [
    check_no_attributes_set_in_init,
    check_get_params_invariance,
    check_set_params,
    check_parameters_default_constructible,
]


@pytest.mark.parametrize("estimator", FRAME_ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", PARAM_CHECKS, ids=lambda c: c.__name__)
def test_frame_transformers_follow_the_parameter_contract(estimator, check):
    check(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", FRAME_ESTIMATORS, ids=lambda e: type(e).__name__)
def test_frame_transformers_need_fit_and_a_dataframe(estimator, price_frame):
    with pytest.raises(NotFittedError):
        clone(estimator).transform(price_frame)
    with pytest.raises(InputError, match="needs a pandas DataFrame"):
        clone(estimator).fit(price_frame.to_numpy())


@pytest.fixture
def prices():
    rng = np.random.default_rng(0)
    values = rng.normal(10.0, 0.5, size=(300, 2))
    values[17, 0] *= 10  # a price typed with a misplaced decimal point
    return values


def test_mad_flags_a_planted_tenfold_price_and_not_noise(prices):
    flags = RobustOutlierFlagger().fit(prices).transform(prices)
    assert flags.dtype == np.int8
    assert flags[17, 0] == 1
    noise = np.ones_like(flags, dtype=bool)
    noise[17, 0] = False
    assert flags[noise].sum() <= 0.01 * noise.sum()  # N(0, 1) exceeds 3.5 for 0.05%
    assert np.all(np.abs(prices[noise & (flags == 1)] - 10.0) > 3 * 0.5)  # rare draws only


def test_iqr_flags_a_planted_tenfold_price(prices):
    usual = RobustOutlierFlagger(method="iqr").fit_transform(prices)
    assert usual[17, 0] == 1
    assert usual.sum() - 1 <= 0.02 * usual.size  # Tukey's 1.5 IQR flags ~0.7% of normal data
    far_out = RobustOutlierFlagger(method="iqr", iqr_factor=3.0).fit_transform(prices)
    assert np.argwhere(far_out == 1).tolist() == [[17, 0]]


def test_robust_zscore_matches_the_modified_zscore(prices):
    flagger = RobustOutlierFlagger().fit(prices)
    column = prices[:, 0]
    median = np.median(column)
    expected = (column - median) / (1.4826 * np.median(np.abs(column - median)))
    np.testing.assert_allclose(flagger.robust_zscore(prices)[:, 0], expected, rtol=1e-6)
    assert flagger.robust_zscore(prices)[17, 0] > 100


def test_constant_column_does_not_divide_by_zero():
    train = np.array([[5.0, 3.0]] * 10)
    flagger = RobustOutlierFlagger().fit(train)
    test = np.array([[5.0, 3.0], [5.5, 2.0], [np.nan, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flags, z = flagger.transform(test), flagger.robust_zscore(test)
    np.testing.assert_array_equal(flags, [[0, 0], [1, 1], [0, 0]])
    np.testing.assert_array_equal(z, [[0.0, 0.0], [np.inf, -np.inf], [np.nan, 0.0]])


@pytest.mark.parametrize("method", ["mad", "iqr"])
def test_mostly_constant_prices_fall_back_to_mean_deviation(method):
    shelf = np.array([[9.9]] * 14 + [[8.9], [8.5], [9.5], [99.0]])  # MAD and IQR are 0
    flagger = RobustOutlierFlagger(method=method).fit(shelf)
    assert np.all(np.isfinite(flagger.robust_zscore(shelf)))
    assert flagger.transform(shelf).ravel().tolist() == [0] * 17 + [1]


def test_missing_values_are_not_flagged_and_all_missing_columns_flag_nothing():
    X = np.array([[1.0, np.nan], [np.nan, np.nan], [1.2, np.nan], [50.0, np.nan]] * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flags = RobustOutlierFlagger().fit_transform(X)
    assert flags[:, 0].tolist() == [0, 0, 0, 1] * 3
    assert flags[:, 1].sum() == 0


def test_flagger_names_and_pandas_output(prices):
    frame = pd.DataFrame(prices, columns=["regular_price", "offer_price"])
    out = RobustOutlierFlagger().set_output(transform="pandas").fit_transform(frame)
    assert list(out.columns) == ["regular_price_outlier", "offer_price_outlier"]
    assert out["regular_price_outlier"].iloc[17] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"method": "zscore"}, "method"),
        ({"threshold": 0}, "threshold"),
        ({"iqr_factor": -1}, "iqr"),
    ],
)
def test_flagger_rejects_bad_parameters_in_fit(prices, params, message):
    flagger = RobustOutlierFlagger(**params)  # __init__ only stores
    with pytest.raises(InputError, match=message):
        flagger.fit(prices)


@pytest.fixture
def price_frame():
    return pd.DataFrame(
        {
            "retailer": ["Tottus", "Tottus", "Tottus", "Wong", "Wong", "Metro", "Metro"],
            "external_id": ["a1", "a1", "a1", "a1", "a1", "m9", "m9"],
            "regular_price": [10.0, np.nan, 12.0, 20.0, np.nan, np.nan, np.nan],
            "offer_price": [8.0, 9.0, np.nan, np.nan, 18.0, 5.0, np.nan],
            "card_price": [np.nan] * 7,
            "in_stock": [True, True, False, True, True, True, False],
            "stock_level": [4, 3, 0, 10, 9, 1, 0],
            "name": ["Inca Kola 1.5L"] * 7,
        },
        index=[10, 11, 12, 13, 14, 15, 15],  # a duplicated label on purpose
    )


def test_group_median_imputer_fills_per_listing_then_global(price_frame):
    original = price_frame.copy()
    out = GroupMedianImputer().fit(price_frame).transform(price_frame)
    pd.testing.assert_frame_equal(price_frame, original)  # input untouched
    assert list(out.columns) == list(price_frame.columns)
    assert out.index.equals(price_frame.index)
    # Tottus a1 -> its own median 11; Wong a1 -> 20; Metro m9 has no regular price -> global 12.
    assert out["regular_price"].tolist() == [10.0, 11.0, 12.0, 20.0, 20.0, 12.0, 12.0]
    assert out["offer_price"].tolist() == [8.0, 9.0, 8.5, 18.0, 18.0, 5.0, 5.0]
    assert out["card_price"].isna().all()  # nothing observed anywhere: stays missing
    assert out["stock_level"].tolist() == price_frame["stock_level"].tolist()


def test_group_median_imputer_uses_global_median_for_unseen_groups(price_frame):
    imputer = GroupMedianImputer("retailer", columns=["regular_price"]).fit(price_frame)
    new = price_frame.head(2).assign(retailer=["Vivanda", "Tottus"], regular_price=np.nan)
    out = imputer.transform(new)
    assert out["regular_price"].tolist() == [12.0, 11.0]
    assert out["offer_price"].isna().sum() == new["offer_price"].isna().sum()  # not listed
    assert list(imputer.get_feature_names_out()) == list(price_frame.columns)


def test_group_median_imputer_rejects_bad_columns(price_frame):
    with pytest.raises(InputError, match="listing_id"):
        GroupMedianImputer("listing_id").fit(price_frame)
    with pytest.raises(InputError, match="'name'"):
        GroupMedianImputer(columns=["name"]).fit(price_frame)
    imputer = GroupMedianImputer().fit(price_frame)
    with pytest.raises(InputError, match="regular_price"):
        imputer.transform(price_frame.drop(columns="regular_price"))


def test_group_median_imputer_pandas_output_in_a_pipeline(price_frame):
    pipe = Pipeline(
        [
            ("fill", GroupMedianImputer()),
            ("features", make_preprocessor(numeric=["regular_price"], categorical=["retailer"])),
        ]
    ).set_output(transform="pandas")
    out = pipe.fit_transform(price_frame)
    assert isinstance(out, pd.DataFrame)
    assert "missing__missingindicator_regular_price" not in out.columns  # filled upstream
    assert not out.isna().any().any()


def test_consistency_checker_flags_each_rule():
    frame = pd.DataFrame(
        {
            "regular_price": [10.0, 10.0, 10.0, -1.0, 10.0, 150_000.0, np.nan],
            "offer_price": [9.0, 11.0, np.nan, np.nan, np.nan, np.nan, 5.0],
            "card_price": [8.5, np.nan, 10.5, np.nan, 9.0, np.nan, np.nan],
            "in_stock": pd.array([True, True, False, True, None, True, True], dtype="boolean"),
            "stock_level": pd.array([3, 2, 4, -2, 0, 5, None], dtype="Int64"),
        }
    )
    out = ConsistencyChecker().fit(frame).transform(frame)
    expected = {
        "price_positive_violated": [0, 0, 0, 1, 0, 0, 0],
        "price_below_max_violated": [0, 0, 0, 0, 0, 1, 0],
        "offer_not_above_regular_violated": [0, 1, 0, 0, 0, 0, 0],
        "card_not_above_regular_violated": [0, 0, 1, 0, 0, 0, 0],
        "stock_level_non_negative_violated": [0, 0, 0, 1, 0, 0, 0],
        "stock_matches_flag_violated": [0, 0, 1, 0, 0, 0, 0],
    }
    assert list(out.columns) == [*expected, "n_violations"]
    assert all(out[c].dtype == bool for c in expected)
    for column, values in expected.items():
        assert out[column].astype(int).tolist() == values, column
    assert out["n_violations"].tolist() == [0, 1, 2, 2, 0, 1, 0]


def test_consistency_checker_rules_follow_the_named_columns():
    frame = pd.DataFrame({"precio": [5.0, 0.0], "oferta": [6.0, np.nan]})
    checker = ConsistencyChecker(
        regular_col="precio",
        offer_col="oferta",
        card_col=None,
        in_stock_col=None,
        stock_level_col=None,
    )
    out = checker.set_output(transform="pandas").fit_transform(frame)
    assert checker.rules_ == ["price_positive", "price_below_max", "offer_not_above_regular"]
    assert list(out.columns) == list(checker.get_feature_names_out())
    assert out["n_violations"].tolist() == [1, 1]
    with pytest.raises(InputError, match="card_price"):
        ConsistencyChecker(regular_col="precio", offer_col="oferta").fit(frame)


def test_consistency_checker_rejects_values_it_cannot_read(price_frame):
    bad = price_frame.assign(in_stock=["maybe"] * 7, card_price=1.0)
    checker = ConsistencyChecker().fit(bad)
    with pytest.raises(InputError, match="in_stock"):
        checker.transform(bad)
    with pytest.raises(InputError, match="regular_price"):
        checker.transform(price_frame.assign(regular_price="S/ 12.90"))


@pytest.fixture
def feature_frame():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "regular_price": rng.normal(10, 1, 40),
            "discount_ratio": rng.uniform(0, 0.5, 40),
            "retailer": rng.choice(["Tottus", "Wong", "Plaza Vea"], 40),
            "category": rng.choice(["bebidas", "lacteos"], 40),
        }
    )
    frame.loc[[3, 7], "regular_price"] = np.nan
    frame.loc[[5], "retailer"] = None
    return frame


def test_make_preprocessor_names_trace_to_inputs_and_output_has_no_nan(feature_frame):
    pre = make_preprocessor(
        numeric=["regular_price", "discount_ratio"],
        categorical=["retailer", "category"],
        outlier_method="mad",
    )
    out = pre.fit_transform(feature_frame)
    names = list(pre.get_feature_names_out())
    assert names == [
        "numeric__regular_price",
        "numeric__discount_ratio",
        "missing__missingindicator_regular_price",
        "outlier__regular_price_outlier",
        "outlier__discount_ratio_outlier",
        "categorical__retailer_Plaza Vea",
        "categorical__retailer_Tottus",
        "categorical__retailer_Wong",
        "categorical__category_bebidas",
        "categorical__category_lacteos",
    ]
    assert out.shape == (40, len(names))
    assert not np.isnan(out).any()
    assert np.median(out[:, 0]) == pytest.approx(0.0)  # robust scaling centres the median


def test_make_preprocessor_ignores_unseen_categories_and_new_missing(feature_frame):
    pre = make_preprocessor(
        numeric=["discount_ratio"], categorical=["retailer"], scaling="standard"
    )
    pre.set_output(transform="pandas").fit(feature_frame)
    new = pd.DataFrame({"discount_ratio": [np.nan], "retailer": ["Vivanda"]})
    out = pre.transform(new)
    assert out.filter(like="retailer_").to_numpy().sum() == 0
    assert not out.isna().any().any()


def test_make_preprocessor_without_scaling_keeps_empty_columns(feature_frame):
    frame = feature_frame.assign(stock_level=np.nan)
    pre = make_preprocessor(
        numeric=["regular_price", "stock_level"], categorical=[], scaling="none"
    )
    out = pre.set_output(transform="pandas").fit_transform(frame)
    assert list(out.columns) == [
        "numeric__regular_price",
        "numeric__stock_level",
        "missing__missingindicator_regular_price",
        "missing__missingindicator_stock_level",
    ]
    median = frame["regular_price"].median()
    assert out["numeric__regular_price"].iloc[3] == pytest.approx(median)  # imputed, unscaled
    assert out["missing__missingindicator_stock_level"].all()
    assert not out.isna().any().any()


def test_make_preprocessor_rejects_bad_arguments():
    with pytest.raises(InputError, match="scaling"):
        make_preprocessor(numeric=["x"], categorical=[], scaling="minmax")
    with pytest.raises(InputError, match="at least one"):
        make_preprocessor(numeric=[], categorical=[])


def test_fitted_transformers_survive_pickling(feature_frame, price_frame, prices):
    fitted = [
        (make_preprocessor(numeric=["regular_price"], categorical=["retailer"]), feature_frame),
        (GroupMedianImputer(), price_frame),
        (ConsistencyChecker(), price_frame),
        (RobustOutlierFlagger(method="iqr"), prices),
    ]
    for estimator, data in fitted:
        before = estimator.fit(data).transform(data)
        after = pickle.loads(pickle.dumps(estimator)).transform(data)
        if isinstance(before, pd.DataFrame):
            pd.testing.assert_frame_equal(after, before)
        else:
            np.testing.assert_array_equal(after, before)
