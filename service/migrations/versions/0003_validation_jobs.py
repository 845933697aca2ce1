"""validation jobs: a large sheet's validate, polled by the sidebar (service/validation_jobs.py)"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "validation_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("spreadsheet_id", sa.String(length=200), nullable=False),
        sa.Column("worksheet_id", sa.Integer(), nullable=True),
        sa.Column("worksheet_title", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_by", sa.String(length=254), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_validation_jobs_organisation_id", "validation_jobs", ["organisation_id"])
    op.create_index("ix_validation_jobs_spreadsheet_id", "validation_jobs", ["spreadsheet_id"])


def downgrade() -> None:
    op.drop_table("validation_jobs")
