"""Client portal: invitations, home logs, assignments, portal login on client records, intake review

Revision ID: 6742cf243afe
Revises: 33b2ecd08484
Create Date: 2026-11-21 10:48:43.408194

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6742cf243afe'
down_revision = '33b2ecd08484'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('portal_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_assignments_client_id'), ['client_id'], unique=False)

    op.create_table('portal_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('portal_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_invitations_client_id'), ['client_id'], unique=False)

    op.create_table('home_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('plan_version_id', sa.Integer(), nullable=True),
    sa.Column('logged_on', sa.Date(), nullable=False),
    sa.Column('done_steps', sa.JSON(), nullable=False),
    sa.Column('planned_steps', sa.Integer(), nullable=False),
    sa.Column('pain', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('warning_signs', sa.JSON(), nullable=False),
    sa.Column('warning_level', sa.String(length=20), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['plan_version_id'], ['plan_versions.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id', 'logged_on', name='uq_home_logs_client_day')
    )
    with op.batch_alter_table('home_logs', schema=None) as batch_op:
        batch_op.create_index('ix_home_logs_warning', ['warning_level', 'reviewed_at'], unique=False)

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('portal_user_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_clients_portal_user_id', ['portal_user_id'])
        batch_op.create_foreign_key('fk_clients_portal_user_id_users', 'users', ['portal_user_id'], ['id'])

    with op.batch_alter_table('intakes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_intakes_reviewed_by_id_users', 'users', ['reviewed_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('intakes', schema=None) as batch_op:
        batch_op.drop_constraint('fk_intakes_reviewed_by_id_users', type_='foreignkey')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('reviewed_at')

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_constraint('fk_clients_portal_user_id_users', type_='foreignkey')
        batch_op.drop_constraint('uq_clients_portal_user_id', type_='unique')
        batch_op.drop_column('portal_user_id')

    with op.batch_alter_table('home_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_home_logs_warning')

    op.drop_table('home_logs')
    with op.batch_alter_table('portal_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_invitations_client_id'))

    op.drop_table('portal_invitations')
    with op.batch_alter_table('portal_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_assignments_client_id'))

    op.drop_table('portal_assignments')
