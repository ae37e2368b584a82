"""The client search's trigram indexes on PostgreSQL: the migration makes them, and the search the app sends uses them.

Without them, a search of the client list reads every client of the table (`ILIKE '%word%'` cannot use a
B-tree), which at 100,000 clients takes far longer than the 50 ms target (see bench/bench_search.py).
"""
from __future__ import annotations

import psycopg
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, text

from practice import create_app
from practice.clients.models import Client
from practice.clients.operations import search_clients
from practice.extensions import db
from tests.support.databases import BACKENDS, TEST_CONFIG
from tests.support.postgres import database_name

pytestmark = pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL is not among PRACTICE_TEST_BACKENDS")
# The indexes exist only on PostgreSQL (on SQLite the migration does nothing).
on_postgresql = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

TRIGRAM_INDEXES = {
    "ix_clients_first_name_trgm": "first_name",
    "ix_clients_last_name_trgm": "last_name",
    "ix_clients_email_trgm": "email",
}
REVISION_BEFORE_INDEXES = "9c1d2e3f4a5b"
FIRST_NAMES = ("Amira", "Ben", "Chloe", "Daniel", "Eva", "Felix", "Grace", "Hugo", "Isla", "Jonas")
LAST_NAMES = ("Hassan", "Carter", "Dubois", "Evans", "Fischer", "Garcia", "Huang", "Ivanov", "Jones", "Kowalski")


def trigram_indexes() -> dict[str, str]:
    """The GIN trigram indexes of the clients table: name -> definition."""
    rows = db.session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'clients'"))
    return {name: definition for name, definition in rows if "gin_trgm_ops" in definition}


def add_clients(practice_id: int, count: int) -> None:
    """Bulk-insert `count` clients with varied names, plus two whose names hold 'Lindqvist' in other cases."""
    rows = [{"practice_id": practice_id, "first_name": FIRST_NAMES[n % 10], "last_name": LAST_NAMES[n // 10 % 10],
             "email": f"client{n}@example.com" if n % 4 else None, "is_archived": False} for n in range(count)]
    rows += [{"practice_id": practice_id, "first_name": "Maja", "last_name": "LINDQVIST", "email": None,
              "is_archived": False},
             {"practice_id": practice_id, "first_name": "Ola", "last_name": "Berg",
              "email": "ola.lindqvist@example.org", "is_archived": False}]
    db.session.execute(insert(Client), rows)
    db.session.commit()
    db.session.execute(text("ANALYZE clients"))
    db.session.commit()


def explain(statement) -> str:
    """PostgreSQL's plan for `statement`, sent with its parameters as the app sends them, with full reads off."""
    compiled = statement.compile(dialect=db.engine.dialect)
    connection = db.session.connection()
    # On a small table a full read is cheapest, and so is reading the whole practice through its B-tree
    # (practice, archived, names) and filtering each row: forbidding full reads and index scans, and dropping that
    # B-tree for this transaction only, leaves bitmap scans, and shows whether an index *can* answer the ILIKE
    # conditions. (On its own the planner picks the trigram indexes from tens of thousands of clients.)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
    connection.exec_driver_sql("DROP INDEX ix_clients_practice_lower_name")  # rolled back below
    plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params))
    db.session.rollback()
    return plan


@on_postgresql
def test_the_migration_indexes_first_name_last_name_and_email_with_trigrams(app):
    indexes = trigram_indexes()

    assert set(indexes) == set(TRIGRAM_INDEXES)
    for name, column in TRIGRAM_INDEXES.items():
        assert "USING gin" in indexes[name]
        assert f"({column} gin_trgm_ops)" in indexes[name]


@on_postgresql
def test_the_client_list_search_uses_the_trigram_indexes(app, make_practice):
    practice = make_practice()
    owner = practice.users[0]
    add_clients(practice.id, 400)

    plan = explain(search_clients(owner, "lindq").limit(25))

    # One bitmap scan per searched column, combined: the word may be in any of the three.
    assert "BitmapOr" in plan, plan
    for name in TRIGRAM_INDEXES:
        assert f"Bitmap Index Scan on {name}" in plan, plan
    assert "Seq Scan on clients" not in plan, plan
    # And the indexed search still finds the word in any case, in a name or an e-mail address.
    found = db.session.scalars(search_clients(owner, "lindq")).all()
    assert sorted(client.last_name for client in found) == ["Berg", "LINDQVIST"]


@on_postgresql
def test_a_two_word_search_still_reads_clients_through_the_indexes(app, make_practice):
    practice = make_practice()
    owner = practice.users[0]
    add_clients(practice.id, 400)

    plan = explain(search_clients(owner, "maja lindqvist").limit(25))

    # The planner reads the candidates of one word through the indexes and checks the other on those rows.
    assert "BitmapOr" in plan, plan
    assert "Seq Scan on clients" not in plan, plan
    found = db.session.scalars(search_clients(owner, "maja lindqvist")).all()
    assert [(client.first_name, client.last_name) for client in found] == [("Maja", "LINDQVIST")]


def test_downgrading_removes_the_indexes_and_upgrading_restores_them(postgres_cluster):
    name = database_name("search_index_migration")
    admin = postgres_cluster.url("postgres", driver=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": postgres_cluster.url(name)})
    try:
        with app.app_context():
            upgrade()
            assert set(trigram_indexes()) == set(TRIGRAM_INDEXES)
            db.session.remove()

            downgrade(revision=REVISION_BEFORE_INDEXES)
            assert trigram_indexes() == {}
            db.session.remove()

            upgrade()
            assert set(trigram_indexes()) == set(TRIGRAM_INDEXES)
            db.session.remove()
            db.engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
