"""The real bot, wired as app.py wires it, driven through botbuilder's TestAdapter like a chat."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from bot.access import AccessPolicy
from bot.categories import load_categories
from bot.conversations import ConversationDirectory
from bot.crypto import Vault
from bot.followup.service import FollowUpService
from bot.orders import OrderService
from bot.status import StatusService
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.state_storage import OncePerTurnConversationState, SqlStorage
from bot.store.unit_of_work import Database
from dialogs.alarm_bot import AlarmBot
from dialogs.followup.handler import FollowUpHandler
from dialogs.followup.pending import PendingQuestions
from dialogs.followup.plain_answers import PlainAnswers
from dialogs.order_dialog import OrderDialog
from dialogs.recent_references import RecentReferences
from dialogs.status import StatusHandler

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
USER = "staff-1"
CONVERSATION = "conversation-1"
_activity_ids = itertools.count(1)  # unique across adapters: the bot ignores an id it has seen


def fixed_clock() -> datetime:
    return NOW


@dataclass
class RunningBot:
    """The bot and the order service it files through, on one database."""

    bot: AlarmBot
    orders: OrderService
    database: Database

    def chat(self, user_id: str = USER, conversation_id: str = CONVERSATION) -> Chat:
        return Chat(self.bot, user_id, conversation_id)


@asynccontextmanager
async def running_bot(
    database_url: str,
    key: str,
    team_member_ids: Sequence[str] = (),
    stored_references: RecentReferences | None = None,
) -> AsyncIterator[RunningBot]:
    """A new bot on a migrated database; leaving the block throws it away, as a restart would."""
    engine = create_engine(database_url)
    try:
        await migrate(engine)
        vault = Vault([key])
        database = Database(engine, PayloadCodec(vault))
        orders = OrderService(database, fixed_clock)
        conversation_state = OncePerTurnConversationState(SqlStorage(engine, vault))
        policy = AccessPolicy(team_member_ids)
        status = StatusService(database, policy, fixed_clock)
        followup = FollowUpService(database, policy, fixed_clock)
        commands = FollowUpHandler(followup, PendingQuestions(conversation_state), _no_thread)
        bot = AlarmBot(
            conversation_state,
            orders,
            ConversationDirectory(database, fixed_clock),
            OrderDialog(orders, conversation_state, load_categories(), fixed_clock),
            handlers=[commands, StatusHandler(status, conversation_state), PlainAnswers(followup, commands)],
            stored_references=stored_references,
        )
        yield RunningBot(bot, orders, database)
    finally:
        await engine.dispose()


async def _no_thread(_context: TurnContext) -> str:
    """No channel of these tests has threads."""
    return ""


class Chat:
    """One user in one conversation; `say` returns the texts the bot answered that message with."""

    def __init__(self, bot: AlarmBot, user_id: str, conversation_id: str) -> None:
        template = Activity(
            channel_id="test",
            service_url="https://test.invalid",
            from_property=ChannelAccount(id=user_id, name="Personal"),
            recipient=ChannelAccount(id="bot", name="Trygghetslarm-boten"),
            conversation=ConversationAccount(id=conversation_id),
            locale="sv-SE",
        )
        self.adapter = TestAdapter(bot.on_turn, template)
        self.replies: list[Activity] = []

    async def send(self, activity: Activity) -> list[Activity]:
        """One turn; the activities the bot sent in it (also kept in `replies`)."""
        activity.id = activity.id or f"activity-{next(_activity_ids)}"
        self.adapter.activity_buffer.clear()
        await self.adapter.receive_activity(activity)
        self.replies = list(self.adapter.activity_buffer)
        return self.replies

    async def say(self, text: str) -> list[str]:
        return _texts(await self.send(Activity(type=ActivityTypes.message, text=text)))

    async def submit(self, value: dict[str, Any]) -> list[str]:
        """What an Adaptive Card's Action.Submit posts: no text, the action's data as the value."""
        return _texts(await self.send(Activity(type=ActivityTypes.message, value=value)))

    async def say_all(self, *texts: str) -> list[str]:
        """Say each in turn; the replies to the last one."""
        replies: list[str] = []
        for text in texts:
            replies = await self.say(text)
        return replies

    def texts(self) -> list[str]:
        """The texts of the last turn's replies."""
        return _texts(self.replies)

    def buttons(self) -> list[str]:
        """The values the last reply's suggested actions post back."""
        actions = self.replies[-1].suggested_actions if self.replies else None
        return [action.value for action in actions.actions] if actions else []

    def card(self) -> dict[str, Any] | None:
        """The Adaptive Card attached to the last reply, if any."""
        attachments = self.replies[-1].attachments if self.replies else None
        return attachments[0].content if attachments else None


def _texts(activities: list[Activity]) -> list[str]:
    return [activity.text or "" for activity in activities]
