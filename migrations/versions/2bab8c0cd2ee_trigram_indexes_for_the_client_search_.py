"""Trigram indexes for the client search on PostgreSQL: names and e-mail found by any fragment

Revision ID: 2bab8c0cd2ee
Revises: 9c1d2e3f4a5b
Create Date: 2026-11-21 13:00:00

The client list searches with `column.icontains(word)`, which SQLAlchemy sends to PostgreSQL as
`first_name ILIKE '%' || word || '%'` (on SQLite as `lower(first_name) LIKE lower(...)`). No B-tree index helps a
pattern that starts with '%': without these indexes PostgreSQL reads every client of the table. pg_trgm's GIN
operator class answers LIKE and ILIKE with a leading wildcard (for fragments of three or more characters), so the
indexes are on the plain columns, as the query names them: an index on lower(first_name) would not serve ILIKE.

pg_trgm ships with PostgreSQL (Debian: the postgresql package) and is a trusted extension since PostgreSQL 13, so
the database's owner may create it. SQLite has no such index; there this revision does nothing.
"""
from alembic import op

revision = '2bab8c0cd2ee'
down_revision = '9c1d2e3f4a5b'
branch_labels = None
depends_on = None

#: index name -> the column it covers
TRIGRAM_INDEXES = {
    "ix_clients_first_name_trgm": "first_name",
    "ix_clients_last_name_trgm": "last_name",
    "ix_clients_email_trgm": "email",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        op.create_index(name, "clients", [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        op.drop_index(name, table_name="clients")
    # The extension stays: it holds no data, may have been there before, and other objects may use it.
