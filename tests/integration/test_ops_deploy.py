"""deploy/: the compose file, the Dockerfile and Grafana's provisioning fit together.

There is no Docker engine here: ``docker compose config`` validates the compose file where
the client and its compose plugin exist; the structural checks below run everywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
REQUIRED_SERVICES = {
    "postgres",
    "redis",
    "pulso-web",
    "airflow-scheduler",
    "airflow-apiserver",
    "airflow-dag-processor",
    "airflow-worker",
    "prometheus",
    "alertmanager",
    "grafana",
    "mlflow",
}
TEST_ENV = {
    "POSTGRES_PASSWORD": "pw",
    "PULSO_SECRET_KEY": "k" * 40,
    "AIRFLOW_FERNET_KEY": "f",
    "AIRFLOW_JWT_SECRET": "j",
    "GRAFANA_ADMIN_PASSWORD": "g",
}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_docker_compose_config_accepts_the_file(tmp_path):
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client")
    version = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, check=False
    )
    if version.returncode != 0:
        pytest.skip("the docker client has no compose plugin")
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in TEST_ENV.items()))

    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "--env-file", str(env_file), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_compose_services_dependencies_volumes_and_files():
    compose = _compose()
    services = compose["services"]
    declared_volumes = set(compose["volumes"])

    assert set(services) >= REQUIRED_SERVICES
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in declared_volumes, f"{name} uses undeclared volume {source}"
    worker = services["airflow-worker"]["environment"]
    assert worker["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert worker["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")
    assert worker["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
    assert worker["PULSO_MLFLOW_URI"] == "http://mlflow:5000"
    assert services["pulso-web"]["environment"]["PULSO_DATABASE_URL"].startswith("postgresql://")
    assert "pulso-data:/data" in services["pulso-web"]["volumes"]
    assert "pulso-data:/data" in services["airflow-worker"]["volumes"]


def test_secrets_are_required_not_defaulted():
    text = COMPOSE.read_text()

    for name in TEST_ENV:
        assert re.search(rf"\$\{{{name}:\?", text), f"{name} must be required (${{{name}:?...}})"


def test_dockerfile_is_multi_stage_non_root_with_cpu_torch():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\S+)$", dockerfile, flags=re.MULTILINE)
    users: dict[str, str] = {}
    stage = ""
    for line in dockerfile.splitlines():
        if match := re.match(r"^FROM \S+ AS (\S+)$", line):
            stage = match.group(1)
        elif match := re.match(r"^USER (\S+)$", line):
            users[stage] = match.group(1)
    targets = {s["build"]["target"] for s in _compose()["services"].values() if "build" in s}
    targets |= {_compose()["x-airflow"]["build"]["target"]}

    assert stages == ["build", "runtime", "airflow", "mlflow"]
    assert targets == {"runtime", "airflow", "mlflow"}
    assert all(users.get(target) not in (None, "root", "0") for target in targets)
    assert (
        "pip install torch==${TORCH_VERSION} --index-url https://download.pytorch.org/whl/cpu"
        in dockerfile
    )
    assert "ARG TORCH_VERSION=2.13.0" in dockerfile
    assert "COPY --chown=airflow:root dags /opt/airflow/dags" in dockerfile


def test_grafana_provisioning_points_at_the_dashboards():
    compose = _compose()["services"]["grafana"]
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/pulso.yml").read_text())
    datasource = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    mounted = {m.split(":")[1]: m.split(":")[0] for m in compose["volumes"]}
    folder = provider["providers"][0]["options"]["path"]
    uid = datasource["datasources"][0]["uid"]
    dashboards = [
        json.loads(p.read_text()) for p in (DEPLOY / "grafana/dashboards").glob("*.json")
    ]

    assert mounted[folder] == "./grafana/dashboards"
    assert {d["uid"] for d in dashboards} == {"pulso-operations", "pulso-business"}
    for dashboard in dashboards:
        for panel in dashboard["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == uid, panel["title"]
                assert panel["targets"], panel["title"]
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(ids) == len(set(ids)), dashboard["uid"]
