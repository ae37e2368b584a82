"""docker-compose.yml validates, and refuses to start without its secrets."""
from __future__ import annotations

import json
import os
import re
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


def _readme_systemd_unit() -> str:
    """The unit file the README's Deployment section gives (its one ```ini block)."""
    found = re.search(r"```ini\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert found, "the README lost its systemd unit"
    return found.group(1)


def _dockerfile_command() -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line.removeprefix("CMD "))


def test_the_readme_systemd_unit_is_valid_and_ends_every_worker_with_the_master(tmp_path):
    """systemd-analyze verify finds nothing to say (with the paths of this checkout instead of /srv/practice)."""
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze is missing: bin/install-system-packages installs Debian's systemd package")
    unit = _readme_systemd_unit()
    installed = tmp_path / "practice.service"
    installed.write_text(unit.replace("/srv/practice", str(ROOT)))
    result = subprocess.run(["systemd-analyze", "verify", str(installed)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    assert settings["KillMode"] in ("control-group", "mixed") and settings["Restart"] == "on-failure"
    # The same server as the container's: the redacting access log included.
    container = _dockerfile_command()[-1].split("gunicorn", 1)[1]
    for option in ("--access-logfile -", "--logger-class practice.gunicorn_logging.RedactingLogger",
                   "practice.wsgi:app"):
        assert option in container and option in settings["ExecStart"]


def test_in_the_container_gunicorns_master_is_the_first_process(tmp_path):
    """The Dockerfile's command, run with a stand-in gunicorn: it must be the shell's own process, not its child."""
    fake = tmp_path / "gunicorn"
    fake.write_text("#!/bin/sh\necho $$\n")
    fake.chmod(0o755)
    command = _dockerfile_command()
    shell = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"})
    output, _ = shell.communicate(timeout=30)
    assert int(output.strip()) == shell.pid, "gunicorn runs as a child of sh, which stays PID 1 in the container"
