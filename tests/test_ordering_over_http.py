"""The whole app over HTTP, as a channel uses it: an order from greeting to reference."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot import texts
from tests.support.app_server import app_settings
from tests.support.chatting import chatting
from tests.support.http_helpers import (
    ORDER_ANSWERS,
    REFERENCE,
    answers_after,
    answers_through,
    answers_with,
    count_orders,
    messages_with_reference,
    order_service,
    reference_in,
)
from tests.support.testdata import TEST_PERSONNUMMER

ANSWERS = ORDER_ANSWERS  # from `beställ` to the summary
FILED = texts.FILED.partition("{")[0]  # how the bot's "filed, your reference is ..." begins


async def test_an_order_is_filed_with_a_reference(database_url: str, tmp_path: Path) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        summary = await chat.say_all(*ANSWERS)
        assert "Greta Johansson" in summary[-1]
        assert "Stämmer uppgifterna?" in summary[-1]
        filed = await chat.say("ja")
    assert re.search(r"VT-\d{4}-0001", filed[-1]), filed


@pytest.mark.parametrize(
    ("last_answered", "waiting_for", "then_asks"),
    [
        pytest.param("brukare_name", texts.ASK_PERSONNUMMER, texts.ASK_STREET, id="among-brukare-questions"),
        pytest.param(
            "contact_kind", texts.ASK_CONTACT_NAME, texts.ASK_CONTACT_RELATION, id="inside-contacts"
        ),
        pytest.param("underrubrik", texts.ASK_CONFIRM, FILED, id="at-the-summary"),
    ],
)
async def test_an_order_continues_after_a_restart(
    database_url: str, tmp_path: Path, last_answered: str, waiting_for: str, then_asks: str
) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        chat = app.chat(conversation_id="conv-restart")
        assert waiting_for in (await chat.say_all(*answers_through(last_answered)))[-1]
        await app.restart()  # a new app on the same database and data dir
        replies = [await chat.say(answer) for answer in [*answers_after(last_answered), "ja"]]
    assert then_asks in replies[0][-1]
    assert re.search(r"VT-\d{4}-0001", replies[-1][-1]), replies[-1]
    assert await count_orders(settings) == 1


@pytest.mark.parametrize("concurrently", [False, True], ids=["retried-after", "retried-concurrently"])
async def test_a_retried_answer_is_handled_once(
    database_url: str, tmp_path: Path, concurrently: bool
) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        chat = app.chat()
        assert texts.ASK_TRESERVA in (await chat.say("beställ"))[-1]
        seen = len(app.connector.received[chat.conversation_id])
        answer = chat.activity("ja")
        if concurrently:
            responses = await asyncio.gather(chat.post(answer), chat.post(answer))
        else:
            responses = [await chat.post(answer), await chat.post(answer)]
        assert [response.status for response in responses] == [201, 201]
        replies = app.connector.texts(chat.conversation_id)[seen:]
        assert len(replies) == 1, replies
        assert texts.ASK_KEY_RECEIPT in replies[0]
        # The retry did not answer the key question too: this 'nej' does.
        assert texts.STOP_KEY_RECEIPT in (await chat.say("nej"))[-1]


@pytest.mark.parametrize("delivery", ["retried-after", "retried-concurrently", "double-tapped"])
async def test_a_repeated_confirmation_files_one_order(
    database_url: str, tmp_path: Path, delivery: str
) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        chat = app.chat()
        await chat.say_all(*ANSWERS)
        seen = len(app.connector.received[chat.conversation_id])
        confirmation = chat.activity("ja")
        if delivery == "retried-after":
            responses = [await chat.post(confirmation), await chat.post(confirmation)]
        elif delivery == "retried-concurrently":
            responses = await asyncio.gather(chat.post(confirmation), chat.post(confirmation))
        else:  # two taps on the button: two activities with their own ids
            responses = await asyncio.gather(chat.post(confirmation), chat.post(chat.activity("ja")))
        assert [response.status for response in responses] == [201, 201]
        replies = app.connector.texts(chat.conversation_id)[seen:]
    filed = messages_with_reference(replies)
    assert len(filed) == 1, replies
    if delivery != "double-tapped":
        assert replies == filed  # a retry is not answered at all
    assert await count_orders(settings) == 1
    async with order_service(settings) as orders:
        order = await orders.get(reference_in(filed[0]))
    assert order is not None
    assert order.details.brukare.name == "Greta Johansson"


async def test_answers_posted_at_once_are_all_kept(database_url: str, tmp_path: Path) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        chat = app.chat()
        await chat.say("beställ")
        prerequisites = [chat.post(chat.activity("ja")) for _ in range(3)]
        assert [response.status for response in await asyncio.gather(*prerequisites)] == [201] * 3
        assert texts.ASK_UNIT in app.connector.texts(chat.conversation_id)[-1]
        # Unit and name both read as free text, so whichever the bot takes first, both must land.
        unit_and_name = [chat.post(chat.activity(answer)) for answer in ("Hemtjänst Ryd", "Karin Andersson")]
        assert [response.status for response in await asyncio.gather(*unit_and_name)] == [201] * 2
        assert texts.ASK_ORDERER_PHONE in app.connector.texts(chat.conversation_id)[-1]
        async with order_service(settings) as orders:
            draft = await orders.load_draft(chat.user_id)
        assert draft is not None
        assert {draft.unit, draft.orderer_name} == {"Hemtjänst Ryd", "Karin Andersson"}
        summary = await chat.say_all(*answers_after("orderer_name"))
        assert "Hemtjänst Ryd" in summary[-1]
        assert "Karin Andersson" in summary[-1]
        filed = await chat.say("ja")
    assert re.search(r"VT-\d{4}-0001", filed[-1]), filed


async def test_parallel_orders_get_distinct_consecutive_references(database_url: str, tmp_path: Path) -> None:
    settings = app_settings(database_url, tmp_path)
    other_pnr = TEST_PERSONNUMMER[2]
    orders_by = {
        "staff-1": [*ANSWERS, "ja"],
        "staff-2": [*answers_with("personnummer", f"{other_pnr[:8]}-{other_pnr[8:]}"), "ja"],
    }
    async with chatting(settings) as app:
        chats = [app.chat(user) for user in orders_by]
        replies = await asyncio.gather(*(chat.say_all(*orders_by[chat.user_id]) for chat in chats))
    references = [REFERENCE.search(last[-1]) for last in replies]
    assert all(references), replies
    assert len({found.group(1) for found in references}) == 1  # one year
    assert sorted(int(found.group(2)) for found in references) == [1, 2]
    assert await count_orders(settings) == 2
    async with order_service(settings) as service:
        for chat, found in zip(chats, references, strict=True):
            order = await service.get(found.group(0))
            assert order is not None
            assert order.orderer.user_id == chat.user_id
