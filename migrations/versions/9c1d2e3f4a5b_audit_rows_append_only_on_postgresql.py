"""Audit rows are append-only: on PostgreSQL the database refuses UPDATE and DELETE on audit_events

Revision ID: 9c1d2e3f4a5b
Revises: 6742cf243afe
Create Date: 2026-11-21 11:35:00

SQLite has no roles to protect a file from its owner, so there the promise rests on the app, which never
updates or deletes audit rows. On PostgreSQL a row trigger refuses both, whatever the client.
"""
from alembic import op

revision = '9c1d2e3f4a5b'
down_revision = '6742cf243afe'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit_events rows are append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
    """)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION audit_events_append_only()")
