"""The client list and search ordered by lower-cased names, with an index in that order

Revision ID: f13ee8f8b4be
Revises: 2bab8c0cd2ee
Create Date: 2026-12-03 20:00:00

`search_clients` orders by lower(last_name), lower(first_name), id (so 'de Vries' sorts among the D's). This
index gives the plain list that order without sorting the practice, on SQLite and PostgreSQL alike; it replaces
ix_clients_practice_name, whose order nothing asks for any more. On PostgreSQL a search for a common name is
read through the trigram indexes and then sorted (see bench/bench_search.py).
"""
from alembic import op
import sqlalchemy as sa

revision = 'f13ee8f8b4be'
down_revision = '2bab8c0cd2ee'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite: COLLATE NOCASE orders as its lower() does, and stays reflectable (see practice.clients.models.caseless).
    key = "{} COLLATE NOCASE" if op.get_bind().dialect.name == "sqlite" else "lower({})"
    op.create_index("ix_clients_practice_lower_name", "clients",
                    ["practice_id", "is_archived", sa.text(key.format("last_name")), sa.text(key.format("first_name")),
                     "id"])
    op.drop_index("ix_clients_practice_name", table_name="clients")


def downgrade():
    op.create_index("ix_clients_practice_name", "clients", ["practice_id", "last_name", "first_name"])
    op.drop_index("ix_clients_practice_lower_name", table_name="clients")
