"""Login sources: failures counted per browser, address and account, so strangers cannot lock a user out

Revision ID: e2b7c9d4f1a8
Revises: c4e8a1f2d3b6
Create Date: 2026-12-06 12:00:00

Five wrong passwords from anywhere locked the account itself for 15 minutes, so anyone could keep a practice owner
out. Failures are now counted in login_sources (see practice/accounts/lockout.py); the account-wide counter and
lock on users go. Locks in force when this runs are forgotten (they lasted 15 minutes).
"""
from alembic import op
import sqlalchemy as sa

revision = 'e2b7c9d4f1a8'
down_revision = 'c4e8a1f2d3b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("known_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("lock_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "source", name="uq_login_sources_user_source"),
    )
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("failed_login_count")
        batch_op.drop_column("locked_until")


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_login_count", sa.Integer(), nullable=False, server_default="0"))
    op.drop_table("login_sources")
