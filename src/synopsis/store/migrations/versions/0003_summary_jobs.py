"""Summary jobs durable like transcripts: the summaries table gains the job columns.

Summaries finished before this revision become completed jobs whose request is their style,
so a history written by an earlier version stays readable. The summary text is in `result`,
so the old `text` column goes.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("summaries") as table:
        table.add_column(sa.Column("status", sa.String(16), nullable=True))
        table.add_column(sa.Column("request", sa.JSON(), nullable=True))
        table.add_column(sa.Column("error", sa.Text(), nullable=True))
        table.add_column(sa.Column("completed", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("lease_owner", sa.String(64), nullable=True))
        table.add_column(sa.Column("lease_until", sa.Float(), nullable=True))
        table.add_column(sa.Column("progress", sa.JSON(), nullable=True))
        table.add_column(
            sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(sa.Column("upload_id", sa.String(36), nullable=True))
    summaries = sa.table(
        "summaries",
        sa.column("status", sa.String),
        sa.column("request", sa.JSON),
        sa.column("style", sa.String),
        sa.column("created", sa.DateTime),
        sa.column("completed", sa.DateTime),
    )
    connection = op.get_bind()
    for style in connection.execute(sa.select(summaries.c.style).distinct()).scalars().all():
        connection.execute(
            summaries.update()
            .where(summaries.c.style == style)
            .values(status="completed", request={"style": style}, completed=summaries.c.created)
        )
    with op.batch_alter_table("summaries") as table:
        table.alter_column("status", existing_type=sa.String(16), nullable=False)
        table.alter_column("request", existing_type=sa.JSON(), nullable=False)
        table.alter_column("result", existing_type=sa.JSON(), nullable=True)
        table.drop_column("text")
    op.create_index("ix_summaries_status_lease", "summaries", ["status", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_summaries_status_lease", table_name="summaries")
    op.execute("DELETE FROM summaries WHERE status != 'completed'")
    with op.batch_alter_table("summaries") as table:
        table.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))
        table.alter_column("result", existing_type=sa.JSON(), nullable=False)
        for column in (
            "upload_id", "cancel_requested", "progress", "lease_until", "lease_owner",
            "attempts", "completed", "error", "request", "status",
        ):  # fmt: skip
            table.drop_column(column)
