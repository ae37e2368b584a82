"""Home logs name the steps done by the steps' keys, not by their places in the routine

Revision ID: b4e8c1d2f7a3
Revises: e2b7c9d4f1a8
Create Date: 2026-12-05 10:00:00

A home log kept the positions of the steps ticked. A client who saved a form opened before the therapist published
a version without an earlier step had the ticks stored against other exercises (issue 16, item 10). Each plan step
now has a key, frozen into every version made from it, and a log names the steps done by key.

Existing data keeps its meaning. Each version's steps get keys, oldest version first: a step takes the key of a
step of the same library item in the version before it (so an exercise keeps one key through a plan's versions),
or a new one; the plan's working copy takes the keys of its newest version the same way. Each log's positions
become the keys of the steps at those places in the version it was saved against (a position that version never
had becomes "position-N", as the app reads a stored step without a key), so every log keeps its count of steps
done and the adherence figures do not move. The downgrade turns the keys back into positions.

The code before this revision reads positions: stop the app before upgrading (README, Deployment).
"""
import secrets
from collections import defaultdict, deque

import sqlalchemy as sa
from alembic import op

revision = 'b4e8c1d2f7a3'
down_revision = 'e2b7c9d4f1a8'
branch_labels = None
depends_on = None

plan_steps = sa.table("plan_steps", sa.column("id", sa.Integer), sa.column("plan_id", sa.Integer),
                      sa.column("key", sa.String), sa.column("position", sa.Integer),
                      sa.column("library_item_id", sa.Integer))
plan_versions = sa.table("plan_versions", sa.column("id", sa.Integer), sa.column("plan_id", sa.Integer),
                         sa.column("number", sa.Integer), sa.column("content", sa.JSON))
library_items = sa.table("library_items", sa.column("id", sa.Integer), sa.column("slug", sa.String))
home_logs = sa.table("home_logs", sa.column("id", sa.Integer), sa.column("plan_version_id", sa.Integer),
                     sa.column("done_steps", sa.JSON))


def upgrade():
    with op.batch_alter_table("plan_steps") as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=24), nullable=True))
    connection = op.get_bind()
    keys_by_version = _key_every_step(connection)
    _update_logs(connection, lambda version_id, done: _positions_to_keys(done, keys_by_version.get(version_id, [])))
    with op.batch_alter_table("plan_steps") as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=24), nullable=False)
        batch_op.create_unique_constraint("uq_plan_steps_key", ["plan_id", "key"])


def downgrade():
    connection = op.get_bind()
    keys_by_version = {}
    rows = []
    for version_id, content in connection.execute(sa.select(plan_versions.c.id, plan_versions.c.content)).all():
        steps = list((content or {}).get("steps") or [])
        keys_by_version[version_id] = [step.get("key") for step in steps]
        rows.append({"v_id": version_id, "v_content": {**content, "steps": [
            {name: value for name, value in step.items() if name != "key"} for step in steps]}})
    _update_logs(connection, lambda version_id, done: _keys_to_positions(done, keys_by_version.get(version_id, [])))
    _set_contents(connection, rows)
    with op.batch_alter_table("plan_steps") as batch_op:
        batch_op.drop_constraint("uq_plan_steps_key", type_="unique")
        batch_op.drop_column("key")


def _key_every_step(connection) -> dict[int, list[str]]:
    """Give every frozen step and every working-copy step a key; return each version's keys, by position."""
    working = defaultdict(list)
    for step_id, plan_id, slug in connection.execute(
            sa.select(plan_steps.c.id, plan_steps.c.plan_id, library_items.c.slug)
            .join(library_items, library_items.c.id == plan_steps.c.library_item_id)
            .order_by(plan_steps.c.plan_id, plan_steps.c.position)):
        working[plan_id].append((step_id, slug))
    versions = defaultdict(list)
    for version_id, plan_id, content in connection.execute(
            sa.select(plan_versions.c.id, plan_versions.c.plan_id, plan_versions.c.content)
            .order_by(plan_versions.c.plan_id, plan_versions.c.number)):
        versions[plan_id].append((version_id, content or {}))
    keys_by_version, contents, step_keys = {}, [], []
    for plan_id in sorted(working.keys() | versions.keys()):
        before: list[tuple[str, str]] = []  # (item, key) of each step of the version before
        for version_id, content in versions[plan_id]:
            steps = list(content.get("steps") or [])
            items = [step.get("slug") or step.get("name") or "" for step in steps]
            keys = _inherit(items, before)
            keys_by_version[version_id] = keys
            contents.append({"v_id": version_id, "v_content": {
                **content, "steps": [{**step, "key": key} for step, key in zip(steps, keys)]}})
            before = list(zip(items, keys))
        keys = _inherit([slug for _, slug in working[plan_id]], before)
        step_keys += [{"s_id": step_id, "s_key": key} for (step_id, _), key in zip(working[plan_id], keys)]
    _set_contents(connection, contents)
    if step_keys:
        connection.execute(plan_steps.update().where(plan_steps.c.id == sa.bindparam("s_id"))
                           .values(key=sa.bindparam("s_key")), step_keys)
    return keys_by_version


def _inherit(items: list[str], before: list[tuple[str, str]]) -> list[str]:
    """Keys for steps of these library items: each takes an unclaimed key of the same item before it, or a new one."""
    unclaimed = defaultdict(deque)
    for item, key in before:
        unclaimed[item].append(key)
    return [unclaimed[item].popleft() if unclaimed[item] else secrets.token_hex(6) for item in items]


def _positions_to_keys(done: list, keys: list[str]) -> list:
    return [keys[position - 1] if isinstance(position, int) and 1 <= position <= len(keys) else f"position-{position}"
            for position in done]


def _keys_to_positions(done: list, keys: list[str]) -> list:
    positions = []
    for key in done:
        if key in keys:
            positions.append(keys.index(key) + 1)
        elif isinstance(key, str) and key.startswith("position-") and key[9:].isdecimal():
            positions.append(int(key[9:]))
    return sorted(set(positions))


def _update_logs(connection, convert) -> None:
    """Rewrite each log's done steps with `convert(version id, done steps)`."""
    rows = [{"l_id": log_id, "l_done": convert(version_id, list(done or []))}
            for log_id, version_id, done in connection.execute(
                sa.select(home_logs.c.id, home_logs.c.plan_version_id, home_logs.c.done_steps)
                .where(home_logs.c.plan_version_id.is_not(None))).all()]
    if rows:
        connection.execute(home_logs.update().where(home_logs.c.id == sa.bindparam("l_id"))
                           .values(done_steps=sa.bindparam("l_done", type_=sa.JSON)), rows)


def _set_contents(connection, rows: list[dict]) -> None:
    if rows:
        connection.execute(plan_versions.update().where(plan_versions.c.id == sa.bindparam("v_id"))
                           .values(content=sa.bindparam("v_content", type_=sa.JSON)), rows)
