"""Daily price panels: every listing's regular, shelf and card price on every day.

:func:`build_panel` turns price observations (one row per listing and scrape) into a
:class:`PricePanel` of wide frames, one row per local day and one column per listing, keeping
each day's last observation. Three price levels are kept apart:

* ``regular``: the list price;
* ``shelf``: the offer price when there is one, else the regular price (what anyone pays);
* ``card``: the loyalty-card price when there is one, else the shelf price.

:func:`detect_price_anomalies` finds one-day regular prices far from the listing's rolling
median (robust z-score with a MAD scale); :meth:`PricePanel.without` masks them so that price
changes, indexes and gaps are not distorted by typos. :func:`listing_activity` sums up each
listing's history (availability, price changes, promotions, latest prices) and
:func:`weekly_prices` averages the panel per ISO week (weeks start on Monday).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from pulso.pricing.schemas import ObservationSchema

__all__ = [
    "DEFAULT_TIMEZONE",
    "PricePanel",
    "build_panel",
    "detect_price_anomalies",
    "latest_prices",
    "listing_activity",
    "week_start",
    "weekly_prices",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "America/Lima"
HAS_PROMO_TEXT = "has_promo_text"
_MAD_TO_SIGMA = 1.4826

LISTING, DAY, WEEK = "listing_id", "day", "week"


@dataclass(frozen=True, slots=True)
class PricePanel:
    """Daily prices as wide frames: index = local days (every day of the span), columns = listings.

    Prices are NaN on days a listing was not observed. ``out_of_stock`` is 1.0 when the
    listing was out of stock, 0.0 when in stock and NaN when unknown; ``on_promo`` is 1.0 when
    an offer price, a card price or a promotion text was shown.
    """

    regular: pd.DataFrame
    shelf: pd.DataFrame
    card: pd.DataFrame
    out_of_stock: pd.DataFrame
    on_promo: pd.DataFrame

    @property
    def days(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.regular.index)

    @property
    def listing_ids(self) -> pd.Index:
        return self.regular.columns

    @property
    def observed(self) -> pd.DataFrame:
        """True on the days a listing has a price."""
        return self.regular.notna()

    def without(self, anomalies: pd.DataFrame) -> PricePanel:
        """The panel with the prices of ``anomalies`` (``listing_id, day`` rows) masked."""
        if anomalies.empty:
            return self
        rows = self.days.get_indexer(pd.DatetimeIndex(anomalies[DAY]))
        columns = self.listing_ids.get_indexer(pd.Index(anomalies[LISTING]))
        keep = (rows >= 0) & (columns >= 0)
        masked = []
        for frame in (self.regular, self.shelf, self.card):
            values = frame.to_numpy(copy=True)
            values[rows[keep], columns[keep]] = np.nan
            masked.append(pd.DataFrame(values, index=frame.index, columns=frame.columns))
        return PricePanel(masked[0], masked[1], masked[2], self.out_of_stock, self.on_promo)


def build_panel(observations: pd.DataFrame, *, timezone: str = DEFAULT_TIMEZONE) -> PricePanel:
    """Build the daily panel of :class:`ObservationSchema` rows (days in ``timezone``).

    An optional boolean ``has_promo_text`` column marks observations that showed a promotion
    text. Raises nothing on an empty frame: the panel is then empty.
    """
    frame = ObservationSchema.validate(observations)
    if frame.empty:
        empty = pd.DataFrame(index=pd.DatetimeIndex([], name=DAY))
        return PricePanel(empty, empty, empty, empty, empty)
    local = frame[ObservationSchema.observed_at].dt.tz_convert(timezone).dt.tz_localize(None)
    days = local.dt.normalize()
    span = pd.date_range(days.min(), days.max(), freq="D", name=DAY)
    listing_ids, listing_codes = np.unique(
        frame[ObservationSchema.listing_id].to_numpy(dtype=np.int64), return_inverse=True
    )
    day_codes = ((days - span[0]) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
    order = np.argsort(local.to_numpy(), kind="stable")
    cells = (day_codes[order], listing_codes[order])

    def grid(values: npt.NDArray[np.float64]) -> pd.DataFrame:
        array = np.full((len(span), len(listing_ids)), np.nan)
        array[cells] = values[order]
        return pd.DataFrame(array, index=span, columns=pd.Index(listing_ids, name=LISTING))

    regular = frame[ObservationSchema.regular_price_pen].to_numpy(dtype=np.float64)
    offer = frame[ObservationSchema.offer_price_pen].to_numpy(dtype=np.float64, na_value=np.nan)
    card = frame[ObservationSchema.card_price_pen].to_numpy(dtype=np.float64, na_value=np.nan)
    shelf = np.where(np.isnan(offer), regular, np.fmin(offer, regular))
    best = np.where(np.isnan(card), shelf, np.fmin(card, shelf))
    in_stock = frame[ObservationSchema.in_stock]
    out_of_stock = np.where(in_stock.isna(), np.nan, (~in_stock.fillna(True)).astype(float))
    promo = ~np.isnan(offer) | ~np.isnan(card)
    if HAS_PROMO_TEXT in frame.columns:
        promo |= frame[HAS_PROMO_TEXT].fillna(False).to_numpy(dtype=bool)
    return PricePanel(
        regular=grid(regular),
        shelf=grid(shelf),
        card=grid(best),
        out_of_stock=grid(out_of_stock.astype(np.float64)),
        on_promo=grid(promo.astype(np.float64)),
    )


def detect_price_anomalies(
    panel: PricePanel,
    *,
    window: int = 15,
    min_ratio: float = 2.0,
    min_z: float = 6.0,
    scale_floor: float = 0.02,
) -> pd.DataFrame:
    """One-day regular prices far from the listing's centred rolling median.

    The robust z-score is ``(price - median) / max(1.4826 * MAD, scale_floor * median)`` over
    a centred window of ``window`` observed days (the MAD is the rolling median of the
    absolute deviations from the rolling median; the floor keeps flat price series from
    dividing by zero). A price is an anomaly when ``|z| >= min_z`` and it is at least
    ``min_ratio`` times the median or at most its inverse. A lasting step change is not an
    anomaly: past the middle of the window the median follows it.

    Returns ``listing_id, day, price_pen, expected_pen, robust_z, ratio``.
    """
    regular = panel.regular
    columns = [LISTING, DAY, "price_pen", "expected_pen", "robust_z", "ratio"]
    if regular.empty:
        return pd.DataFrame(columns=columns)
    min_periods = max(3, window // 3)
    median = regular.rolling(window, center=True, min_periods=min_periods).median()
    deviation = (regular - median).abs()
    mad = deviation.rolling(window, center=True, min_periods=min_periods).median()
    floor = scale_floor * median
    scale = (_MAD_TO_SIGMA * mad).where(lambda spread: spread >= floor, floor)
    z = (regular - median) / scale
    ratio = regular / median
    flagged = (z.abs() >= min_z) & ((ratio >= min_ratio) | (ratio <= 1.0 / min_ratio))
    rows, cols = np.nonzero(flagged.to_numpy())
    found = pd.DataFrame(
        {
            LISTING: regular.columns.to_numpy()[cols].astype(np.int64),
            DAY: regular.index.to_numpy()[rows],
            "price_pen": regular.to_numpy()[rows, cols],
            "expected_pen": median.to_numpy()[rows, cols],
            "robust_z": z.to_numpy()[rows, cols],
            "ratio": ratio.to_numpy()[rows, cols],
        }
    )
    logger.info("found %d price anomalies in %d listings", len(found), regular.shape[1])
    return found.sort_values([LISTING, DAY], ignore_index=True)[columns]


def latest_prices(panel: PricePanel) -> pd.DataFrame:
    """Each listing's last observed day and its prices and stock there.

    Returns one row per listing (index ``listing_id``) with ``day``, ``regular_pen``,
    ``shelf_pen``, ``card_pen`` and ``in_stock`` (boolean, NA when unknown).
    """
    observed = panel.observed.to_numpy()
    last_row = len(panel.days) - 1 - np.argmax(observed[::-1], axis=0)
    columns = np.arange(observed.shape[1])

    def at_last(frame: pd.DataFrame) -> npt.NDArray[np.float64]:
        return np.asarray(frame.to_numpy()[last_row, columns], dtype=np.float64)

    out = at_last(panel.out_of_stock)
    in_stock = pd.Series(out == 0.0, dtype="boolean").mask(np.isnan(out))
    latest = pd.DataFrame(
        {
            DAY: panel.days.to_numpy()[last_row],
            "regular_pen": at_last(panel.regular),
            "shelf_pen": at_last(panel.shelf),
            "card_pen": at_last(panel.card),
            "in_stock": in_stock.to_numpy(),
        },
        index=panel.listing_ids,
    )
    return latest.loc[np.asarray(observed.any(axis=0), dtype=bool)]


def listing_activity(panel: PricePanel) -> pd.DataFrame:
    """Each listing's history summed up (one row per listing, index ``listing_id``).

    Columns: ``first_day``, ``last_day``, ``days_observed``; ``stockout_rate`` (share of the
    days with a known stock that were out of stock) and ``stockout_runs`` (separate runs of
    such days); ``price_changes``, ``price_increases``, ``price_decreases`` (changes of the
    regular price from one observed day to the next) and ``mean_abs_change_pct`` (their mean
    size in percent); ``promo_day_share`` (share of observed days on promotion); ``volatility``
    (standard deviation of the daily log change of the shelf price); ``mean_regular_pen``.
    """
    observed = panel.observed
    days = panel.days.to_numpy()
    present = observed.to_numpy()
    first = np.argmax(present, axis=0)
    last = len(days) - 1 - np.argmax(present[::-1], axis=0)
    out = panel.out_of_stock
    stock_known = out.notna().sum()
    runs = ((out == 1.0) & (out.ffill().shift(1) != 1.0)).sum()
    regular = panel.regular.ffill()
    previous = regular.shift(1)
    change = (regular / previous - 1.0).where(observed & previous.notna())
    changed = change.abs() > 1e-9
    log_shelf = panel.shelf.ffill().apply(np.log)
    volatility = log_shelf.diff().where(observed).std(ddof=0).fillna(0.0)
    activity = pd.DataFrame(
        {
            "first_day": days[first],
            "last_day": days[last],
            "days_observed": observed.sum(),
            "stockout_rate": (out.sum() / stock_known.where(stock_known > 0)).fillna(0.0),
            "stockout_runs": runs,
            "price_changes": changed.sum(),
            "price_increases": (change > 1e-9).sum(),
            "price_decreases": (change < -1e-9).sum(),
            "mean_abs_change_pct": change.abs().where(changed).mean() * 100.0,
            "promo_day_share": panel.on_promo.sum() / observed.sum().where(observed.sum() > 0),
            "volatility": volatility,
            "mean_regular_pen": panel.regular.mean(),
        },
        index=panel.listing_ids,
    )
    return activity.loc[np.asarray(present.any(axis=0), dtype=bool)]


def week_start(days: pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The Monday that starts the ISO week of each day."""
    index = pd.DatetimeIndex(days).normalize()
    return index - pd.to_timedelta(index.day_of_week, unit="D")


def weekly_prices(panel: PricePanel) -> pd.DataFrame:
    """Mean regular and shelf price of every listing in every week it was observed.

    Returns ``listing_id, week, regular_pen, shelf_pen, days_observed``.
    """
    columns = [LISTING, WEEK, "regular_pen", "shelf_pen", "days_observed"]
    if panel.regular.empty:
        return pd.DataFrame(columns=columns)
    weeks = week_start(panel.days)
    parts = {
        "regular_pen": panel.regular.groupby(weeks).mean(),
        "shelf_pen": panel.shelf.groupby(weeks).mean(),
        "days_observed": panel.observed.groupby(weeks).sum(),
    }
    long = {name: frame.stack(future_stack=True) for name, frame in parts.items()}
    result = pd.DataFrame(long)
    result.index = result.index.set_names([WEEK, LISTING])
    result = result.reset_index()
    result = result[result["days_observed"] > 0]
    return result[columns].reset_index(drop=True)
