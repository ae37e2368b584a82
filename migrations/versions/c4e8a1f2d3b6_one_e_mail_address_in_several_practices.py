"""One e-mail address may have an account in several practices (unique per practice, not installation-wide)

Revision ID: c4e8a1f2d3b6
Revises: a7d3e1c2b9f0
Create Date: 2026-12-06 10:00:00

A client seeing therapists in two clinics gets a login in each, with its own password. Adding a team member or
inviting a client with an address used in another practice said "already exists", which told a therapist that
someone was a massage client elsewhere. Logging in looks the address up in every practice, hence the index.
"""
from alembic import op

revision = 'c4e8a1f2d3b6'
down_revision = 'a7d3e1c2b9f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint("uq_users_email", type_="unique")
        batch_op.create_unique_constraint("uq_users_practice_email", ["practice_id", "email"])
        batch_op.create_index("ix_users_email", ["email"], unique=False)


def downgrade():
    # Fails, as it should, while an address has accounts in two practices.
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_index("ix_users_email")
        batch_op.drop_constraint("uq_users_practice_email", type_="unique")
        batch_op.create_unique_constraint("uq_users_email", ["email"])
