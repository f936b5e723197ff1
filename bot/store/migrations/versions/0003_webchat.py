"""Web chat transcripts: Direct Line conversations and their activities, encrypted."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_webchat"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webchat_conversations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webchat_conversations")),
    )
    with op.batch_alter_table("webchat_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webchat_conversations_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_webchat_conversations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "webchat_activities",
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("client_activity_id", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["webchat_conversations.id"],
            name=op.f("fk_webchat_activities_conversation_id_webchat_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "seq", name=op.f("pk_webchat_activities")),
    )


def downgrade() -> None:
    op.drop_table("webchat_activities")
    with op.batch_alter_table("webchat_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webchat_conversations_user_id"))
        batch_op.drop_index(batch_op.f("ix_webchat_conversations_updated_at"))

    op.drop_table("webchat_conversations")
