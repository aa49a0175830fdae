"""Prometheus itself: rule checks and unit tests with promtool, and a real scrape of Pulso.

``make test`` installs Debian's ``prometheus`` package (``promtool`` and ``prometheus``) when
it is missing; these tests fail with the install command when the tools are absent in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from tests.factories import BAD_PRICE_ROWS, prices_file
from tests.integration.ops_support import app_with_metrics, free_port, serve

from pulso.ingest.runner import ingest_file

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULES = DEPLOY / "prometheus"
INSTALL = "apt-get install -y prometheus (Debian), or run `make test`"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: {INSTALL}")
        pytest.skip(f"{name} is missing: {INSTALL}")
    return path


def _run(*args: str, cwd: Path = RULES) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_promtool_checks_the_rules_and_the_config():
    promtool = _tool("promtool")

    rules = _run(promtool, "check", "rules", "alerts.yml")
    config = _run(promtool, "check", "config", "prometheus.yml")

    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "SUCCESS: 13 rules found" in rules.stdout
    assert config.returncode == 0, config.stdout + config.stderr


def test_promtool_unit_tests_of_the_alert_rules():
    promtool = _tool("promtool")

    result = _run(promtool, "test", "rules", "alerts_test.yml", "alerts_long_test.yml")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == 2


def test_promtool_unit_tests_fail_when_a_rule_changes(tmp_path):
    """The unit tests pin the thresholds: a looser stale-data rule makes them fail."""
    promtool = _tool("promtool")
    for name in ("alerts_test.yml", "alerts.yml"):
        shutil.copy(RULES / name, tmp_path / name)
    rules = tmp_path / "alerts.yml"
    rules.write_text(rules.read_text().replace("> 36 * 3600", "> 48 * 3600", 1))

    result = _run(promtool, "test", "rules", "alerts_test.yml", cwd=tmp_path)

    assert result.returncode != 0
    assert "PulsoDataStale" in result.stdout + result.stderr


def test_alertmanager_config_is_valid():
    amtool = shutil.which("amtool")
    if amtool is None:
        pytest.skip("amtool is missing: apt-get install -y prometheus-alertmanager")

    result = _run(amtool, "check-config", str(DEPLOY / "alertmanager" / "alertmanager.yml"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 receivers" in result.stdout


def _wait_ready(prometheus: str, process: subprocess.Popen[bytes], *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{prometheus}/-/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"Prometheus did not become ready (exit code {process.poll()})")


def _query(prometheus: str, expression: str, *, timeout: float = 30) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while True:
        body = httpx.get(f"{prometheus}/api/v1/query", params={"query": expression}).json()
        assert body["status"] == "success", body
        if body["data"]["result"] or time.monotonic() > deadline:
            return list(body["data"]["result"])
        time.sleep(0.5)


@pytest.mark.slow
def test_a_real_prometheus_scrapes_pulso(sqlite_engine, tmp_path, ingest_options):
    binary = _tool("prometheus")
    path = prices_file(tmp_path / "prices.csv", good=40, bad=BAD_PRICE_ROWS)
    ingest_file(sqlite_engine, "prices", path, options=ingest_options, source="wong-export")
    with serve(app_with_metrics(sqlite_engine)) as pulso:
        target = pulso.removeprefix("http://")
        config = tmp_path / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n  - job_name: pulso\n"
            f"    static_configs:\n      - targets: ['{target}']\n"
        )
        port = free_port()
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            prometheus = f"http://127.0.0.1:{port}"
            _wait_ready(prometheus, process)
            up = _query(prometheus, 'up{job="pulso"} == 1')
            accepted = _query(
                prometheus, 'pulso_ingest_rows_total{source="wong-export",outcome="accepted"}'
            )
            quarantined = _query(
                prometheus, 'pulso_ingest_rows_total{source="wong-export",outcome="quarantined"}'
            )
            freshness = _query(prometheus, "pulso_data_freshness_seconds")
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=30)

    assert up, f"Prometheus never scraped Pulso: {stderr.decode()[-2000:]}"
    assert float(accepted[0]["value"][1]) == 40  # type: ignore[index]
    assert float(quarantined[0]["value"][1]) == 3  # type: ignore[index]
    assert freshness[0]["metric"]["source"] == "wong-export"  # type: ignore[index]
