"""Pulso's price forecaster on real monthly food prices (WFP, Nicaragua), against baselines.

Run by hand (not in tests)::

    .venv/bin/python benchmarks/forecast_wfp.py ../shared/datasets/wfp-food-prices-nicaragua/

PATH is the dataset folder (or its ``wfp_food_prices_nic.csv``); the data is never copied into
the repository. Every retail series (commodity x market) with at least ``--min-months``
monthly prices is backtested with rolling origins every ``--step`` months from ``--start``:
:class:`~pulso.pricing.forecasting.PriceForecaster` (trained on all series' history up to each
origin, refitted every ``--refit-every`` origins) forecasts 1 to 3 months ahead, next to the
naive forecast, the seasonal naive (12 months) and, when the ``statsforecast`` package is
installed, its AutoETS fitted per series and origin. Errors are scaled by each series'
in-sample seasonal (12-month) naive MAE up to the origin (MASE, as in the M4 competition for
monthly data); ``mase_pooled`` divides summed errors by summed scales.

Source: World Food Programme (WFP) Price Database, via the Humanitarian Data Exchange (HDX),
CC BY-IGO.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from pulso.pricing.backtest import rolling_origin_backtest, summarise_backtest
from pulso.pricing.calendar import monthly_calendar
from pulso.pricing.forecasting import PERIOD, PRICE, SERIES, FeatureConfig, PriceForecaster

logger = logging.getLogger("benchmarks.forecast_wfp")

ATTRIBUTION = (
    "Source: World Food Programme (WFP) Price Database, via the Humanitarian Data Exchange "
    "(HDX), CC BY-IGO."
)
HORIZONS = (1, 2, 3)
SEASON = 12
GROUPS = ("commodity_code", "market_code")


def load_wfp_panel(path: Path, *, min_months: int) -> pd.DataFrame:
    """Monthly retail prices per commodity x market as a forecasting panel."""
    csv = path / "wfp_food_prices_nic.csv" if path.is_dir() else path
    raw = pd.read_csv(csv)
    retail = raw[raw["pricetype"] == "Retail"].copy()
    retail[PERIOD] = pd.to_datetime(retail["date"]).dt.to_period("M").dt.to_timestamp()
    retail[SERIES] = retail["commodity"] + " | " + retail["market"] + " | " + retail["unit"]
    panel = retail.groupby([SERIES, PERIOD], as_index=False).agg(
        price=("price", "mean"), commodity=("commodity", "first"), market=("market", "first")
    )
    counts = panel.groupby(SERIES)[PERIOD].transform("size")
    panel = panel[counts >= min_months].reset_index(drop=True)
    for column, code in (("commodity", GROUPS[0]), ("market", GROUPS[1])):
        panel[code] = pd.Categorical(panel[column]).codes.astype(int)
    return panel[[SERIES, PERIOD, PRICE, *GROUPS]]


def _calendar(periods: pd.DatetimeIndex) -> pd.DataFrame:
    return monthly_calendar(periods.date)


def _ets_errors(panel: pd.DataFrame, errors: pd.DataFrame) -> pd.Series | None:
    """AutoETS forecasts for the scored rows, or None when statsforecast is not installed."""
    try:
        from statsforecast.models import AutoETS  # type: ignore[import-not-found]
    except ImportError:
        return None
    wide = panel.pivot(index=PERIOD, columns=SERIES, values=PRICE).asfreq("MS")
    forecasts = {}
    for (series, origin), _ in errors.groupby([SERIES, "origin"]):
        history = wide[series][wide.index <= origin].dropna().to_numpy()
        if history.size < 2 * SEASON:
            continue
        model = AutoETS(season_length=SEASON).fit(history)
        for h, value in enumerate(model.predict(max(HORIZONS))["mean"], start=1):
            forecasts[(series, origin, h)] = value
    keys = list(zip(errors[SERIES], errors["origin"], errors["horizon"], strict=True))
    return pd.Series([forecasts.get(key, math.nan) for key in keys], index=errors.index)


def run(
    path: Path,
    *,
    min_months: int = 60,
    start: str = "2015-01-01",
    step: int = 3,
    refit_every: int = 2,
    seed: int = 7,
) -> dict[str, Any]:
    """Backtest and return the summary per horizon plus run facts."""
    panel = load_wfp_panel(path, min_months=min_months)
    periods = pd.date_range(panel[PERIOD].min(), panel[PERIOD].max(), freq="MS")
    origins = [p for p in periods[::-step][::-1] if p >= pd.Timestamp(start)]
    origins = [p for p in origins if p <= periods[-1 - min(HORIZONS)]]
    config = FeatureConfig(
        freq="MS",
        horizons=HORIZONS,
        lags=(0, 1, 2, 3, 6, 11),
        windows=(3, 12),
        season_length=SEASON,
        group_columns=GROUPS,
    )
    estimator = PriceForecaster(
        max_iter=200, min_samples_leaf=20, categorical_features=list(GROUPS), random_state=seed
    )
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        result = rolling_origin_backtest(
            panel,
            estimator=estimator,
            config=config,
            origins=origins,
            calendar=_calendar,
            season_length=SEASON,
            scale_season_length=SEASON,
            refit_every=refit_every,
            random_state=seed,
        )
    seconds = time.perf_counter() - started
    errors = result.errors
    summary = result.summary
    ets = _ets_errors(panel, errors)
    if ets is not None:
        scored = errors.assign(forecast=ets).dropna(subset=["forecast"])
        ets_summary = summarise_backtest(scored.assign(seasonal_naive=np.nan))
        summary = summary.merge(
            ets_summary[["horizon", "mase_model", "mase_pooled_model"]].rename(
                columns={"mase_model": "mase_autoets", "mase_pooled_model": "mase_pooled_autoets"}
            ),
            on="horizon",
        )
    return {
        "series": int(panel[SERIES].nunique()),
        "observations": len(panel),
        "origins": len(origins),
        "first_origin": str(origins[0].date()),
        "last_origin": str(origins[-1].date()),
        "backtest_seconds": round(seconds, 1),
        "autoets": "statsforecast AutoETS" if ets is not None else "statsforecast not installed",
        "summary": summary.round(4).to_dict(orient="records"),
        "attribution": ATTRIBUTION,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", type=Path, help="WFP dataset folder or its CSV file")
    parser.add_argument("--min-months", type=int, default=60)
    parser.add_argument("--start", default="2015-01-01", help="first backtest origin")
    parser.add_argument("--step", type=int, default=3, help="months between origins")
    parser.add_argument("--refit-every", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    if not args.path.exists():
        parser.error(f"{args.path} does not exist")
    logging.basicConfig(level=logging.WARNING)
    report = run(
        args.path,
        min_months=args.min_months,
        start=args.start,
        step=args.step,
        refit_every=args.refit_every,
    )
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return 0
    lines = [
        f"WFP Nicaragua retail prices: {report['series']} series, {report['observations']} "
        f"monthly prices, {report['origins']} origins {report['first_origin']}.."
        f"{report['last_origin']}, backtest {report['backtest_seconds']} s ({report['autoets']})",
        pd.DataFrame(report["summary"]).to_string(index=False),
        report["attribution"],
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
