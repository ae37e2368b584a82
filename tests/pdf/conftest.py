"""PDF test fixtures: a canary HTTP server, the artifacts folder, and a world with an active plan."""
from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from practice.extensions import db
from practice.intake.operations import create_intake, record_action, sign_intake
from practice.plans.operations import activate, create_plan
from tests.support.helpers import ALL_NO

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


class Canary:
    """An HTTP server on 127.0.0.1 that records every request it receives."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    """The canary server; it must receive nothing."""
    server = Canary()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pdf_dir() -> Path:
    """test-artifacts/pdf (git-ignored): the rendered PDFs and one PNG per variant."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def active_plan(world):
    """The world's client with a signed intake (blood thinners, past cancer: urgent, actioned) and an active plan."""
    record = world.record
    sign_intake(world.intake, actor=world.therapist)
    intake = create_intake(record, {**ALL_NO, "rf_past_cancer": "yes", "medications": ["anticoagulants"],
                                    "pain_areas": ["lower_back_centre"], "goals": "Garden again"},
                           actor=world.therapist, sign=True)
    record_action(intake, advice="Advised to see her GP this week", referred_to="Dr Patel", acted_on=date.today(),
                  actor=world.therapist)
    world.plan.status = "completed"
    plan = create_plan(record, intake, actor=world.therapist)
    activate(plan, record, seen_row_version=plan.row_version, actor=world.therapist)
    db.session.commit()
    return plan, intake
