"""The owner's audit log viewer and its CSV export."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from practice.audit.models import OUTCOME_DENIED
from practice.audit.operations import record_event
from practice.extensions import db
from tests.support.helpers import audit_events, login


def rows_of(response) -> list[dict]:
    """The CSV body as dicts."""
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_owner_sees_their_practices_events_newest_first(client, auth, world):
    login(client, world.therapist)
    client.get(f"/clients/{world.record.id}")
    auth.logout()
    login(client, world.owner)
    page = client.get("/audit/").get_data(as_text=True)
    assert "Theo Therapist" in page and "client.view" in page and "Amira Hassan" in page
    assert "Olga" not in page and "Otto Other" not in page, "another practice's events stay out"


def test_filters_by_person_action_client_and_dates(client, auth, world):
    login(client, world.therapist)
    client.get(f"/clients/{world.record.id}")
    client.get(f"/clients/{world.colleague_record.id}")  # a colleague's client: refused and audited
    auth.logout()
    login(client, world.owner)
    by_action = client.get("/audit/", query_string={"actor": world.therapist.id, "action": "client.access_denied"})
    text = by_action.get_data(as_text=True)
    assert by_action.status_code == 200 and "1 event" in text and "denied" in text
    by_client = client.get("/audit/", query_string={"client": world.record.id, "action": "client.view"})
    assert "Client: <strong>Amira Hassan</strong>" in by_client.get_data(as_text=True)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert "No events match" in client.get("/audit/", query_string={"since": tomorrow}).get_data(as_text=True)


def test_bad_filters_get_messages_not_errors(client, world):
    login(client, world.owner)
    response = client.get("/audit/", query_string={"since": "2026-05-02", "until": "2026-05-01", "actor": "999999"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end date is before the start date." in text and "Not a valid choice" in text
    assert client.get("/audit/", query_string={"since": "not-a-date"}).status_code == 400


def test_another_practices_client_id_in_the_filter_is_a_404_and_audited(client, world):
    login(client, world.owner)
    assert client.get("/audit/", query_string={"client": world.other_record.id}).status_code == 404
    [denial] = audit_events("audit.client_denied")
    assert denial.outcome == OUTCOME_DENIED and denial.actor_id == world.owner.id


def test_csv_export_neutralises_spreadsheet_formulas_and_is_audited(client, world):
    record_event("test.formula", actor=world.owner, practice_id=world.practice.id,
                 detail='=HYPERLINK("http://evil.example","click")')
    record_event("test.plus", actor=world.owner, practice_id=world.practice.id, detail="+1+1")
    db.session.commit()
    login(client, world.owner)
    response = client.get("/audit/export.csv", query_string={"actor": world.owner.id})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    details = {row["action"]: row["detail"] for row in rows_of(response)}
    assert details["test.formula"] == '\'=HYPERLINK("http://evil.example","click")'
    assert details["test.plus"] == "'+1+1"
    [export] = audit_events("audit.export")
    assert export.actor_id == world.owner.id and export.detail.endswith("rows")


def test_the_export_holds_only_the_practices_own_events(client, auth, world):
    login(client, world.other_therapist)
    client.get(f"/clients/{world.other_record.id}")
    auth.logout()
    login(client, world.owner)
    rows = rows_of(client.get("/audit/export.csv"))
    assert rows and all(row["actor_name"] != "Otto Other" for row in rows)
    assert all(row["client_name"] != "Olga Other" for row in rows)


def test_postgresql_refuses_to_change_or_delete_audit_rows(app, world, database_url):
    """On PostgreSQL a trigger keeps audit rows append-only, whatever the client; SQLite relies on the app."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    if not database_url.startswith("postgresql"):
        pytest.skip("the trigger exists on PostgreSQL only")
    event_id = audit_events()[0].id
    for statement in ("UPDATE audit_events SET detail = 'tampered' WHERE id = :id",
                      "DELETE FROM audit_events WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement), {"id": event_id})
        db.session.rollback()
    [event] = audit_events(id=event_id)
    assert event.detail != "tampered"
