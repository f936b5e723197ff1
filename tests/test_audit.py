"""The audit log: every view, change and export, by whom, when and through which channel; append-only."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import unused_port
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.admin import run
from bot import texts
from bot.audit import AuditEntry
from bot.audit_export import default_start
from bot.notifications import local
from bot.orders import utc_now
from bot.settings import Settings
from tests.support.chatting import chatting
from tests.support.http_helpers import app_database
from tests.support.team import ANNA, BO, STAFF, team_settings
from tests.support.webchat_server import running_webchat_app

LINK = re.compile(r"https?://\S+")
LOOPBACK = "127.0.0.1"  # on a port chosen first: download links name where the app listens


def rows_of(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


async def audited(settings: Settings, reference: str) -> list[AuditEntry]:
    async with app_database(settings) as database, database.transaction() as uow:
        return await uow.audit.for_order(reference)


async def test_every_change_view_and_export_is_logged_and_the_team_downloads_the_log(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path, host=LOOPBACK, port=unused_port())
    async with chatting(settings, serve=running_webchat_app) as app:
        team, staff = app.chat(ANNA, "team-channel"), app.chat(STAFF, "staff-chat")
        reference = await staff.file_order()
        await team.say_all(f"ta {reference}", f"klar {reference} inventarie larm A-100", f"visa {reference}")
        inventory_link = LINK.findall((await team.say("inventarie"))[0])[0]
        assert (await app.http.get(inventory_link)).status == 200
        assert await staff.say("logg") == [texts.AUDIT_REFUSED]
        told = (await team.say("logg"))[-1]
        async with app.http.get(LINK.findall(told)[0]) as response:
            status, kind, body = response.status, response.content_type, await response.text()
    assert (status, kind) == (200, "text/csv")
    assert list(rows_of(body)[0]) == list(texts.AUDIT_CSV_HEADER)
    logged = [
        (row["Vem (användar-id)"], row["Vad"], row["Ärende"], row["Kanal"], row["Detalj"])
        for row in rows_of(body)
    ]
    changed, shown, exported = (texts.AUDIT_ACTION_NAMES[action] for action in ("change", "view", "export"))
    assert logged == [
        (STAFF[0], changed, reference, "emulator", "filed"),
        (ANNA[0], changed, reference, "emulator", "received"),
        (ANNA[0], changed, reference, "emulator", "checklist:inventarie"),
        (ANNA[0], shown, reference, "emulator", ""),
        (ANNA[0], exported, reference, "http", ""),
        (ANNA[0], exported, "", "http", f"audit log from {default_start(local(utc_now()).date())}"),
    ]
    conversations = [entry.conversation for entry in await audited(settings, reference)]
    assert conversations[:2] == ["staff-chat", "team-channel"]


async def test_the_log_link_works_only_for_its_reader_and_only_for_a_while(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(
        database_url, tmp_path, host=LOOPBACK, port=unused_port(), audit_reader_ids=(BO[0],)
    )
    async with chatting(settings, serve=running_webchat_app) as app:
        anna, bo = app.chat(ANNA, "anna-chat"), app.chat(BO, "bo-chat")
        assert await anna.say("logg") == [texts.AUDIT_REFUSED]  # in the team, but not a reader of the log
        assert await bo.say("logg 2026-02-30") == [texts.AUDIT_BAD_DATE]
        link = LINK.findall((await bo.say("logg 2026-01-01"))[-1])[0]
        assert "since=2026-01-01" in link
        forged = link.replace("token=", "token=x")
        for refused in (
            forged,
            f"{app.url}/api/team/audit.csv",
            f"{app.url}/api/team/audit.csv?token=&since=2026-01-01",
        ):
            async with app.http.get(refused) as response:
                assert (response.status, await response.text()) == (403, texts.AUDIT_DOWNLOAD_REFUSED)
        async with app.http.get(link) as response:
            assert response.status == 200


async def test_the_admin_command_exports_the_log_and_is_logged_itself(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    out = tmp_path / "logg.csv"
    told = await run(settings, ["export-audit", "--since", "2026-01-01", "--out", str(out)])
    assert told.startswith(texts.ADMIN_EXPORTED.split("{")[0])
    (entry,) = rows_of(out.read_text(encoding="utf-8"))
    assert entry["Vem (användar-id)"].startswith("admin:")
    assert (entry["Vad"], entry["Kanal"], entry["Detalj"]) == (
        texts.AUDIT_ACTION_NAMES["export"],
        "cli",
        "audit log from 2026-01-01",
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor_id = 'someone-else'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
async def test_the_database_refuses_to_change_or_delete_the_log(
    database_url: str, tmp_path: Path, statement: str
) -> None:
    settings = team_settings(database_url, tmp_path)
    await run(settings, ["export-audit"])  # one entry to refuse to touch
    async with app_database(settings) as database:
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.transaction() as uow:
                await uow.conn.execute(text(statement))
        async with database.transaction() as uow:
            assert len(await uow.audit.since(datetime(2000, 1, 1, tzinfo=UTC))) == 1
