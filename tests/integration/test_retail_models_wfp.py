"""The forecaster on real WFP monthly food prices (runs only where the shared dataset exists)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

WFP = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "wfp-food-prices-nicaragua"
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "forecast_wfp.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("forecast_wfp", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.skipif(
    not (WFP / "wfp_food_prices_nic.csv").is_file(),
    reason=f"the WFP dataset is not at {WFP} (it lives outside the repository)",
)
def test_forecaster_beats_the_seasonal_naive_on_wfp_prices():
    benchmark = _benchmark()
    panel = benchmark.load_wfp_panel(WFP, min_months=130)
    assert panel["series_id"].nunique() >= 10
    assert (panel["price"] > 0).all()
    report = benchmark.run(WFP, min_months=130, start="2021-01-01", step=6, refit_every=3)
    summary = {row["horizon"]: row for row in report["summary"]}
    assert set(summary) == {1, 2, 3}
    for row in summary.values():
        assert row["n"] > 50
        assert row["mase_model"] < row["mase_seasonal_naive"]
    assert report["attribution"].startswith("Source: World Food Programme")
