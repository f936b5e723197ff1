"""Admin commands: `python -m adapters.admin rotate-keys | retention | export-audit [--since D] [--out F]`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot import log_privacy, texts
from bot.audit_export import default_start, export_csv
from bot.audit_log import AuditLog
from bot.crypto import ConfigurationError, Vault, load_keys
from bot.notifications import local
from bot.orders import utc_now
from bot.retention import Retention, RetentionPeriods
from bot.settings import Settings
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.rotation import rotate_keys
from bot.store.state_storage import SqlStorage
from bot.store.unit_of_work import Database

AUDIT_CHANNEL = "cli"
Command = Callable[["Opened", argparse.Namespace], Awaitable[str]]


@dataclass(frozen=True)
class Opened:
    """The app's database and keys, opened as app.py opens them."""

    settings: Settings
    database: Database
    vault: Vault


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Opened]:
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        vault = Vault(load_keys(settings.data_encryption_key, settings.data_dir, settings.local_mode))
        yield Opened(settings, Database(engine, PayloadCodec(vault)), vault)
    finally:
        await engine.dispose()


async def rotate(opened: Opened, _args: argparse.Namespace) -> str:
    counts = await rotate_keys(opened.database.engine, opened.vault)
    return texts.ADMIN_ROTATED.format(
        counts=", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    )


async def retention(opened: Opened, _args: argparse.Namespace) -> str:
    storage = SqlStorage(opened.database.engine, opened.vault)
    periods = RetentionPeriods.from_settings(opened.settings)
    report = await Retention(opened.database, periods, storage.prune, utc_now).run_once()
    return texts.ADMIN_RETENTION_DONE.format(
        access=report.access_data_erased,
        anonymised=report.anonymised,
        drafts=report.drafts_deleted,
        states=report.states_deleted,
        messages=report.messages_deleted,
        profiles=report.profiles_deleted,
    )


async def export_audit(opened: Opened, args: argparse.Namespace) -> str:
    since: date = args.since or default_start(local(utc_now()).date())
    actor = f"admin:{getpass.getuser()}"
    body = await export_csv(AuditLog(opened.database, utc_now), actor, AUDIT_CHANNEL, since)
    out: Path | None = args.out
    if out is None:
        sys.stdout.write(body)
    else:
        await asyncio.to_thread(out.write_text, body, encoding="utf-8")
    return texts.ADMIN_EXPORTED.format(since=since.isoformat(), out=out or "-", count=body.count("\n") - 1)


COMMANDS: dict[str, tuple[Command, str]] = {
    "rotate-keys": (rotate, texts.ADMIN_ROTATE_HELP),
    "retention": (retention, texts.ADMIN_RETENTION_HELP),
    "export-audit": (export_audit, texts.ADMIN_EXPORT_HELP),
}


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(prog="python -m adapters.admin", description=texts.ADMIN_DESCRIPTION)
    commands = parsed.add_subparsers(dest="command", required=True)
    for name, (_run, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text)
        if name == "export-audit":
            command.add_argument("--since", type=date.fromisoformat, help=texts.ADMIN_SINCE_HELP)
            command.add_argument("--out", type=Path, help=texts.ADMIN_OUT_HELP)
    return parsed


async def run(settings: Settings, argv: Sequence[str]) -> str:
    """Run the command `argv` names on the database `settings` name; what to tell the admin."""
    args = parser().parse_args(argv)
    async with opened(settings) as database:
        return await COMMANDS[args.command][0](database, args)


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log_privacy.install()
    try:
        print(asyncio.run(run(settings, sys.argv[1:])), file=sys.stderr)
    except ConfigurationError as error:
        raise SystemExit(f"{error}") from None


if __name__ == "__main__":
    main()
