"""The whole app over HTTP against malformed requests, hostile text and odd activities."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from tests.support.app_server import app_settings
from tests.support.chat import Chat
from tests.support.chatting import chatting
from tests.support.connector import LoopbackConnector
from tests.support.http_helpers import (
    answers_after,
    answers_through,
    count_orders,
    order_service,
    post_raw,
    reference_in,
    stored_conversation,
)

Activity = dict[str, Any]
TOO_LONG = texts.TOO_LONG.partition("{")[0]


def _without(field: str) -> Callable[[Activity], bytes]:
    return lambda activity: json.dumps({k: v for k, v in activity.items() if k != field}).encode()


def _with(**fields: object) -> Callable[[Activity], bytes]:
    return lambda activity: json.dumps({**activity, **fields}).encode()


def _constant(body: bytes) -> Callable[[Activity], bytes]:
    return lambda _activity: body


MALFORMED = [
    pytest.param(_constant(b'{"type": "message", "text": '), "application/json", 400, id="invalid-json"),
    pytest.param(lambda a: json.dumps([a]).encode(), "application/json", 400, id="json-list"),
    pytest.param(_constant(b"42"), "application/json", 400, id="json-number"),
    pytest.param(_constant(b'"ja"'), "application/json", 400, id="json-string"),
    pytest.param(_constant(b""), "application/json", 400, id="empty-body"),
    pytest.param(_constant(b'{"text": "\xff\xfe"}'), "application/json", 400, id="not-utf8"),
    pytest.param(_without("conversation"), "application/json", 400, id="no-conversation"),
    pytest.param(_without("from"), "application/json", 400, id="no-from"),
    pytest.param(_without("serviceUrl"), "application/json", 400, id="no-serviceUrl"),
    pytest.param(_with(**{"from": "staff-1"}), "application/json", 400, id="from-as-string"),
    pytest.param(_with(conversation="conv-1"), "application/json", 400, id="conversation-as-string"),
    pytest.param(_with(text=5), "application/json", 400, id="text-as-number"),
    pytest.param(_with(text=["ja"]), "application/json", 400, id="text-as-list"),
    pytest.param(_with(serviceUrl=5), "application/json", 400, id="serviceUrl-as-number"),
    pytest.param(_without("channelId"), "application/json", 400, id="no-channelId"),
    pytest.param(_with(deliveryMode="expectReplies"), "application/json", 400, id="expect-replies"),
    pytest.param(lambda a: json.dumps(a).encode(), "text/plain", 415, id="wrong-content-type"),
    pytest.param(_with(channelData={"padding": "x" * 300_000}), "application/json", 413, id="300-kB-body"),
]  # fmt: skip


async def test_the_health_check_answers(database_url: str, tmp_path: Path) -> None:
    async with (
        chatting(app_settings(database_url, tmp_path)) as app,
        app.http.get(f"{app.url}/healthz") as response,
    ):
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


@pytest.mark.parametrize(("body_of", "content_type", "status"), MALFORMED)
async def test_a_malformed_request_is_refused_and_the_order_goes_on(
    database_url: str,
    tmp_path: Path,
    body_of: Callable[[Activity], bytes],
    content_type: str,
    status: int,
) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        assert texts.ASK_TRESERVA in (await chat.say("beställ"))[-1]
        answered_before = len(app.connector.received[chat.conversation_id])
        body = body_of(chat.activity("nej"))  # a 'nej' that got through would stop the order
        assert await post_raw(app.http, app.url, body, content_type) == status
        assert len(app.connector.received[chat.conversation_id]) == answered_before  # the bot said nothing
        assert texts.ASK_KEY_RECEIPT in (await chat.say("ja"))[-1]


REFUSED_TEXT = [
    pytest.param("🚨😀", texts.ASK_BRUKARE_NAME, id="emoji-only"),
    pytest.param("Greta " + "a" * 4_994, TOO_LONG, id="5000-characters"),
    pytest.param("' OR 1=1; --", texts.ASK_BRUKARE_NAME, id="sql-with-digits"),
    pytest.param("\x00\x07\x1b[2J\x7f", texts.ASK_BRUKARE_NAME, id="control-characters-only"),
    pytest.param("\u200b\u200c\u200d\ufeff", texts.ASK_BRUKARE_NAME, id="zero-width-only"),
    pytest.param("Greta\ud800 Johansson", texts.ASK_BRUKARE_NAME, id="lone-surrogate-in-name"),
]
ACCEPTED_TEXT = [
    pytest.param("Greta 🌸 Johansson", id="emoji-in-name"),
    pytest.param("Robert'); DROP TABLE orders;--", id="sql"),
    pytest.param("Greta\t\x0b Johansson\r\n", id="whitespace-controls-in-name"),
    pytest.param("غريتا يوهانسون", id="rtl-arabic"),
    pytest.param("\u202eGreta Johansson\u202c", id="rtl-override"),
    pytest.param("Gre\u200bta Johans\u200dson", id="zero-width-in-name"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "answer"), REFUSED_TEXT)
async def test_hostile_text_is_refused_politely(
    database_url: str, tmp_path: Path, text: str, answer: str
) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        assert texts.ASK_BRUKARE_NAME in (await chat.say_all(*answers_through("orderer_phone")))[-1]
        replies = await chat.say(text)
        assert texts.APOLOGY not in replies
        assert answer in replies[-1]
        assert texts.ASK_PERSONNUMMER in (await chat.say("Greta Johansson"))[-1]


@pytest.mark.parametrize("text", ACCEPTED_TEXT)
async def test_hostile_text_is_accepted_into_the_filed_order(
    database_url: str, tmp_path: Path, text: str
) -> None:
    settings = app_settings(database_url, tmp_path)
    name = " ".join(text.split())
    async with chatting(settings) as app:
        chat = app.chat()
        await chat.say_all(*answers_through("orderer_phone"))
        replies = await chat.say(text)
        assert texts.APOLOGY not in replies
        assert texts.ASK_PERSONNUMMER in replies[-1]
        summary = await chat.say_all(*answers_after("brukare_name"))
        assert name in summary[-1]
        reference = reference_in((await chat.say("ja"))[-1])
    async with order_service(settings) as orders:
        order = await orders.get(reference)
    assert order is not None
    assert order.details.brukare.name == name
    assert await count_orders(settings) == 1


async def test_a_body_over_the_limit_is_refused_and_the_order_goes_on(
    database_url: str, tmp_path: Path
) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        await chat.say_all(*answers_through("orderer_phone"))
        huge = chat.activity("Greta " + "Johansson" * 34_000)  # about 300 kB of text
        assert (await chat.post(huge)).status == 413
        assert texts.ASK_PERSONNUMMER in (await chat.say("Greta Johansson"))[-1]


async def test_a_control_character_in_the_unit_does_not_block_filing(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        chat = app.chat()
        replies = await chat.say_all(*answers_through("journal"), "Hemtjänst\x00 Ryd")
        assert texts.APOLOGY not in replies
        if texts.ASK_UNIT in replies[-1]:  # asked again: a clean answer goes on
            await chat.say("Hemtjänst Ryd")
        assert texts.ASK_CONFIRM in (await chat.say_all(*answers_after("unit")))[-1]
        filed = await chat.say("ja")
    assert texts.APOLOGY not in filed
    assert reference_in(filed[-1]).endswith("-0001")


async def test_a_message_without_text_gets_the_only_text_reply(database_url: str, tmp_path: Path) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        assert texts.ASK_TRESERVA in (await chat.say("beställ"))[-1]
        assert await chat.say(None) == [texts.NO_TEXT]
        assert await chat.say("   ") == [texts.NO_TEXT]
        # A card button sends no text but a value: that is an answer.
        assert texts.ASK_KEY_RECEIPT in (await chat.say(None, value={"answer": "ja"}))[-1]


@pytest.mark.parametrize(
    "members_per_update",
    [
        pytest.param([["staff-1", "bot"]], id="user-and-bot-in-one-update"),
        pytest.param([["bot"], ["staff-1"]], id="bot-then-user"),
    ],
)
async def test_a_new_conversation_is_greeted_once(
    database_url: str, tmp_path: Path, members_per_update: list[list[str]]
) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        updates = [
            chat.activity(None, type="conversationUpdate", membersAdded=[{"id": m} for m in members])
            for members in members_per_update
        ]
        for update in [*updates, *updates]:  # the channel re-sends each update once
            assert (await chat.post(update)).status < 300
        greetings = [text for text in app.connector.texts(chat.conversation_id) if texts.WELCOME in text]
        assert len(greetings) == 1
        assert texts.ASK_TRESERVA in (await chat.say("beställ"))[-1]


async def test_the_conversation_reference_is_stored_without_names(database_url: str, tmp_path: Path) -> None:
    settings = app_settings(database_url, tmp_path)
    person = {"id": "staff-1", "name": "Karin Andersson"}
    async with chatting(settings) as app, LoopbackConnector() as moved:
        chat = app.chat()
        await chat.say("hjälp", **{"from": person})
        stored = await stored_conversation(settings, chat.conversation_id)
        assert stored is not None
        assert stored["user_id"] == "staff-1"
        reference = stored["reference"]
        assert reference["serviceUrl"] == app.connector.url
        assert reference["conversation"]["id"] == chat.conversation_id
        assert reference["user"]["id"] == "staff-1"
        assert "Karin Andersson" not in json.dumps(reference, ensure_ascii=False)
        assert "Trygghetslarm-boten" not in json.dumps(reference, ensure_ascii=False)
        # The channel moves the conversation to another service URL: the reference follows.
        await Chat(app.http, app.url, moved, conversation_id=chat.conversation_id).say("hjälp")
        moved_url = moved.url
        moved_to = await stored_conversation(settings, chat.conversation_id)
    assert moved_to is not None
    assert moved_to["reference"]["serviceUrl"] == moved_url
