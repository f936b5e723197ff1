"""Privacy: the audit log gets a detail and refuses UPDATE and DELETE; orders record their erasures."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_privacy"
down_revision = "0004_audit_log"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_log is append-only"

POSTGRESQL_GUARDS = [
    f"""CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]
POSTGRESQL_UNGUARDS = [
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
]
SQLITE_GUARDS = [
    f"""CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"""
    for verb in ("UPDATE", "DELETE")
]
SQLITE_UNGUARDS = [f"DROP TRIGGER IF EXISTS audit_log_no_{verb}" for verb in ("update", "delete")]


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.String(length=200), server_default="", nullable=False))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    # After the column is added: SQLite's batch mode copies the table, which would drop its triggers.
    postgresql = op.get_bind().dialect.name == "postgresql"
    for guard in POSTGRESQL_GUARDS if postgresql else SQLITE_GUARDS:
        op.execute(guard)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_UNGUARDS if postgresql else SQLITE_UNGUARDS:
        op.execute(statement)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("access_erased_at")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("detail")
