"""admin API: link codes, per-sheet audiences, per-row outcomes for undo, undone runs

The row results table is rebuilt rather than altered: its (run, email) unique constraint has no
name on SQLite, and it becomes a partial unique index (failed rows may repeat an address).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOT_FAILED = sa.text("outcome <> 'failed'")


def upgrade() -> None:
    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_by", sa.String(length=254), nullable=True),
        sa.Column("used_for", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_link_codes_organisation_id", "link_codes", ["organisation_id"])

    op.create_table(
        "sheet_audiences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("linked_sheet_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=255), nullable=False),
        sa.Column("connected_by", sa.String(length=254), nullable=False),
        sa.Column("connected_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["linked_sheet_id"], ["linked_sheets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("linked_sheet_id", "audience"),
    )
    op.create_index("ix_sheet_audiences_linked_sheet_id", "sheet_audiences", ["linked_sheet_id"])

    with op.batch_alter_table("import_runs") as batch_op:
        batch_op.add_column(sa.Column("undone_by", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("undone_at", sa.DateTime(), nullable=True))

    op.create_index(
        "ix_clients_organisation_name",
        "clients",
        ["organisation_id", "last_name", "first_name", "id"],
    )

    op.create_table(
        "import_row_results_new",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_run_id", sa.String(length=36), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["import_run_id"], ["import_runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    # ids are left to the new table's own sequence (PostgreSQL would not advance it otherwise);
    # a created row's client is the one the run inserted with that address
    op.execute(
        "INSERT INTO import_row_results_new (import_run_id, row, email, outcome, client_id) "
        "SELECT r.import_run_id, r.row, r.email, r.outcome, "
        "(SELECT c.id FROM clients c WHERE c.import_run_id = r.import_run_id "
        "AND c.email = r.email) "
        "FROM import_row_results r ORDER BY r.id"
    )
    op.drop_table("import_row_results")
    op.rename_table("import_row_results_new", "import_row_results")
    op.create_index("ix_import_row_results_import_run_id", "import_row_results", ["import_run_id"])
    op.create_index("ix_import_row_results_client_id", "import_row_results", ["client_id"])
    op.create_index(
        "uq_import_row_results_run_email",
        "import_row_results",
        ["import_run_id", "email"],
        unique=True,
        sqlite_where=NOT_FAILED,
        postgresql_where=NOT_FAILED,
    )


def downgrade() -> None:
    op.drop_index("uq_import_row_results_run_email", table_name="import_row_results")
    op.drop_index("ix_import_row_results_client_id", table_name="import_row_results")
    op.execute("DELETE FROM import_row_results WHERE outcome = 'failed'")
    op.execute("UPDATE import_row_results SET outcome = 'skipped' WHERE outcome = 'unchanged'")
    with op.batch_alter_table("import_row_results") as batch_op:
        batch_op.drop_column("previous")
        batch_op.drop_column("client_id")
        batch_op.drop_column("reason")
        batch_op.create_unique_constraint("uq_import_row_results_email", ["import_run_id", "email"])
    op.drop_index("ix_clients_organisation_name", table_name="clients")
    op.execute("UPDATE import_runs SET status = 'succeeded' WHERE status = 'undone'")
    with op.batch_alter_table("import_runs") as batch_op:
        batch_op.drop_column("undone_at")
        batch_op.drop_column("undone_by")
    op.drop_index("ix_sheet_audiences_linked_sheet_id", table_name="sheet_audiences")
    op.drop_table("sheet_audiences")
    op.drop_index("ix_link_codes_organisation_id", table_name="link_codes")
    op.drop_table("link_codes")
