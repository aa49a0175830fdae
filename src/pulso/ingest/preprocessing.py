"""Reusable preprocessing transformers that follow the scikit-learn estimator contract.

scikit-learn's own pieces do the common work (``SimpleImputer``, ``MissingIndicator``,
``RobustScaler``, ``OneHotEncoder``, ``ColumnTransformer``, wired by :func:`make_preprocessor`);
this module adds what scikit-learn lacks:

- :class:`RobustOutlierFlagger`: 0/1 outlier flags per column from the median absolute
  deviation (modified z-score) or Tukey's IQR fences.
- :class:`GroupMedianImputer`: fills missing numbers with the median of their group (for
  example a listing's own price), falling back to the global median.
- :class:`ConsistencyChecker`: one boolean ``<rule>_violated`` column per price-frame rule.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, RobustScaler, StandardScaler
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from pulso.errors import InputError

__all__ = ["ConsistencyChecker", "GroupMedianImputer", "RobustOutlierFlagger", "make_preprocessor"]

logger = logging.getLogger(__name__)

MAD_TO_SD = 1.4826  # MAD * 1.4826 estimates the standard deviation of normal data
MEAN_AD_TO_SD = 1.2533  # sqrt(pi / 2): the same for the mean absolute deviation
IQR_TO_SD = 1.349  # the IQR of a standard normal distribution

FloatArray = npt.NDArray[np.float64]


class RobustOutlierFlagger(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Flag values far from each column's median; output ``<column>_outlier`` as 0/1 (int8).

    ``method="mad"`` flags ``|x - median| / (1.4826 * MAD) > threshold`` (Iglewicz and
    Hoaglin's modified z-score; 3.5 is their cut-off). ``method="iqr"`` flags values outside
    ``[Q1 - iqr_factor * IQR, Q3 + iqr_factor * IQR]``. When more than half of a column holds
    one value (MAD or IQR of 0, common for shelf prices) the spread falls back to the mean
    absolute deviation; a column that is constant in ``fit`` flags every other value.
    Missing values are never flagged.
    """

    def __init__(self, method: str = "mad", *, threshold: float = 3.5, iqr_factor: float = 1.5):
        self.method = method
        self.threshold = threshold
        self.iqr_factor = iqr_factor

    def fit(self, X: npt.ArrayLike, y: object = None) -> RobustOutlierFlagger:  # noqa: ARG002
        """Learn each column's median, robust spread and outlier fences."""
        if self.method not in {"mad", "iqr"}:
            raise InputError(f"method must be 'mad' or 'iqr', got {self.method!r}")
        for name in ("threshold", "iqr_factor"):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} must be > 0, got {getattr(self, name)!r}")
        data = self._validated(X, reset=True)
        with warnings.catch_warnings():  # all-missing columns learn NaN and flag nothing
            warnings.simplefilter("ignore", RuntimeWarning)
            self.center_: FloatArray = np.nanmedian(data, axis=0)
            q1, q3 = np.nanpercentile(data, [25, 75], axis=0)
            mad = np.nanmedian(np.abs(data - self.center_), axis=0)
            mean_ad = np.nanmean(np.abs(data - self.center_), axis=0)
        spread = (q3 - q1) / IQR_TO_SD if self.method == "iqr" else MAD_TO_SD * mad
        self.scale_: FloatArray = np.where(spread > 0, spread, MEAN_AD_TO_SD * mean_ad)
        if self.method == "iqr":
            reach = self.iqr_factor * IQR_TO_SD * self.scale_
            self.lower_: FloatArray = q1 - reach
            self.upper_: FloatArray = q3 + reach
        else:
            self.lower_ = self.center_ - self.threshold * self.scale_
            self.upper_ = self.center_ + self.threshold * self.scale_
        return self

    def transform(self, X: npt.ArrayLike) -> npt.NDArray[np.int8]:
        """Return 1 where a value lies outside its column's fences, else 0."""
        check_is_fitted(self)
        data = self._validated(X, reset=False)
        return ((data < self.lower_) | (data > self.upper_)).astype(np.int8)

    def robust_zscore(self, X: npt.ArrayLike) -> FloatArray:
        """Signed robust z, ``(x - median) / scale_``; +-inf off a constant column, NaN if missing."""
        check_is_fitted(self)
        data = self._validated(X, reset=False)
        deviation = data - self.center_
        with np.errstate(divide="ignore", invalid="ignore"):  # scale_ 0 on constant columns
            z = deviation / self.scale_
        return np.where((self.scale_ == 0) & (deviation == 0), 0.0, z)

    def _validated(self, X: npt.ArrayLike, *, reset: bool) -> FloatArray:
        data: FloatArray = validate_data(
            self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=reset
        )
        return data

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> Any:
        """Return ``<column>_outlier`` for every input column."""
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray([f"{name}_outlier" for name in names], dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = []  # the output is int8 flags, whatever X is
        return tags


def _check_frame(X: object, required: Sequence[str], owner: str) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise InputError(f"{owner} needs a pandas DataFrame, got {type(X).__name__}")
    for column in required:
        if column not in X.columns:
            raise InputError(f"{owner}: the frame has no such column", column=column)
    return X


class GroupMedianImputer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Fill missing numbers with the median of their group, learned in ``fit``.

    DataFrame in, DataFrame out (same columns, same order). ``group_col`` names one column or
    several (the default is the listing key of a price frame); ``columns`` names the numeric
    columns to fill (default: every numeric column that is not a group key). Unseen groups,
    groups with no observed value and rows with a missing key get the global median; a column
    with no observed value at all in ``fit`` stays missing.
    """

    def __init__(
        self,
        group_col: str | Sequence[str] = ("retailer", "external_id"),
        *,
        columns: Sequence[str] | None = None,
    ):
        self.group_col = group_col
        self.columns = columns

    def _keys(self) -> list[str]:
        return [self.group_col] if isinstance(self.group_col, str) else list(self.group_col)

    def fit(self, X: pd.DataFrame, y: object = None) -> GroupMedianImputer:  # noqa: ARG002
        """Learn per-group and global medians of the columns to fill."""
        keys = self._keys()
        frame = _check_frame(X, [*keys, *(self.columns or [])], type(self).__name__)
        if self.columns is None:
            numeric = frame.drop(columns=keys).select_dtypes("number").columns
            self.columns_ = [c for c in numeric if not pd.api.types.is_bool_dtype(frame[c])]
        else:
            self.columns_ = list(self.columns)
        for column in self.columns_:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                raise InputError(f"cannot take a median of {frame[column].dtype}", column=column)
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.global_medians_ = frame[self.columns_].median()
        self.group_medians_ = frame.groupby(keys)[self.columns_].median()
        logger.debug(
            "learned medians of %d columns in %d groups", *self.group_medians_.shape[::-1]
        )
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return a copy of ``X`` with missing values in ``columns_`` filled."""
        check_is_fitted(self)
        frame = _check_frame(X, list(self.feature_names_in_), type(self).__name__)
        keys = self._keys()
        index = (
            pd.MultiIndex.from_frame(frame[keys]) if len(keys) > 1 else pd.Index(frame[keys[0]])
        )
        fill = self.group_medians_.reindex(index).fillna(self.global_medians_)
        out = frame[list(self.feature_names_in_)].copy()
        for column in self.columns_:
            out[column] = out[column].mask(out[column].isna(), fill[column].to_numpy())
        return out

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True  # group keys are usually text
        return tags


class ConsistencyChecker(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Check price-frame rules; output one boolean ``<rule>_violated`` column each, and
    ``n_violations``. A missing value never violates a rule. The rules, in output order:

    - ``price_positive``: every given price (regular, offer, card) is > 0;
    - ``price_below_max``: every given price is < ``max_price_pen`` (the import limit);
    - ``offer_not_above_regular``: offer price <= regular price;
    - ``card_not_above_regular``: card price <= regular price;
    - ``stock_level_non_negative``: stock level >= 0;
    - ``stock_matches_flag``: out of stock means stock level 0; in stock means not 0.

    Each ``*_col`` names its column; ``None`` turns off the rules that need it. A named
    column missing from the frame in ``fit`` raises :class:`~pulso.errors.InputError`.
    """

    def __init__(
        self,
        *,
        regular_col: str | None = "regular_price",
        offer_col: str | None = "offer_price",
        card_col: str | None = "card_price",
        in_stock_col: str | None = "in_stock",
        stock_level_col: str | None = "stock_level",
        max_price_pen: float = 100_000.0,
    ):
        self.regular_col = regular_col
        self.offer_col = offer_col
        self.card_col = card_col
        self.in_stock_col = in_stock_col
        self.stock_level_col = stock_level_col
        self.max_price_pen = max_price_pen

    def _prices(self) -> list[str]:
        return [c for c in (self.regular_col, self.offer_col, self.card_col) if c is not None]

    def _rule_columns(self) -> dict[str, list[str | None]]:
        prices: list[str | None] = [*self._prices()] or [None]
        return {
            "price_positive": prices,
            "price_below_max": prices,
            "offer_not_above_regular": [self.offer_col, self.regular_col],
            "card_not_above_regular": [self.card_col, self.regular_col],
            "stock_level_non_negative": [self.stock_level_col],
            "stock_matches_flag": [self.in_stock_col, self.stock_level_col],
        }

    def fit(self, X: pd.DataFrame, y: object = None) -> ConsistencyChecker:  # noqa: ARG002
        """Check the named columns exist and record the rules that apply in ``rules_``."""
        rules = {r: cols for r, cols in self._rule_columns().items() if None not in cols}
        self.columns_ = sorted({c for cols in rules.values() for c in cols if c is not None})
        frame = _check_frame(X, self.columns_, type(self).__name__)
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.rules_ = list(rules)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return the ``<rule>_violated`` flags and ``n_violations`` for every row of ``X``."""
        check_is_fitted(self)
        frame = _check_frame(X, self.columns_, type(self).__name__)
        prices = pd.DataFrame({c: _numeric(frame, c) for c in self._prices()}, index=frame.index)
        out = pd.DataFrame(index=frame.index)
        for rule in self.rules_:
            violated = self._violations(rule, frame, prices)
            out[f"{rule}_violated"] = violated.fillna(False).astype(bool)
        out["n_violations"] = out.sum(axis=1).astype(np.int64)
        return out

    def _violations(self, rule: str, frame: pd.DataFrame, prices: pd.DataFrame) -> pd.Series[Any]:
        if rule == "price_positive":
            return (prices <= 0).any(axis=1)
        if rule == "price_below_max":
            return (prices >= self.max_price_pen).any(axis=1)
        if rule in {"offer_not_above_regular", "card_not_above_regular"}:
            column = self.offer_col if rule.startswith("offer") else self.card_col
            return prices[column] > prices[self.regular_col]
        level = _numeric(frame, str(self.stock_level_col))
        if rule == "stock_level_non_negative":
            return level < 0
        try:
            in_stock = frame[self.in_stock_col].astype("boolean")
        except (TypeError, ValueError) as exc:
            raise InputError("expected booleans", column=self.in_stock_col) from exc
        return (in_stock.eq(False) & (level > 0)) | (in_stock.eq(True) & (level == 0))

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> Any:
        """Return ``<rule>_violated`` for each rule in ``rules_``, then ``n_violations``."""
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)  # validates them; rules name the output
        return np.asarray([*(f"{r}_violated" for r in self.rules_), "n_violations"], dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series[float]:
    try:
        return pd.to_numeric(frame[column]).astype("float64")
    except (TypeError, ValueError) as exc:
        raise InputError("expected numbers", column=column) from exc


def make_preprocessor(
    *,
    numeric: Sequence[str],
    categorical: Sequence[str],
    scaling: str = "robust",
    outlier_method: str | None = None,
) -> ColumnTransformer:
    """Build the shared ``ColumnTransformer`` for model features.

    Numeric columns: median imputation then ``RobustScaler`` (``scaling="standard"`` for
    ``StandardScaler``, ``"none"`` to skip), plus a missing indicator for each column that had
    missing values in ``fit``, plus :class:`RobustOutlierFlagger` flags when ``outlier_method``
    is ``"mad"`` or ``"iqr"``. Categorical columns: most-frequent imputation then one-hot
    encoding that ignores unseen categories. Output names are prefixed by the branch
    (``numeric__``, ``missing__``, ``outlier__``, ``categorical__``) and keep the input column.
    """
    scalers = {"robust": RobustScaler, "standard": StandardScaler, "none": None}
    if scaling not in scalers:
        raise InputError(f"scaling must be one of {sorted(scalers)}, got {scaling!r}")
    if not numeric and not categorical:
        raise InputError("make_preprocessor needs at least one numeric or categorical column")
    branches: list[tuple[str, Any, list[str]]] = []
    if numeric:
        scaler = scalers[scaling]
        impute = SimpleImputer(strategy="median", keep_empty_features=True)
        scale = [scaler()] if scaler is not None else []
        branches.append(("numeric", make_pipeline(impute, *scale), list(numeric)))
        branches.append(("missing", MissingIndicator(error_on_new=False), list(numeric)))
        if outlier_method is not None:
            flagger = RobustOutlierFlagger(method=outlier_method)
            branches.append(("outlier", flagger, list(numeric)))
    if categorical:
        encode = make_pipeline(
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
        )
        branches.append(("categorical", encode, list(categorical)))
    return ColumnTransformer(branches, remainder="drop", verbose_feature_names_out=True)
