"""After filing: the Teams thread of each order per team conversation, and the team's open questions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_followup"
down_revision = "0005_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_threads",
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("conversation_key", sa.String(length=512), nullable=False),
        sa.Column("root_activity_id", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", "conversation_key"),
    )
    op.create_index("ix_order_threads_root_activity_id", "order_threads", ["root_activity_id"])
    op.create_table(
        "open_questions",
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("conversation_key", sa.String(length=512), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", "number"),
    )
    op.create_index("ix_open_questions_conversation_key", "open_questions", ["conversation_key"])
    op.create_index("ix_open_questions_unit", "open_questions", ["unit"])


def downgrade() -> None:
    op.drop_index("ix_open_questions_unit", table_name="open_questions")
    op.drop_index("ix_open_questions_conversation_key", table_name="open_questions")
    op.drop_table("open_questions")
    op.drop_index("ix_order_threads_root_activity_id", table_name="order_threads")
    op.drop_table("order_threads")
