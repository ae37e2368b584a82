"""Benchmark of the record export's readable PDF for a client with many long session notes.

Run from the repository root:  python bench/bench_export.py [--notes 60 110] [--home-logs 0 1100] [--whole]

For each size, a demo client gets N session notes of four fields of 4,900 characters each (the form allows
5,000), a week apart, and M days of home logs with a 490-character note each (the portal allows 500). Through the app (Flask's test client, the owner logged in) the script times the export
page, which works out the volumes, then every volume's download: wall time, the render worker's CPU time, pages
and PDF size. Target (issue 16): every volume renders well within HANDOUT_RENDER_TIMEOUT (20 s): its render
worker's CPU time at most a third of it, so that a record of any length can be handed to the client. `--whole` also renders each record as one document with bare WeasyPrint
(the stylesheet of `--stylesheet`, default ours): how long one PDF would take, for comparison.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench.common import bench_config  # noqa: E402
from practice import create_app  # noqa: E402
from practice.cli import DEMO_LOGINS, seed_demo  # noqa: E402
from practice.clients.models import Client  # noqa: E402
from practice.extensions import db  # noqa: E402
from practice.notes.operations import create_note  # noqa: E402
from practice.portal.models import HomeLog  # noqa: E402
from practice.pdf.rendering import worker_cpu_seconds  # noqa: E402

WORDS = ("lumbar tension eased with slow sustained pressure around the left quadratus lumborum; client reports "
         "sleeping better, stiffness on rising, sitting tolerance up to forty minutes, home routine mostly done").split()
FIELD_CHARACTERS = 4_900
TIME_LIMIT_SECONDS = 20


def long_text(seed: int) -> str:
    """About FIELD_CHARACTERS of plausible note text."""
    chooser = random.Random(seed)
    words, size = [], 0
    while size < FIELD_CHARACTERS:
        word = chooser.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)


def build(app, notes: int, home_logs: int = 0) -> int:
    """The demo practice, with `notes` long session notes and `home_logs` days of logs for Amira Hassan."""
    with app.app_context():
        upgrade()
        seed_demo()
        client = db.session.scalars(db.select(Client).where(Client.last_name == "Hassan")).one()
        first_day = date.today() - timedelta(weeks=notes)
        for n in range(notes):
            create_note(client, {"seen_on": first_day + timedelta(weeks=n), "subjective": long_text(4 * n),
                                 "objective": long_text(4 * n + 1), "assessment": long_text(4 * n + 2),
                                 "plan_text": long_text(4 * n + 3)}, actor=client.therapist)
        # Straight into the table: the portal takes a day's log only within a week of it.
        first_log = date(2000, 1, 1)
        db.session.add_all(HomeLog(client_id=client.id, logged_on=first_log + timedelta(days=n), done_steps=[1, 2],
                                   planned_steps=3, pain=n % 11, note=long_text(n)[:490]) for n in range(home_logs))
        db.session.commit()
        return client.id


def page_count(pdf: bytes) -> int:
    """Pages of a PDF according to poppler's pdfinfo."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def timed_get(http, url: str):
    """The response, its wall seconds and the render worker's CPU seconds."""
    worker_before = worker_cpu_seconds()
    started = time.perf_counter()
    response = http.get(url)
    wall = time.perf_counter() - started
    return response, wall, worker_cpu_seconds() - worker_before


def measure(notes: int, home_logs: int, whole: bool, stylesheet: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({**bench_config(f"sqlite:///{Path(folder) / 'export.sqlite3'}")})
        client_id = build(app, notes, home_logs)
        http = app.test_client()
        http.post("/login", data={"email": DEMO_LOGINS[0][1], "password": DEMO_LOGINS[0][2]})
        page, page_seconds, _ = timed_get(http, f"/clients/{client_id}/export")
        links = re.findall(r'href="([^"]*export\.pdf[^"]*)"', page.get_data(as_text=True))
        print(f"{notes} long notes, {home_logs} home logs: export page {page_seconds * 1000:.0f} ms, {len(links)} volume(s)"
              f" (1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        slowest = 0.0
        for number, link in enumerate(links, start=1):
            response, wall, cpu = timed_get(http, link.replace("&amp;", "&"))
            if response.status_code != 200:
                message = re.search(r'<section class="error-page">(.*?)</section>', response.get_data(as_text=True), re.S)
                raise SystemExit(f"volume {number} answered {response.status_code} after {wall:.1f} s: "
                                 + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", message.group(1) if message else "")))
            slowest = max(slowest, cpu)
            print(f"  volume {number:2d}: {wall:5.1f} s wall, {cpu:5.1f} s worker CPU, {page_count(response.data):3d} pages,"
                  f" {len(response.data) / 1024:5.0f} KB PDF")
        # CPU time, steadier than wall time on a shared machine; a third of the limit leaves room for a busy one.
        verdict = "OK" if slowest <= TIME_LIMIT_SECONDS / 3 else "MISSED"
        print(f"  slowest volume {slowest:.1f} s of CPU; target <= a third of the {TIME_LIMIT_SECONDS} s limit: {verdict}")
        if whole:
            render_whole(app, client_id, stylesheet)


def render_whole(app, client_id: int, stylesheet: Path) -> None:
    """The whole record as one document with bare WeasyPrint: what a single PDF would cost."""
    from weasyprint import CSS, HTML

    from practice.casefile.record_pdf import record_volumes, volume_html
    from practice.casefile.volumes import split_into_volumes

    with app.test_request_context():
        app.preprocess_request()
        client = db.session.get(Client, client_id)
        entries = [entry for volume in record_volumes(client, audit_until=None)
                   for section in volume.sections for entry in section.entries]
        [everything] = split_into_volumes(entries, budget_bytes=10 ** 12)
        html = volume_html(client, everything, exported_by=client.therapist, audit_until=None)
    started = time.perf_counter()
    document = HTML(string=html, base_url=(ROOT / "static").as_uri() + "/").render(
        stylesheets=[CSS(filename=str(stylesheet)), CSS(string="@page { size: A4; }")])
    laid_out = time.perf_counter()
    document.write_pdf(pdf_variant="pdf/ua-1")
    written = time.perf_counter()
    print(f"  as one document ({stylesheet.name}, {len(html.encode()) / 1024:.0f} KB of HTML): "
          f"{len(document.pages)} pages, layout {laid_out - started:.1f} s, writing {written - laid_out:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[60, 110])
    parser.add_argument("--home-logs", type=int, nargs="+", default=[0], help="with each number of notes")
    parser.add_argument("--whole", action="store_true", help="also render each record as one document")
    parser.add_argument("--stylesheet", type=Path, default=ROOT / "static" / "css" / "record.css")
    options = parser.parse_args()
    for notes in options.notes:
        for home_logs in options.home_logs:
            measure(notes, home_logs, options.whole, options.stylesheet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
