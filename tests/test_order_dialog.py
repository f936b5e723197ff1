"""The ordering conversation through botbuilder's TestAdapter: real bot, dialogs, services and database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest
from cryptography.fernet import Fernet

from bot import texts
from bot.categories import load_categories
from bot.domain import BookingContact, ContactKind, OrderState
from bot.drafts import OrderDraft
from dialogs.summary import FIELD_LIST
from tests.support.bot_harness import NOW, USER, Chat, RunningBot, running_bot
from tests.support.testdata import FICTIONAL_MOBILES, TEST_PERSONNUMMER

KEY = Fernet.generate_key().decode()

PNR = TEST_PERSONNUMMER[1]  # 194605076654, born 7 May 1946
OTHER_PNR = TEST_PERSONNUMMER[0]  # 192005229238
BORN_1901 = next(pnr for pnr in TEST_PERSONNUMMER if pnr.startswith("1901"))  # '+' in the 10-digit form
BRUKARE_PHONE, CONTACT_PHONE, ORDERER_PHONE = FICTIONAL_MOBILES[0], FICTIONAL_MOBILES[1], FICTIONAL_MOBILES[5]
UNIT, ORDERER_NAME = "Hemtjänst Ryd", "Karin Andersson"
SQL = "'; DROP TABLE orders; --"

CATEGORIES = load_categories().rubriker
RUBRIK = next(iter(CATEGORIES))
UNDERRUBRIKER = CATEGORIES[RUBRIK]
ASK_UNDERRUBRIK = texts.ASK_UNDERRUBRIK.format(rubrik=RUBRIK)
YES_NO = [texts.BUTTON_YES, texts.BUTTON_NO]
CONTACT_KINDS = ["brukaren", "närstående", "verksamheten"]
ERR_CONTACT_KIND = texts.ERR_CHOICE.format(options=", ".join(CONTACT_KINDS))

PRECONDITIONS = [
    (texts.ASK_TRESERVA, "ja"),
    (texts.ASK_KEY_RECEIPT, "ja"),
    (texts.ASK_JOURNAL, "ja"),
]
ORDERER = [
    (texts.ASK_UNIT, UNIT),
    (texts.ASK_ORDERER_NAME, ORDERER_NAME),
    (texts.ASK_ORDERER_PHONE, ORDERER_PHONE),
]
REST = [
    (texts.ASK_BRUKARE_NAME, "Greta Johansson"),
    (texts.ASK_PERSONNUMMER, f"{PNR[:8]}-{PNR[8:]}"),
    (texts.ASK_STREET, "Storgatan 12"),
    (texts.ASK_POSTNUMMER, "58223"),
    (texts.ASK_ORT, "Linköping"),
    (texts.ASK_PHONE, BRUKARE_PHONE),
    (texts.ASK_PORTKOD, "ingen"),
    (texts.ASK_TAG_NEEDED, "ja"),
    (texts.ASK_TAG_COLLECTED, "ja"),
    (texts.ASK_CONTACT_KIND, "närstående"),
    (texts.ASK_CONTACT_NAME, "Anna Johansson"),
    (texts.ASK_CONTACT_RELATION, "dotter"),
    (texts.ASK_CONTACT_PHONE, CONTACT_PHONE),
    (texts.ASK_MORE_CONTACTS, "nej"),
    (texts.ASK_RUBRIK, "1"),
    (ASK_UNDERRUBRIK, "1"),
    (texts.ASK_CONFIRM, "ja"),
]
ORDER = [*PRECONDITIONS, *ORDERER, *REST]  # every question of a first order, with a good answer
RETURNING = [*PRECONDITIONS, *REST]  # the orderer is remembered from the first order
CONTACT_SEEN = texts.CONTACT_NARSTAENDE.format(name="Anna Johansson", relation="dotter", phone=CONTACT_PHONE)


def asks(reply: str, question: str) -> bool:
    """True if `reply` is `question`, or ends with it (a hint or the summary's facts come first)."""
    return reply == question or reply.endswith(f"\n\n{question}")


def rejected(error: str, question: str, *, stuck: bool = False) -> str:
    """What the bot says to a wrong answer: what was wrong, the question again, maybe the hint."""
    return "\n\n".join([error, question, texts.MISSES_HINT] if stuck else [error, question])


def filed(reference: str, contacts: str = CONTACT_SEEN) -> list[str]:
    return [texts.FILED.format(reference=reference, contacts=contacts)]


async def answer_on(
    chat: Chat,
    until: str | None = None,
    steps: list[tuple[str, str]] = ORDER,
    answers: Mapping[str, str] | None = None,
) -> list[str]:
    """Answer from the question asked now, until `until` is asked (or to the end); the last replies."""
    answers = answers or {}
    replies = chat.texts()
    first = next(index for index, (asked, _) in enumerate(steps) if asks(replies[-1], asked))
    for asked, answer in steps[first:]:
        assert asks(replies[-1], asked), (asked, replies)
        if asked == until:
            return replies
        replies = await chat.say(answers.get(asked, answer))
    assert until is None, f"never asked: {until}"
    return replies


async def reach(
    chat: Chat,
    question: str,
    steps: list[tuple[str, str]] = ORDER,
    answers: Mapping[str, str] | None = None,
) -> list[str]:
    """Write `beställ` and answer every question before `question`; the replies that ask it."""
    await chat.say("beställ")
    return await answer_on(chat, question, steps, answers)


async def file_order(chat: Chat, steps: list[tuple[str, str]] = ORDER) -> list[str]:
    """A whole order, from `beställ` to the reply to the summary's `ja`."""
    await chat.say("beställ")
    return await answer_on(chat, steps=steps)


async def draft_of(bot: RunningBot, user: str = USER) -> OrderDraft | None:
    return await bot.orders.load_draft(user)


# --- The happy path -------------------------------------------------------------------------


async def test_an_order_is_filed_with_a_reference_and_normalised_answers(bot: RunningBot, chat: Chat) -> None:
    assert await chat.say("beställ") == [texts.ORDER_START, texts.ASK_TRESERVA]
    summary = await answer_on(chat, until=texts.ASK_CONFIRM)
    assert f"- {texts.LABEL_PERSONNUMMER}: 19460507-6654" in summary[-1]
    assert f"- {texts.LABEL_ADDRESS}: Storgatan 12, 582 23 Linköping" in summary[-1]
    assert f"- {texts.LABEL_PORTKOD}: {texts.VALUE_NO_PORTKOD}" in summary[-1]

    assert await chat.say("ja") == filed("VT-2026-0001")

    order = await bot.orders.get("VT-2026-0001")
    assert order is not None
    assert order.state is OrderState.FILED
    assert order.filed_at == NOW
    assert (order.orderer.user_id, order.orderer.unit, order.orderer.name) == (USER, UNIT, ORDERER_NAME)
    assert order.orderer.phone == "+46701740610"
    brukare = order.details.brukare
    assert (brukare.name, brukare.personnummer, brukare.phone) == ("Greta Johansson", PNR, "+46701740605")
    assert (brukare.address.street, brukare.address.postnummer, brukare.address.ort) == (
        "Storgatan 12",
        "582 23",
        "Linköping",
    )
    assert brukare.portkod is None
    access = order.details.access
    assert (access.key_collected, access.outer_door_tag_needed, access.outer_door_tag_collected) == (
        True,
        True,
        True,
    )
    assert order.details.contacts == (
        BookingContact(
            kind=ContactKind.NARSTAENDE, name="Anna Johansson", relation="dotter", phone="+46701740606"
        ),
    )
    assert (order.details.category.rubrik, order.details.category.underrubrik) == (RUBRIK, UNDERRUBRIKER[0])
    assert order.details.prerequisites.journal.confirmed_by == USER
    assert order.details.prerequisites.journal.confirmed_at == NOW
    assert await draft_of(bot) is None


async def test_a_second_order_gets_the_next_reference_and_skips_the_orderers_questions(
    bot: RunningBot, chat: Chat
) -> None:
    await file_order(chat)

    start = await chat.say("beställ")
    assert start[0].startswith(texts.ORDER_START)
    assert ORDERER_NAME in start[0]
    assert UNIT in start[0]
    assert start[1:] == [texts.ASK_TRESERVA]
    assert await chat.say_all("ja", "ja", "ja") == [texts.ASK_BRUKARE_NAME]

    other = {texts.ASK_BRUKARE_NAME: "Sven Svensson", texts.ASK_PERSONNUMMER: OTHER_PNR}
    assert await answer_on(chat, steps=RETURNING, answers=other) == filed("VT-2026-0002")
    second = await bot.orders.get("VT-2026-0002")
    assert second is not None
    assert second.details.brukare.personnummer == OTHER_PNR
    assert (second.orderer.unit, second.orderer.name, second.orderer.phone) == (
        UNIT,
        ORDERER_NAME,
        "+46701740610",
    )


async def test_a_remembered_orderer_is_per_user(bot: RunningBot, chat: Chat) -> None:
    await file_order(chat)
    colleague = bot.chat(user_id="staff-2", conversation_id="conversation-2")
    assert await colleague.say("beställ") == [texts.ORDER_START, texts.ASK_TRESERVA]
    assert await colleague.say_all("ja", "ja", "ja") == [texts.ASK_UNIT]


# --- hjälp ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "help_text"),
    [
        (texts.ASK_TRESERVA, texts.HELP_TRESERVA),
        (texts.ASK_UNIT, texts.HELP_UNIT),
        (texts.ASK_PERSONNUMMER, texts.HELP_PERSONNUMMER),
        (texts.ASK_PORTKOD, texts.HELP_PORTKOD),
        (texts.ASK_CONTACT_NAME, texts.HELP_CONTACT_NAME),
        (texts.ASK_MORE_CONTACTS, texts.HELP_MORE_CONTACTS),
        (ASK_UNDERRUBRIK, texts.HELP_UNDERRUBRIK),
    ],
)
async def test_help_explains_the_question_and_asks_again(chat: Chat, question: str, help_text: str) -> None:
    await reach(chat, question)
    buttons = chat.buttons()
    assert await chat.say("hjälp") == [help_text, question]
    assert chat.buttons() == buttons
    assert await chat.say("Hjälp!") == [help_text, question]  # any case, with punctuation


async def test_help_at_the_summary_lists_what_can_be_changed(chat: Chat) -> None:
    summary = await reach(chat, texts.ASK_CONFIRM)
    assert await chat.say("hjälp") == [texts.HELP_CONFIRM.format(fields=FIELD_LIST), summary[-1]]
    assert all(word in FIELD_LIST for word in (texts.EDIT_ADDRESS, texts.EDIT_PORTKOD, texts.EDIT_CONTACTS))


async def test_help_then_the_answer_goes_on(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_POSTNUMMER)
    await chat.say("hjälp")
    assert await chat.say("58223") == [texts.ASK_ORT]
    draft = await draft_of(bot)
    assert draft is not None
    assert draft.postnummer == "582 23"


# --- tillbaka -------------------------------------------------------------------------------


async def test_back_asks_the_previous_question_and_the_new_answer_replaces_the_old(
    bot: RunningBot, chat: Chat
) -> None:
    await reach(chat, texts.ASK_POSTNUMMER)
    assert await chat.say("tillbaka") == [texts.ASK_STREET]
    assert await chat.say("tilbaka") == [texts.ASK_PERSONNUMMER]  # a small typo is forgiven
    assert await chat.say(f"{OTHER_PNR[:8]}-{OTHER_PNR[8:]}") == [texts.ASK_STREET]
    assert await chat.say("Ågatan 3") == [texts.ASK_POSTNUMMER]

    draft = await draft_of(bot)
    assert draft is not None
    assert (draft.personnummer, draft.street) == (OTHER_PNR, "Ågatan 3")
    summary = await answer_on(chat, until=texts.ASK_CONFIRM)
    assert f"- {texts.LABEL_ADDRESS}: Ågatan 3, 582 23 Linköping" in summary[-1]
    assert "Storgatan" not in summary[-1]


async def test_back_at_the_first_question_says_it_is_the_first(chat: Chat) -> None:
    await chat.say("beställ")
    assert await chat.say("tillbaka") == [texts.BACK_AT_FIRST, texts.ASK_TRESERVA]
    assert await chat.say("ja") == [texts.ASK_KEY_RECEIPT]


async def test_back_within_the_booking_contacts_and_out_of_them(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONTACT_RELATION)
    assert await chat.say("tillbaka") == [texts.ASK_CONTACT_NAME]
    assert await chat.say("tillbaka") == [texts.ASK_CONTACT_KIND]
    assert await chat.say("tillbaka") == [texts.ASK_TAG_COLLECTED]  # out of the contacts, one step back
    assert await chat.say("ja") == [texts.ASK_CONTACT_KIND]
    assert await chat.say("verksamheten") == [texts.ASK_MORE_CONTACTS]
    assert await chat.say("tillbaka") == [texts.ASK_CONTACT_KIND]  # that contact is taken back
    assert await chat.say("brukaren") == [texts.ASK_MORE_CONTACTS]
    assert await answer_on(chat) == filed("VT-2026-0001", texts.CONTACT_BRUKARE)
    order = await bot.orders.get("VT-2026-0001")
    assert order is not None
    assert order.details.contacts == (BookingContact(kind=ContactKind.BRUKARE),)


async def test_back_at_the_summary_asks_the_last_question_again(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    assert await chat.say("tillbaka") == [ASK_UNDERRUBRIK]
    summary = await chat.say("2")
    assert asks(summary[-1], texts.ASK_CONFIRM)
    assert f"{RUBRIK} > {UNDERRUBRIKER[1]}" in summary[-1]
    await chat.say("ja")
    order = await bot.orders.get("VT-2026-0001")
    assert order is not None
    assert order.details.category.underrubrik == UNDERRUBRIKER[1]


async def test_back_after_resuming_goes_to_the_question_answered_before(chat: Chat) -> None:
    await reach(chat, texts.ASK_JOURNAL)
    await chat.say("nej")
    await chat.say("fortsätt")
    assert await chat.say("tillbaka") == [texts.ASK_KEY_RECEIPT]


# --- avbryt ---------------------------------------------------------------------------------


async def test_cancel_then_no_goes_on_at_the_same_question(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_STREET)
    before = await draft_of(bot)
    assert await chat.say("avbryt") == [texts.ASK_CANCEL]
    assert chat.buttons() == YES_NO
    assert await chat.say("nej") == [texts.NOT_CANCELLED, texts.ASK_STREET]
    assert await draft_of(bot) == before
    assert await chat.say("Storgatan 12") == [texts.ASK_POSTNUMMER]


async def test_cancel_then_yes_discards_the_order(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONTACT_NAME)  # inside the booking contacts
    assert await chat.say("avbryt") == [texts.ASK_CANCEL]
    assert await chat.say("ja") == [texts.CANCELLED]
    assert await draft_of(bot) is None
    assert await chat.say("fortsätt") == [texts.NO_DRAFT]
    assert await chat.say("beställ") == [texts.ORDER_START, texts.ASK_TRESERVA]


async def test_cancel_then_neither_yes_nor_no_asks_again(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_ORT)
    await chat.say("avbryt")
    again = [f"{texts.ERR_YES_NO} {texts.ASK_CANCEL}"]
    assert await chat.say("kanske") == again
    assert chat.buttons() == YES_NO
    assert await chat.say("🤔") == again
    assert await chat.say("nej") == [texts.NOT_CANCELLED, texts.ASK_ORT]
    assert await draft_of(bot) is not None


async def test_cancel_outside_an_order_has_nothing_to_cancel(chat: Chat) -> None:
    assert await chat.say("avbryt") == [texts.NOTHING_TO_CANCEL]


async def test_order_while_confirming_cancel_asks_about_cancelling_again(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_KEY_RECEIPT)
    await chat.say("avbryt")
    assert await chat.say("beställ") == [texts.ALREADY_ORDERING, texts.ASK_CANCEL]
    assert await chat.say("nej") == [texts.NOT_CANCELLED, texts.ASK_KEY_RECEIPT]
    assert await chat.say("ja") == [texts.ASK_JOURNAL]
    assert await draft_of(bot) is not None


# --- The preconditions: a 'nej' stops, `fortsätt` resumes -------------------------------------


async def test_no_to_the_first_precondition_stops_with_its_reason(bot: RunningBot, chat: Chat) -> None:
    await chat.say("beställ")
    assert await chat.say("nej") == [texts.STOP_TRESERVA]
    assert await chat.say("ja") == [f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}"]  # the order is stopped
    assert await bot.orders.get("VT-2026-0001") is None


NO_TO_TRESERVA_RESUMES = pytest.param(
    texts.ASK_TRESERVA,
    texts.STOP_TRESERVA,
)


@pytest.mark.parametrize(
    ("question", "stop"),
    [
        NO_TO_TRESERVA_RESUMES,
        (texts.ASK_KEY_RECEIPT, texts.STOP_KEY_RECEIPT),
        (texts.ASK_JOURNAL, texts.STOP_JOURNAL),
    ],
)
async def test_no_to_a_precondition_stops_and_continue_resumes_there(
    bot: RunningBot, chat: Chat, question: str, stop: str
) -> None:
    await reach(chat, question)
    assert await chat.say("nej") == [stop]
    assert chat.buttons() == []
    assert await chat.say("ja") == [f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}"]  # the order is stopped

    assert await chat.say("fortsätt") == [texts.ORDER_RESUME, question]
    position = [asked for asked, _ in ORDER].index(question)
    assert await chat.say("ja") == [ORDER[position + 1][0]]
    draft = await draft_of(bot)
    assert draft is not None
    confirmed = [draft.treserva, draft.key_receipt, draft.journal]
    assert confirmed == [NOW] * (position + 1) + [None] * (2 - position)


async def test_continue_after_a_restart_keeps_the_earlier_answers(database_url: str) -> None:
    async with running_bot(database_url, KEY) as before:
        chat = before.chat()
        await reach(chat, texts.ASK_JOURNAL)
        assert await chat.say("nej") == [texts.STOP_JOURNAL]

    async with running_bot(database_url, KEY) as after:
        chat = after.chat()
        assert await chat.say("fortsätt") == [texts.ORDER_RESUME, texts.ASK_JOURNAL]
        assert await answer_on(chat) == filed("VT-2026-0001")
        order = await after.orders.get("VT-2026-0001")
        assert order is not None
        assert order.details.prerequisites.treserva.confirmed_at == NOW


async def test_a_restart_in_the_middle_of_an_order_goes_on_with_the_next_answer(database_url: str) -> None:
    async with running_bot(database_url, KEY) as before:
        await reach(before.chat(), texts.ASK_CONTACT_RELATION)

    async with running_bot(database_url, KEY) as after:
        chat = after.chat()
        assert await chat.say("dotter") == [texts.ASK_CONTACT_PHONE]
        assert await chat.say("hjälp") == [texts.HELP_PHONE, texts.ASK_CONTACT_PHONE]
        assert await answer_on(chat) == filed("VT-2026-0001")
        order = await after.orders.get("VT-2026-0001")
        assert order is not None
        assert (order.details.brukare.name, order.details.brukare.personnummer) == ("Greta Johansson", PNR)


async def test_continue_works_from_another_conversation_of_the_same_user(bot: RunningBot) -> None:
    await reach(bot.chat(conversation_id="conversation-1"), texts.ASK_JOURNAL)
    await bot.chat(conversation_id="conversation-1").say("nej")

    elsewhere = bot.chat(conversation_id="conversation-2")
    assert await elsewhere.say("fortsätt") == [texts.ORDER_RESUME, texts.ASK_JOURNAL]
    assert await elsewhere.say("ja") == [texts.ASK_UNIT]

    someone_else = bot.chat(user_id="staff-2", conversation_id="conversation-3")
    assert await someone_else.say("fortsätt") == [texts.NO_DRAFT]


# --- Wrong answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "error"),
    [
        (texts.ASK_PERSONNUMMER, f"{PNR[:8]}-{PNR[8:11]}{(int(PNR[11]) + 1) % 10}", texts.ERR_PNR_CHECKSUM),
        (texts.ASK_PERSONNUMMER, f"{PNR[:4]}13{PNR[6:8]}-{PNR[8:]}", texts.ERR_PNR_DATE),  # month 13
        (texts.ASK_PERSONNUMMER, f"2027{PNR[4:8]}-{PNR[8:]}", texts.ERR_PNR_DATE),  # not born yet
        (texts.ASK_PERSONNUMMER, "ÅÅÅÅMMDD-NNNN", texts.ERR_PNR_FORMAT),
        (texts.ASK_PHONE, "12345", texts.ERR_PHONE),
        (texts.ASK_ORDERER_PHONE, "+44 20 7946 0000", texts.ERR_PHONE_NOT_SWEDISH),  # Ofcom's drama range
        (texts.ASK_CONTACT_PHONE, "070-174", texts.ERR_PHONE),
        (texts.ASK_POSTNUMMER, "5822", texts.ERR_POSTNUMMER),
        (texts.ASK_POSTNUMMER, "02345", texts.ERR_POSTNUMMER),
        (texts.ASK_TRESERVA, "kanske", texts.ERR_YES_NO),
        (texts.ASK_MORE_CONTACTS, "2", texts.ERR_YES_NO),
        (texts.ASK_BRUKARE_NAME, "Greta", texts.ERR_FULL_NAME),
        (texts.ASK_PORTKOD, "12;34", texts.ERR_PORTKOD),
        (texts.ASK_CONTACT_KIND, "vet inte", ERR_CONTACT_KIND),
        (texts.ASK_RUBRIK, str(len(CATEGORIES) + 1), texts.ERR_CHOICE.format(options=", ".join(CATEGORIES))),
        (ASK_UNDERRUBRIK, "Byte av tvättmaskin", texts.ERR_CHOICE.format(options=", ".join(UNDERRUBRIKER))),
    ],
)
async def test_a_wrong_answer_gets_its_hint_and_the_same_question_and_is_not_stored(
    bot: RunningBot, chat: Chat, question: str, answer: str, error: str
) -> None:
    await reach(chat, question)
    buttons = chat.buttons()
    before = await draft_of(bot)
    assert await chat.say(answer) == [rejected(error, question)]
    assert chat.buttons() == buttons
    assert await draft_of(bot) == before


async def test_a_wrong_answer_at_the_summary_lists_what_can_be_changed(bot: RunningBot, chat: Chat) -> None:
    summary = await reach(chat, texts.ASK_CONFIRM)
    assert await chat.say("nej") == [rejected(texts.ERR_CONFIRM.format(fields=FIELD_LIST), summary[-1])]
    assert await bot.orders.get("VT-2026-0001") is None


async def test_after_three_misses_the_hint_points_to_help_and_cancel(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_PHONE)
    assert await chat.say("12345") == [rejected(texts.ERR_PHONE, texts.ASK_PHONE)]
    assert await chat.say("hjälp") == [texts.HELP_PHONE, texts.ASK_PHONE]
    assert await chat.say("070") == [rejected(texts.ERR_PHONE, texts.ASK_PHONE)]
    stuck = await chat.say("ring mig")
    assert stuck == [rejected(texts.ERR_PHONE, texts.ASK_PHONE, stuck=True)]
    assert "**hjälp**" in stuck[0]
    assert "**avbryt**" in stuck[0]
    draft = await draft_of(bot)
    assert draft is not None
    assert draft.phone is None

    assert await chat.say(BRUKARE_PHONE) == [texts.ASK_PORTKOD]
    draft = await draft_of(bot)
    assert draft is not None
    assert draft.phone == "+46701740605"


async def test_the_miss_count_starts_again_at_the_next_question(chat: Chat) -> None:
    await reach(chat, texts.ASK_POSTNUMMER)
    await chat.say_all("1", "2")
    assert await chat.say("58223") == [texts.ASK_ORT]
    assert await chat.say("1") == [rejected(texts.ERR_TEXT.format(limit=200), texts.ASK_ORT)]


# --- Personnummer: 10 digits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "born", "stored"),
    [
        (f"{PNR[2:8]}-{PNR[8:]}", date(1946, 5, 7), PNR),
        (PNR[2:], date(1946, 5, 7), PNR),
        (f"{BORN_1901[2:8]}+{BORN_1901[8:]}", date(1901, 7, 28), BORN_1901),
    ],
)
async def test_ten_digits_say_which_birth_date_was_understood(
    bot: RunningBot, chat: Chat, typed: str, born: date, stored: str
) -> None:
    await reach(chat, texts.ASK_PERSONNUMMER)
    understood = texts.BIRTH_DATE_UNDERSTOOD.format(date=texts.date_text(born))
    assert await chat.say(typed) == [understood, texts.ASK_STREET]
    draft = await draft_of(bot)
    assert draft is not None
    assert draft.personnummer == stored


async def test_twelve_digits_need_no_birth_date_confirmation(chat: Chat) -> None:
    await reach(chat, texts.ASK_PERSONNUMMER)
    assert await chat.say(f"{PNR[:8]} {PNR[8:]}") == [texts.ASK_STREET]


# --- ändra at the summary -------------------------------------------------------------------


async def test_change_portkod_returns_to_the_summary_with_the_new_code(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    assert await chat.say("ändra portkod") == [texts.ASK_PORTKOD]
    assert chat.buttons() == [texts.BUTTON_NO_PORTKOD]
    summary = await chat.say("1234#")
    assert asks(summary[-1], texts.ASK_CONFIRM)
    assert f"- {texts.LABEL_PORTKOD}: 1234#" in summary[-1]
    await chat.say("ja")
    order = await bot.orders.get("VT-2026-0001")
    assert order is not None
    assert order.details.brukare.portkod == "1234#"


async def test_change_address_asks_street_postnummer_and_ort_again(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    assert await chat.say("Ändra adress") == [texts.ASK_STREET]
    assert await chat.say("Ågatan 3, lgh 1102") == [texts.ASK_POSTNUMMER]
    assert await chat.say("SE-587 58") == [texts.ASK_ORT]
    summary = await chat.say("Linköping")
    assert asks(summary[-1], texts.ASK_CONFIRM)
    assert f"- {texts.LABEL_ADDRESS}: Ågatan 3, lgh 1102, 587 58 Linköping" in summary[-1]
    await chat.say("ja")
    order = await bot.orders.get("VT-2026-0001")
    assert order is not None
    assert order.details.brukare.address.street == "Ågatan 3, lgh 1102"
    assert order.details.brukare.address.postnummer == "587 58"


async def test_change_contacts_asks_for_the_booking_contacts_again(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    assert await chat.say("ändra kontakter") == [texts.ASK_CONTACT_KIND]
    assert await chat.say("verksamheten") == [texts.ASK_MORE_CONTACTS]
    summary = await chat.say("nej")
    assert asks(summary[-1], texts.ASK_CONFIRM)
    assert f"- {texts.LABEL_CONTACTS}: {texts.CONTACT_VERKSAMHET} ({UNIT})" in summary[-1]
    assert "Anna Johansson" not in summary[-1]


async def test_change_outer_door_asks_both_access_questions_again(bot: RunningBot, chat: Chat) -> None:
    summary = await reach(chat, texts.ASK_CONFIRM)
    assert f"- {texts.LABEL_OUTER_DOOR}: {texts.VALUE_TAG_COLLECTED}" in summary[-1]
    assert await chat.say("ändra ytterport") == [texts.ASK_TAG_NEEDED]
    assert await chat.say("ja") == [texts.ASK_TAG_COLLECTED]
    summary = await chat.say("nej")
    assert f"- {texts.LABEL_OUTER_DOOR}: {texts.VALUE_TAG_MISSING}" in summary[-1]

    assert await chat.say("ändra ytterport") == [texts.ASK_TAG_NEEDED]
    summary = await chat.say("nej")
    assert f"- {texts.LABEL_OUTER_DOOR}: {texts.VALUE_TAG_NOT_NEEDED}" in summary[-1]
    await chat.say("ja")
    order = await bot.orders.get("VT-2026-0001")
    assert order is not None
    assert (order.details.access.outer_door_tag_needed, order.details.access.outer_door_tag_collected) == (
        False,
        None,
    )


async def test_change_an_unknown_field_lists_the_fields(bot: RunningBot, chat: Chat) -> None:
    summary = await reach(chat, texts.ASK_CONFIRM)
    replies = await chat.say("ändra något-okänt")
    assert len(replies) == 1
    hint, _, asked_again = replies[0].partition("\n\n")
    assert hint.endswith(f"{FIELD_LIST}.")
    assert asked_again == summary[-1]
    assert await bot.orders.get("VT-2026-0001") is None


async def test_change_an_unknown_field_quotes_it_as_written(chat: Chat) -> None:
    summary = await reach(chat, texts.ASK_CONFIRM)
    replies = await chat.say("ändra något-okänt")
    assert replies == [
        rejected(texts.ERR_EDIT_FIELD.format(field="något-okänt", fields=FIELD_LIST), summary[-1])
    ]


# --- Adaptive Card submits and buttons --------------------------------------------------------


async def test_a_card_submit_answers_a_yes_no_question_like_typing(bot: RunningBot, chat: Chat) -> None:
    await chat.say("beställ")
    assert await chat.submit({"answer": "ja"}) == [texts.ASK_KEY_RECEIPT]
    draft = await draft_of(bot)
    assert draft is not None
    assert draft.treserva == NOW


async def test_the_summary_cards_send_button_files_the_order(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    card = chat.card()
    assert card is not None
    assert chat.buttons() == [texts.BUTTON_YES]
    send = next(action["data"] for action in card["actions"] if action["title"] == texts.BUTTON_SEND)
    assert send == {"answer": "ja"}
    assert await chat.submit(send) == filed("VT-2026-0001")
    assert await bot.orders.get("VT-2026-0001") is not None


async def test_the_summary_cards_change_button_asks_again(chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    card = chat.card()
    assert card is not None
    change = next(action for action in card["actions"] if action["title"] == f"Ändra {texts.EDIT_ADDRESS}")
    assert await chat.submit(change["data"]) == [texts.ASK_STREET]


async def test_a_submit_without_an_answer_asks_for_text(chat: Chat) -> None:
    await chat.say("beställ")
    assert await chat.submit({"something": "else"}) == [texts.NO_TEXT]
    assert await chat.say("ja") == [texts.ASK_KEY_RECEIPT]


BUTTONS = {
    texts.ASK_TRESERVA: YES_NO,
    texts.ASK_KEY_RECEIPT: YES_NO,
    texts.ASK_JOURNAL: YES_NO,
    texts.ASK_PORTKOD: [texts.BUTTON_NO_PORTKOD],
    texts.ASK_TAG_NEEDED: YES_NO,
    texts.ASK_TAG_COLLECTED: YES_NO,
    texts.ASK_CONTACT_KIND: CONTACT_KINDS,
    texts.ASK_MORE_CONTACTS: YES_NO,
    texts.ASK_RUBRIK: list(CATEGORIES),
    ASK_UNDERRUBRIK: UNDERRUBRIKER,
}


async def test_questions_with_fixed_answers_carry_buttons_that_post_the_words(chat: Chat) -> None:
    await chat.say("beställ")
    seen: dict[str, list[str]] = {}
    for asked, answer in ORDER[:-1]:
        seen[asked] = chat.buttons()
        await chat.say(answer)
    assert seen == {asked: BUTTONS.get(asked, []) for asked, _ in ORDER[:-1]}
    actions = chat.replies[-1].suggested_actions.actions
    assert [(action.type, action.title) for action in actions] == [("imBack", texts.BUTTON_YES)]


# --- beställ, fortsätt, börja om --------------------------------------------------------------


async def test_order_with_a_saved_draft_offers_to_continue_or_start_over(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_STREET)
    elsewhere = bot.chat(conversation_id="conversation-2")

    offer = await elsewhere.say("beställ")
    assert offer == [texts.HAS_DRAFT]
    assert "**fortsätt**" in offer[0]
    assert "**börja om**" in offer[0]
    assert await elsewhere.say("fortsätt") == [texts.ORDER_RESUME, texts.ASK_STREET]


async def test_start_over_discards_the_saved_draft_and_starts_fresh(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_JOURNAL)
    await chat.say("nej")
    old = await draft_of(bot)
    assert await chat.say("beställ") == [texts.HAS_DRAFT]

    assert await chat.say("börja om") == [texts.ORDER_START, texts.ASK_TRESERVA]
    fresh = await draft_of(bot)
    assert fresh is not None and fresh.treserva is None
    assert await chat.say("ja") == [texts.ASK_KEY_RECEIPT]
    new = await draft_of(bot)
    assert new is not None
    assert old is not None
    assert new.key != old.key
    assert new.key_receipt is None


@pytest.mark.parametrize("command", ["beställ", "Fortsätt", "börja om"])
async def test_order_in_the_middle_of_an_order_says_so_and_asks_again(
    bot: RunningBot, chat: Chat, command: str
) -> None:
    await reach(chat, texts.ASK_ORT)
    before = await draft_of(bot)
    assert await chat.say(command) == [texts.ALREADY_ORDERING, texts.ASK_ORT]
    assert await draft_of(bot) == before
    assert await chat.say("Linköping") == [texts.ASK_PHONE]


# --- Odd input: emoji, SQL-looking text -------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "error"),
    [
        (texts.ASK_TRESERVA, "👍", texts.ERR_YES_NO),
        (texts.ASK_UNIT, "🏥🏥", texts.ERR_TEXT.format(limit=200)),
        (texts.ASK_PERSONNUMMER, SQL, texts.ERR_PNR_FORMAT),
        (texts.ASK_POSTNUMMER, "🏠", texts.ERR_POSTNUMMER),
        (texts.ASK_PHONE, SQL, texts.ERR_PHONE),
        (texts.ASK_PORTKOD, SQL, texts.ERR_PORTKOD),
        (texts.ASK_CONTACT_KIND, SQL, ERR_CONTACT_KIND),
    ],
)
async def test_emoji_and_sql_where_they_do_not_fit_get_a_polite_hint(
    bot: RunningBot, chat: Chat, question: str, answer: str, error: str
) -> None:
    await reach(chat, question)
    before = await draft_of(bot)
    assert await chat.say(answer) == [rejected(error, question)]
    assert await draft_of(bot) == before


async def test_emoji_and_sql_in_free_text_are_stored_as_written(bot: RunningBot, chat: Chat) -> None:
    answers = {
        texts.ASK_UNIT: SQL,
        texts.ASK_BRUKARE_NAME: "Greta 👵 Johansson",
        texts.ASK_STREET: "Storgatan 12 🏠",
        texts.ASK_CONTACT_RELATION: SQL,
    }
    summary = await reach(chat, texts.ASK_CONFIRM, answers=answers)
    assert f"- {texts.LABEL_BRUKARE}: Greta 👵 Johansson" in summary[-1]
    assert await chat.say("ja") == filed(
        "VT-2026-0001",
        texts.CONTACT_NARSTAENDE.format(name="Anna Johansson", relation=SQL, phone=CONTACT_PHONE),
    )
    order = await bot.orders.get("VT-2026-0001")
    assert order is not None
    assert order.orderer.unit == SQL
    assert order.details.brukare.name == "Greta 👵 Johansson"
    assert order.details.brukare.address.street == "Storgatan 12 🏠"
    assert order.details.contacts[0].relation == SQL

    assert await file_order(chat, RETURNING) == filed("VT-2026-0002")  # the tables are all still there
    second = await bot.orders.get("VT-2026-0002")
    assert second is not None
    assert second.orderer.unit == SQL


# --- Outside an order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("hjälp", f"{texts.WELCOME}\n\n{texts.COMMANDS}"),
        ("HJALP", f"{texts.WELCOME}\n\n{texts.COMMANDS}"),
        ("vad kan du?", f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}"),
        ("🙂", f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}"),
        (SQL, f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}"),
        ("tillbaka", f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}"),
        ("ja", f"{texts.NOT_UNDERSTOOD} {texts.COMMANDS}"),
    ],
)
async def test_outside_an_order_help_and_unknown_input_show_the_commands(
    bot: RunningBot, chat: Chat, said: str, answer: str
) -> None:
    assert await chat.say(said) == [answer]
    assert await draft_of(bot) is None


async def test_a_typo_in_the_order_command_is_forgiven(chat: Chat) -> None:
    assert await chat.say("bestäl") == [texts.ORDER_START, texts.ASK_TRESERVA]


async def test_it_is_not_right_at_the_summary_does_not_file_the_order(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    replies = await chat.say("stämmer inte")
    assert await bot.orders.get("VT-2026-0001") is None
    assert asks(replies[-1], texts.ASK_CONFIRM)
