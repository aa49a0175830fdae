"""The demo orchestrator: every file, the manifest in ingest order, reproducibility."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pulso.errors import InputError
from pulso.synth import SCALES, DemoManifest, generate_demo

END = date(2026, 7, 31)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, generate_demo(out, scale="small", seed=3, end_date=END)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_manifest_lists_retail_then_restaurant_files_in_ingest_order(demo):
    _, manifest = demo
    kinds = [e.kind for e in manifest.entries]
    assert kinds[:9] == ["catalog"] + ["prices"] * 6 + ["sales", "promotions"]
    assert len(kinds) > 9
    assert not {"catalog", "prices", "sales", "promotions"} & set(kinds[9:])
    assert all(e.path.startswith("restaurants/") for e in manifest.entries[9:-1])
    assert (kinds[-1], manifest.entries[-1].path) == ("shoppers", "retail/shoppers.csv")
    sources = [e.source for e in manifest.entries if e.kind == "prices"]
    assert sources[0] == "plaza-vea"
    assert len(set(sources)) == 6
    assert (manifest.scale, manifest.seed, manifest.end_date) == ("small", 3, "2026-07-31")


def test_every_listed_file_exists_and_manifest_round_trips(demo):
    out, manifest = demo
    for entry in manifest.entries:
        assert (out / entry.path).is_file(), entry.path
        assert entry.rows > 0
    assert {"retail_matches", "retail_strategies", "retail_promotions"} <= set(
        manifest.ground_truth
    )
    for relative in manifest.ground_truth.values():
        assert relative.startswith("ground_truth/")
        assert (out / relative).is_file(), relative
    assert DemoManifest.read(out) == manifest


@pytest.mark.slow
def test_same_arguments_give_byte_identical_files(demo, tmp_path):
    out, manifest = demo
    again = generate_demo(tmp_path, scale="small", seed=3, end_date=END)
    assert again == manifest
    assert _files(tmp_path) == _files(out)


@pytest.mark.slow
def test_end_date_defaults_to_today_in_lima(tmp_path):
    manifest = generate_demo(tmp_path, scale="small", seed=5)
    today = datetime.now(ZoneInfo("America/Lima")).date()
    assert manifest.end_date == today.isoformat()


def test_unknown_scale_is_rejected_before_writing(tmp_path):
    with pytest.raises(InputError, match="unknown scale"):
        generate_demo(tmp_path / "out", scale="gigantic")
    assert not (tmp_path / "out").exists()
    assert set(SCALES) == {"small", "medium", "large"}
    assert SCALES["medium"].retail_products >= 2_000
    assert SCALES["medium"].retail_days == 365
