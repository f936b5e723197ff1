"""Status questions through the real bot (TestAdapter, real databases): phrases, access, states, mid-order."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from bot import texts
from bot.access import AccessPolicy
from bot.crypto import Vault
from bot.domain import Booking, ChecklistItem, TeamMember
from bot.handling import HandlingService
from bot.language.status_questions import IntentKind, recognise
from bot.orders import OrderService
from bot.status import StatusService
from bot.store.codec import PayloadCodec
from bot.store.db import create_engine
from bot.store.migrate import migrate
from bot.store.unit_of_work import Database
from tests.support.app_server import app_settings
from tests.support.bot_harness import NOW, Chat, RunningBot, fixed_clock, running_bot
from tests.support.chatting import chatting
from tests.support.http_helpers import ORDER_ANSWERS, ORDER_STEPS, reference_in
from tests.support.testdata import TEST_PERSONNUMMER
from tests.test_orders import complete_draft

KEY = Fernet.generate_key().decode()
PHRASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "status_phrases.json").read_text(encoding="utf-8")
)["phrases"]

ANNA = TeamMember(user_id="team-anna", name="Anna Lind")
STAFF, COLLEAGUE, OTHER_UNIT, STRANGER = "staff-1", "staff-2", "staff-9", "someone-else"
GRETA_PNR, SVEN_PNR, ELSA_PNR, LIND_PNR = (TEST_PERSONNUMMER[n] for n in (1, 0, 2, 3))
GRETA, SVEN, ELSA = "VT-2026-0001", "VT-2026-0002", "VT-2026-0003"
NEXT_DAY = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
BOOKED_AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10.00 in Sweden
NOT_FOUND = texts.ORDER_NOT_FOUND.partition(" {")[0]  # "Jag hittar inget ärende"
TITLE = re.compile(r"\*\*(VT-\d{4}-\d{4}): ")
ORDERER_STEPS = {"start", "unit", "orderer_name", "orderer_phone"}
RETURNING = [(name, answer) for name, answer in ORDER_STEPS if name not in ORDERER_STEPS]


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[RunningBot]:
    """Greta's order (staff-1), Sven's (a colleague in the same unit, spelt otherwise), Elsa's (elsewhere)."""
    async with running_bot(database_url, KEY, [ANNA.user_id]) as bot:
        await bot.orders.file(complete_draft(STAFF, brukare_name="Greta Johansson", personnummer=GRETA_PNR))
        await bot.orders.file(
            complete_draft(
                COLLEAGUE, unit="hemtjänst ryd", brukare_name="Sven Karlsson", personnummer=SVEN_PNR
            )
        )
        await bot.orders.file(
            complete_draft(
                OTHER_UNIT, unit="Hemtjänst Skäggetorp", brukare_name="Elsa Berg", personnummer=ELSA_PNR
            )
        )
        yield bot


def team(bot: RunningBot, clock: datetime = NEXT_DAY) -> HandlingService:
    return HandlingService(bot.orders.database, AccessPolicy([ANNA.user_id]), lambda: clock)


def answered(replies: list[str]) -> list[str]:
    """What kind of status answer each reply is: an order's reference, which, mine, not_found, ..."""
    kinds = {
        texts.STATUS_WHICH: "which",
        texts.STATUS_SEVERAL: "several",
        texts.STATUS_MINE: "mine",
        texts.STATUS_MINE_NONE: "mine",
        texts.STATUS_BAD_PERSONNUMMER: "bad_personnummer",
        NOT_FOUND: "not_found",
    }
    found = []
    for reply in replies:
        title = TITLE.match(reply)
        if title and f"- {texts.LABEL_STATE}: " in reply:
            found.append(title.group(1))
        found += [kind for start, kind in kinds.items() if reply.startswith(start)]
    return found


async def reach(chat: Chat, step: str) -> str:
    """Start an order as a returning orderer and answer up to `step`; the question asked there."""
    replies = await chat.say("börja om")
    for name, answer in RETURNING:
        if name == step:
            break
        replies = await chat.say(answer)
    return replies[-1]


async def understood(bot: RunningBot, number: int, phrase: dict[str, Any]) -> bool:
    chat = bot.chat(STAFF, f"phrase-{number}")
    asked = await reach(chat, phrase["in_order"]) if "in_order" in phrase else None
    replies = await chat.say(phrase["text"])
    expected = [] if phrase["answer"] is None else [phrase["answer"]]
    if asked is not None and expected and replies[-1] != asked:
        return False  # a status answer in an order must be followed by the pending question
    return answered(replies) == expected


def test_the_recogniser_finds_each_phrase_s_intent_and_target() -> None:
    wrong = []
    for phrase in PHRASES:
        intent = recognise(phrase["text"], in_dialog="in_order" in phrase, today=NOW.date())
        got = (None, None) if intent is None else (intent.kind.value, intent.target)
        if got != (phrase["intent"], phrase["target"]):
            wrong.append((phrase["text"], got))
    assert wrong == [], f"{len(PHRASES) - len(wrong)} of {len(PHRASES)} recognised"


async def test_every_phrase_gets_the_right_answer_through_the_bot(world: RunningBot) -> None:
    wrong = [phrase["text"] for n, phrase in enumerate(PHRASES) if not await understood(world, n, phrase)]
    assert len(PHRASES) >= 60
    assert wrong == [], f"{len(PHRASES) - len(wrong)} of {len(PHRASES)} understood"


async def test_the_orderer_the_unit_and_the_team_see_an_order_nobody_else_does(world: RunningBot) -> None:
    asked = "status VT-2026-0001"
    orderer = await world.chat(STAFF, "c-orderer").say(asked)
    colleague = await world.chat(COLLEAGUE, "c-colleague").say(asked)
    member = await world.chat(ANNA.user_id, "c-team").say(asked)
    other_unit = await world.chat(OTHER_UNIT, "c-other").say(asked)
    stranger = await world.chat(STRANGER, "c-stranger").say(asked)
    missing = await world.chat(OTHER_UNIT, "c-missing").say("status VT-2026-0099")
    assert answered(orderer) == [GRETA]
    assert colleague == orderer
    assert member == orderer
    assert other_unit == stranger == [texts.ORDER_NOT_FOUND.format(reference=GRETA)]
    assert missing == [texts.ORDER_NOT_FOUND.format(reference="VT-2026-0099")]  # the same words


async def test_a_search_by_personnummer_or_name_finds_only_what_the_asker_may_see(world: RunningBot) -> None:
    other = world.chat(OTHER_UNIT, "c-other")
    assert await other.say(f"status {GRETA_PNR}") == [texts.STATUS_NOT_FOUND_FOR.format(what="19460507-XXXX")]
    assert await other.say("status Greta") == [texts.STATUS_NOT_FOUND_FOR.format(what="Greta")]
    assert answered(await other.say("status Elsa")) == [ELSA]
    assert answered(await world.chat(ANNA.user_id, "c-team").say("hur går det för Elsa Berg?")) == [ELSA]
    assert answered(await world.chat(STRANGER, "c-stranger").say("status")) == []


async def test_mina_arenden_lists_the_own_and_the_unit_s_open_orders_newest_first(world: RunningBot) -> None:
    await team(world).cancel(SVEN, ANNA, "Brukaren har tackat nej.")
    await world.orders.file(complete_draft(COLLEAGUE, unit="Hemtjänst Ryd", brukare_name="Ove Ek"))
    await team(world).book(GRETA, ANNA, Booking(at=BOOKED_AT))
    replies = await world.chat(STAFF, "c-mine").say("mina ärenden")
    assert replies == [
        "\n\n".join([
            texts.STATUS_MINE,
            "1. **VT-2026-0004** Ove Ek: skickad till teamet\n"
            "2. **VT-2026-0001** Greta Johansson: installation bokad torsdag 3 december 2026 kl. 10.00",
            texts.STATUS_CHOOSE_NUMBER,
        ])
    ]  # fmt: skip
    assert answered(await world.chat(OTHER_UNIT, "c-other").say("mina ärenden")) == ["mine"]
    assert await world.chat(ANNA.user_id, "c-team").say("mina ärenden") == [texts.STATUS_MINE_NONE]


async def test_a_booked_order_is_told_in_full(world: RunningBot) -> None:
    await team(world).take(GRETA, ANNA)
    await team(world).book(GRETA, ANNA, Booking(at=BOOKED_AT, contacted="dottern"))
    assert await world.chat(STAFF, "c-booked").say("hur går det med larmet till Greta Johansson?") == [
        "**VT-2026-0001: Greta Johansson, 19460507-XXXX**\n"
        "- Läge: installation bokad\n"
        "- Installation: torsdag 3 december 2026 kl. 10.00\n"
        "- Senaste händelse: installationen bokades, 27 november 2026\n"
        "- Handläggare i teamet: Anna Lind\n"
        "- Nästa steg: Teamet kommer och installerar larmet på den bokade tiden."
    ]


async def test_each_state_is_told_with_what_happens_next(world: RunningBot) -> None:
    chat = world.chat(STAFF, "c-states")
    handling = team(world)
    seen = {"FILED": await chat.say("status VT-2026-0001")}
    await handling.take(GRETA, ANNA)
    seen["RECEIVED"] = await chat.say("status VT-2026-0001")
    await handling.book(GRETA, ANNA, Booking(at=BOOKED_AT))
    await handling.tick(GRETA, ANNA, ChecklistItem.INSTALLED)
    seen["INSTALLED"] = await chat.say("status VT-2026-0001")
    for item in (ChecklistItem.REGISTERED, ChecklistItem.INVENTORY, ChecklistItem.INFORMATION):
        await handling.tick(GRETA, ANNA, item)
    await handling.close(GRETA, ANNA, "Larmet är installerat och testat.")
    seen["CLOSED"] = await chat.say("status VT-2026-0001")
    await handling.cancel(SVEN, ANNA, "Brukaren har tackat nej.")
    seen["CANCELLED"] = await chat.say("status VT-2026-0002")
    expected = {
        "FILED": ["skickad till teamet", "beställningen skickades, 26 november 2026", "ingen ännu"],
        "RECEIVED": ["mottagen av teamet", "teamet tog emot ärendet, 27 november 2026", "Anna Lind"],
        "INSTALLED": ["installerad", "torsdag 3 december 2026 kl. 10.00", "bockade av: installerat"],
        "CLOSED": ["- Läge: klar", "ärendet avslutades", "Återkoppling: Larmet är installerat och testat."],
        "CANCELLED": ["makulerad", "ärendet makulerades", "Orsak: Brukaren har tackat nej.", "ingen ännu"],
    }
    for state, parts in expected.items():
        [reply] = seen[state]
        assert all(part in reply for part in parts), (state, reply)
        assert reply.endswith(f"- {texts.LABEL_NEXT}: {texts.NEXT_STEPS[state]}"), (state, reply)
    assert texts.LABEL_BOOKED not in seen["CANCELLED"][0]


async def test_a_question_in_the_middle_of_an_order_is_answered_and_the_order_goes_on(
    world: RunningBot,
) -> None:
    chat = world.chat(STAFF, "c-ordering")
    asked = await reach(chat, "street")
    assert asked == texts.ASK_STREET
    replies = await chat.say("hur går det med larmet till Greta Johansson?")
    assert answered(replies) == [GRETA]
    assert replies[-1] == texts.ASK_STREET
    for _name, answer in RETURNING[RETURNING.index(("street", "Storgatan 12")) :]:
        replies = await chat.say(answer)
    filed = await chat.say("ja")
    order = await world.orders.get("VT-2026-0004")
    assert order is not None and order.details.brukare.address.street == "Storgatan 12"
    assert "status VT-2026-0004" in filed[-1]


async def test_a_list_in_the_middle_of_an_order_leaves_numbers_to_the_order(world: RunningBot) -> None:
    chat = world.chat(STAFF, "c-ordering")
    assert (await reach(chat, "rubrik")).startswith(texts.ASK_RUBRIK)
    replies = await chat.say("status")
    assert answered(replies) == ["which"]
    assert replies[0].endswith(texts.STATUS_CHOOSE_REFERENCE.format(reference=SVEN))
    assert texts.ASK_RUBRIK in replies[-1]
    assert answered(await chat.say("1")) == []  # the first rubrik, not the first order
    assert chat.texts()[-1].startswith(texts.ASK_UNDERRUBRIK.partition("{")[0])


async def test_a_question_while_a_cancel_awaits_its_answer_asks_about_the_cancel_again(
    world: RunningBot,
) -> None:
    chat = world.chat(STAFF, "c-cancelling")
    await reach(chat, "street")
    await chat.say("avbryt")
    replies = await chat.say("status VT-2026-0001")
    assert answered(replies) == [GRETA]
    assert replies[-1] == texts.ASK_CANCEL
    assert await chat.say("nej") == [texts.NOT_CANCELLED, texts.ASK_STREET]


@pytest.mark.parametrize(
    "written",
    ["194605076654", "19460507-6654", "19460507 - 6654", "460507-6654", "4605076654", "460507 6654"],
)
async def test_a_personnummer_is_found_in_its_10_and_12_digit_forms(world: RunningBot, written: str) -> None:
    assert answered(await world.chat(STAFF, "c-pnr").say(f"status {written}")) == [GRETA]


async def test_a_personnummer_is_found_after_the_key_is_rotated(database_url: str) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    engine = create_engine(database_url)
    try:
        await migrate(engine)
        filed_under_old = OrderService(Database(engine, PayloadCodec(Vault([old]))), fixed_clock)
        await filed_under_old.file(complete_draft(STAFF, personnummer=GRETA_PNR))
        rotated = StatusService(
            Database(engine, PayloadCodec(Vault([new, old]))), AccessPolicy([]), fixed_clock
        )
        intent = recognise(f"status {GRETA_PNR}", in_dialog=False, today=NOW.date())
        assert intent is not None and intent.kind is IntentKind.STATUS
        reply = await rotated.answer(STAFF, intent)
    finally:
        await engine.dispose()
    assert answered([reply.text]) == ["VT-2026-0001"]


async def test_a_partial_name_shared_by_two_gives_a_list_answered_by_number_also_after_a_restart(
    world: RunningBot, database_url: str
) -> None:
    await world.orders.file(
        complete_draft(STAFF, brukare_name="Greta Lind", personnummer=TEST_PERSONNUMMER[3])
    )
    chat = world.chat(STAFF, "c-two-gretas")
    replies = await chat.say("när kommer de och installerar hos Greta?")
    assert replies == [
        "\n\n".join([
            texts.STATUS_SEVERAL,
            "1. **VT-2026-0004** Greta Lind: skickad till teamet\n"
            "2. **VT-2026-0001** Greta Johansson: skickad till teamet",
            texts.STATUS_CHOOSE_NUMBER,
        ])
    ]  # fmt: skip
    assert chat.buttons() == ["status VT-2026-0004", "status VT-2026-0001"]
    assert answered(await chat.say("status Greta J")) == [GRETA]  # unambiguous: answered at once
    await chat.say("status greta")
    async with running_bot(database_url, KEY, [ANNA.user_id]) as restarted:
        assert answered(await restarted.chat(STAFF, "c-two-gretas").say("2")) == [GRETA]
        assert answered(await restarted.chat(STAFF, "c-two-gretas").say("2")) == []  # asked once only


async def test_a_number_answers_only_the_list_of_the_one_who_asked(world: RunningBot) -> None:
    await world.chat(STAFF, "c-shared").say("status")
    assert answered(await world.chat(COLLEAGUE, "c-shared").say("1")) == []


async def test_status_questions_work_in_the_app_over_http(database_url: str, tmp_path: Path) -> None:
    settings = app_settings(database_url, tmp_path, team_member_ids=(ANNA.user_id,))
    async with chatting(settings) as app:
        staff = app.chat(STAFF)
        await staff.say_all(*ORDER_ANSWERS)
        reference = reference_in((await staff.say("ja"))[-1])
        orderer = await staff.say(f"vad är status på {reference.lower()}?")
        member = await app.chat(ANNA.user_id).say(f"status {reference}")
        other = await app.chat(OTHER_UNIT).say(f"status {reference}")
    assert answered(orderer) == [reference]
    assert member == orderer
    assert other == [texts.ORDER_NOT_FOUND.format(reference=reference)]
