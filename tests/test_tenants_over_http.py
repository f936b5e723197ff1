"""Teams tenants over HTTP: another tenant is refused and leaves nothing; every message names the tenant."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import Connection

from bot import texts
from bot.settings import Settings
from bot.store.db import create_engine
from tests.support.chatting import RunningApp, chatting
from tests.support.http_helpers import stored_conversation
from tests.support.team import ANNA, BO, STAFF, NamedChat, team_settings

HOME = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"  # fictional tenant ids, letters enough not to look
PARTNER = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"  # like phone numbers to the logs' privacy filter
OTHER = "f9e8d7c6-b5a4-4c3d-8e2f-1a0b9c8d7e6f"
RECEIVED = texts.NOTIFY_ORDERER_RECEIVED.split("{")[0]


class TeamsChat(NamedChat):
    """A person in Microsoft Teams: channel `msteams`, an AAD object id, the tenant where Teams puts it."""

    def __init__(
        self,
        app: RunningApp,
        person: tuple[str, str],
        tenant: str | None,
        conversation_id: str | None = None,
        kind: str = "personal",
    ) -> None:
        user, name = person
        super().__init__(app.http, app.url, app.connector, user, conversation_id=conversation_id, name=name)
        self.tenant = tenant
        self.kind = kind  # Teams' conversationType: "personal", "groupChat" or "channel" (a thread's too)

    def activity(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        conversation: dict[str, Any] = {"id": self.conversation_id, "conversationType": self.kind}
        teams: dict[str, Any] = {
            "channelId": "msteams",
            "from": {"id": f"29:1{self.user_id}", "name": self.name, "aadObjectId": self.user_id},
            "conversation": conversation,
        }
        if self.tenant is not None:
            conversation["tenantId"] = self.tenant
            teams["channelData"] = {"tenant": {"id": self.tenant}}
        return super().activity(text, **(teams | extra))

    async def status_of(self, text: str | None, **extra: Any) -> int:
        return (await self.post(self.activity(text, **extra))).status


@pytest.mark.parametrize(
    "allowing",
    [
        pytest.param({"allowed_tenant_ids": f" {HOME.upper()} , {PARTNER}"}, id="ALLOWED_TENANT_IDS"),
        pytest.param({"microsoft_app_tenant_id": HOME}, id="MicrosoftAppTenantId"),
    ],
)
async def test_teams_activities_of_another_tenant_are_refused_unanswered_and_leave_nothing_stored(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, allowing: dict[str, str]
) -> None:
    caplog.set_level(logging.INFO)
    settings = team_settings(database_url, tmp_path, **allowing)
    async with chatting(settings) as app:
        outsider = TeamsChat(app, STAFF, OTHER)
        joined = {"type": "conversationUpdate", "membersAdded": [{"id": f"29:1{STAFF[0]}"}]}
        statuses = [
            await outsider.status_of(None, **joined),
            *[await outsider.status_of(text) for text in ("beställ", "ja", "Karin Andersson")],
            await TeamsChat(app, ANNA, None).status_of("ärenden"),  # Teams, but no tenant named
        ]
        left_behind = await stored_rows(settings)
        at_home = TeamsChat(app, STAFF, HOME.upper())  # tenant ids compare in any case
        answered = await at_home.say("beställ")
    assert statuses == [200] * 5
    assert outsider.texts() == [] and app.connector.received[outsider.conversation_id] == []
    assert left_behind == {}  # no state, no conversation reference, no draft, nothing in the outbox
    assert texts.ASK_TRESERVA in answered[-1]
    logged = [record.getMessage() for record in caplog.records]
    refusals = [line for line in logged if "refused a Teams activity" in line]
    assert refusals == [
        *[f"refused a Teams activity of tenant {OTHER}: not in ALLOWED_TENANT_IDS ({n} refused since start)"
          for n in range(1, 5)],
        "refused a Teams activity of tenant (none): not in ALLOWED_TENANT_IDS (5 refused since start)",
    ]  # fmt: skip
    for personal in (STAFF[0], STAFF[1], ANNA[0], ANNA[1], outsider.conversation_id):
        assert personal not in "\n".join(logged)


async def test_every_message_into_teams_names_the_tenant_in_both_places_also_after_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path, allowed_tenant_ids=(HOME,))
    async with chatting(settings) as app:
        team = TeamsChat(app, ANNA, HOME, "team-channel")
        staff = TeamsChat(app, STAFF, HOME, "staff-chat")
        assert await team.say("registrera teamkanal") == [texts.TEAM_CHANNEL_REGISTERED]
        reference = await staff.file_order()
        await team.wait_for(reference)  # the new order, posted into the team's channel by the bot
        stored = await stored_conversation(settings, staff.conversation_id)
        await app.restart()
        team.app_url = staff.app_url = app.url
        await team.say(f"ta {reference}")
        await staff.wait_for(RECEIVED)
    assert stored is not None and HOME in json.dumps(stored["reference"])
    notification = app.connector.received[staff.conversation_id][-1]
    assert notification["text"].startswith(RECEIVED)
    new_order = next(post for post in app.connector.received[team.conversation_id] if post.get("attachments"))
    for started_by_the_bot in (notification, new_order):
        assert started_by_the_bot["conversation"]["tenantId"] == HOME
        assert started_by_the_bot["channelData"]["tenant"] == {"id": HOME}
    replies = app.connector.received[staff.conversation_id][:-1]
    assert {reply["conversation"].get("tenantId") for reply in replies} == {HOME}


async def test_the_same_user_id_in_another_tenant_is_another_person(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(
        database_url,
        tmp_path,
        allowed_tenant_ids=(HOME, PARTNER),  # HOME first: its users' ids are written bare
        team_member_ids=(ANNA[0], f"{PARTNER}/{BO[0]}", f"{HOME}/team-cecilia"),
    )
    cecilia = ("team-cecilia", "Cecilia Holm")
    async with chatting(settings) as app:
        staff_home, staff_partner = TeamsChat(app, STAFF, HOME), TeamsChat(app, STAFF, PARTNER)
        reference = await staff_home.file_order()
        lists = {
            who: (await TeamsChat(app, person, tenant).say("ärenden"))[0]
            for who, person, tenant in [
                ("anna at home", ANNA, HOME),
                ("anna at the partner", ANNA, PARTNER),
                ("bo at home", BO, HOME),
                ("bo at the partner", BO, PARTNER),
                ("cecilia at home", cecilia, HOME),
            ]
        }
        mine = [await staff_home.say("mina ärenden"), await staff_partner.say("mina ärenden")]
        partner_row = await stored_conversation(settings, staff_partner.conversation_id)
    assert {who for who, listed in lists.items() if reference in listed} == {
        "anna at home",
        "bo at the partner",
        "cecilia at home",
    }
    assert lists["anna at the partner"] == lists["bo at home"] == texts.REFUSE_NOT_TEAM
    assert reference in mine[0][0] and mine[1] == [texts.STATUS_MINE_NONE]  # not the namesake's order
    assert partner_row is not None and partner_row["user_id"] == f"{PARTNER}/{STAFF[0]}"


async def test_with_no_tenant_configured_every_tenant_is_served_and_its_users_are_its_own(
    database_url: str, tmp_path: Path
) -> None:
    settings = team_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        anywhere = TeamsChat(app, STAFF, OTHER)
        answered = await anywhere.say("beställ")
        row = await stored_conversation(settings, anywhere.conversation_id)
    assert texts.ASK_TRESERVA in answered[-1]
    assert row is not None and row["user_id"] == f"{OTHER}/{STAFF[0]}"


async def stored_rows(settings: Settings) -> dict[str, int]:
    """How many rows each table of the app's database holds, for those that hold any (Alembic's aside)."""
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_row_counts)
    finally:
        await engine.dispose()


def _row_counts(conn: Connection) -> dict[str, int]:
    reflected = MetaData()
    reflected.reflect(conn)
    counts = {
        table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in reflected.sorted_tables
        if table.name != "alembic_version"
    }
    return {name: count for name, count in counts.items() if count}
