"""Intakes keep their whole screening result, the one every page shows

Revision ID: a7d3e1c2b9f0
Revises: f13ee8f8b4be
Create Date: 2026-12-04 17:30:00

Pages recomputed the screening from the answers while the dashboard read the level saved with the intake, so a
change of the rules could make them disagree. The result is now saved with the level. Existing intakes are screened
once here, with the rules of this release, exactly as a save would have done.
"""
from alembic import op
import sqlalchemy as sa

revision = 'a7d3e1c2b9f0'
down_revision = 'f13ee8f8b4be'
branch_labels = None
depends_on = None

intakes = sa.table("intakes", sa.column("id", sa.Integer), sa.column("answers", sa.JSON),
                   sa.column("age_at_intake", sa.Integer), sa.column("screening_level", sa.String),
                   sa.column("screening_result", sa.JSON))


def upgrade():
    with op.batch_alter_table("intakes") as batch_op:
        batch_op.add_column(sa.Column("screening_result", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(intakes.c.id, intakes.c.answers, intakes.c.age_at_intake)).all()
    if rows:
        # Imported only when there is something to screen: a new database never runs the app's code here.
        from practice.intake.assessment import assess

        for intake_id, answers, age in rows:
            result = assess(answers or {}, age).screening
            connection.execute(intakes.update().where(intakes.c.id == intake_id)
                               .values(screening_level=result.level, screening_result=result.to_json()))


def downgrade():
    with op.batch_alter_table("intakes") as batch_op:
        batch_op.drop_column("screening_result")
