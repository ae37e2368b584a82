"""docker-compose.yml validates, and refuses to start without its secrets."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: what the compose file needs from the environment, with values that pass
REQUIRED = {"SECRET_KEY": "k" * 40, "POSTGRES_PASSWORD": "pw", "SITE_URL": "https://clinic.example"}


def _compose(*args: str, **env: str) -> subprocess.CompletedProcess:
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is not installed: bin/install-system-packages installs Debian's package")
    clean = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    return subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), *args],
                          env={**clean, **env}, capture_output=True, text=True, cwd=ROOT)


def _without(name: str) -> dict:
    return {key: value for key, value in REQUIRED.items() if key != name}


def test_compose_file_is_valid():
    result = _compose("config", "-q", **REQUIRED)
    assert result.returncode == 0, result.stderr


def test_compose_has_database_migration_and_app_under_gunicorn():
    result = _compose("config", "--services", **REQUIRED)
    assert set(result.stdout.split()) == {"db", "migrate", "redis", "web"}
    config = _compose("config", **REQUIRED).stdout
    assert "flask" in config and "db" in config and "upgrade" in config
    assert "service_completed_successfully" in config and "service_healthy" in config
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()


def test_every_app_instance_keeps_its_rate_limits_in_the_shared_redis():
    config = _compose("config", **REQUIRED).stdout
    assert "RATELIMIT_STORAGE_URI: redis://redis:6379/0" in config and "redis:7-alpine" in config


def test_compose_refuses_to_run_without_a_secret_key():
    result = _compose("config", "-q", **_without("SECRET_KEY"))
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_compose_refuses_to_run_without_the_sites_public_address():
    result = _compose("config", "-q", **_without("SITE_URL"))
    assert result.returncode != 0 and "SITE_URL" in result.stderr
    config = _compose("config", **REQUIRED).stdout
    assert "SITE_URL: https://clinic.example" in config  # every app container builds its links from it
