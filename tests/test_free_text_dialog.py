"""Orders asked for and given in free text, through the real bot on botbuilder's TestAdapter."""

from __future__ import annotations

import pytest

from bot import texts
from bot.drafts import OrderDraft
from tests.support.bot_harness import USER, Chat, RunningBot
from tests.support.testdata import FICTIONAL_MOBILES, TEST_PERSONNUMMER
from tests.test_order_dialog import answer_on, file_order, reach

PNR = TEST_PERSONNUMMER[1]  # 194605076654
PNR_TEXT = f"{PNR[:8]}-{PNR[8:]}"
BAD_CHECKSUM = f"{PNR[:8]}-{PNR[8:11]}{(int(PNR[11]) + 1) % 10}"
OTHER_PNR = TEST_PERSONNUMMER[0]
PHONE, CONTACT_PHONE, NEW_PHONE = FICTIONAL_MOBILES[0], FICTIONAL_MOBILES[37], FICTIONAL_MOBILES[94]
WHOLE_ORDER = (
    f"Beställ larm och digital låsenhet till Greta Johansson {PNR_TEXT}, Storgatan 12 B, 582 22 Linköping, "
    f"tel {PHONE}. Portkod 1234. Tagg till ytterporten behövs, den har vi hämtat. "
    f"Boka tid med dottern Lena Berg {CONTACT_PHONE}."
)


def said(replies: list[str]) -> str:
    return "\n".join(replies)


async def draft_of(bot: RunningBot) -> OrderDraft:
    draft = await bot.orders.load_draft(USER)
    assert draft is not None
    return draft


# --- The door: natural ways of asking start an order -----------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "Jag vill beställa ett trygghetslarm",
        "Hej! Jag vill beställa ett trygghetslarm till en brukare",
        "BESTÄLL TRYGGHETSLARM TACK",
        "hur beställer jag ett larm?",
        "kan du hjälpa mig beställa ett digitalt larm",
    ],
)
async def test_a_natural_request_starts_an_order(chat: Chat, phrase: str) -> None:
    assert await chat.say(phrase) == [texts.ORDER_START, texts.ASK_TRESERVA]


@pytest.mark.parametrize(
    "phrase", ["när installeras larmet för Greta Johansson?", "tack!", "vad kostar ett trygghetslarm?"]
)
async def test_questions_thanks_and_prices_do_not_start_an_order(chat: Chat, phrase: str) -> None:
    replies = await chat.say(phrase)
    assert texts.ORDER_START not in said(replies)
    assert texts.ASK_TRESERVA not in said(replies)


async def test_a_request_with_details_keeps_them_and_skips_their_questions(chat: Chat) -> None:
    replies = await chat.say(f"beställ larm till Greta Johansson {PNR_TEXT}")
    assert replies[0] == texts.ORDER_START
    assert "Greta Johansson" in replies[1] and PNR_TEXT in replies[1]
    assert replies[-1] == texts.ASK_TRESERVA
    await chat.say_all("ja", "ja", "ja", "Hemtjänst Ryd", "Karin Andersson")
    assert await chat.say(FICTIONAL_MOBILES[5]) == [texts.ASK_STREET]


async def test_an_unsure_message_gets_one_yes_no_question_and_yes_starts(chat: Chat) -> None:
    assert (await chat.say("trygghetslarm"))[-1] == texts.OFFER_ORDER
    assert await chat.say("ja") == [texts.ORDER_START, texts.ASK_TRESERVA]


async def test_no_to_the_offer_starts_nothing(bot: RunningBot, chat: Chat) -> None:
    await chat.say("trygghetslarm")
    assert await chat.say("nej") == [texts.OFFER_DECLINED]
    assert await bot.orders.load_draft(USER) is None


async def test_pasted_details_without_a_request_are_offered_as_an_order(chat: Chat) -> None:
    assert (await chat.say(f"Greta Johansson\n{PNR_TEXT}\nStorgatan 12, 582 22 Linköping"))[-1] == (
        texts.OFFER_ORDER
    )
    replies = await chat.say("ja")
    assert "Storgatan 12" in said(replies)
    assert replies[-1] == texts.ASK_TRESERVA


async def test_a_saved_draft_is_offered_and_start_over_keeps_the_new_details(
    bot: RunningBot, chat: Chat
) -> None:
    await chat.say_all("beställ", "ja", "nej")  # stopped at the key receipt: a saved draft
    replies = await chat.say(f"Jag vill beställa ett larm till Greta Johansson {PNR_TEXT}")
    assert replies == [texts.HAS_DRAFT]
    assert chat.buttons() == [texts.BUTTON_RESUME, texts.BUTTON_RESTART]
    await chat.say("börja om")
    assert (await draft_of(bot)).personnummer == PNR


async def test_in_the_middle_of_an_order_a_new_request_says_so(chat: Chat) -> None:
    await chat.say_all("beställ", "ja")
    assert await chat.say("jag vill beställa ett trygghetslarm") == [
        texts.ALREADY_ORDERING,
        texts.ASK_KEY_RECEIPT,
    ]


# --- One message: everything at once --------------------------------------------------------------


async def test_a_whole_order_in_one_message_asks_only_the_preconditions_and_the_summary(
    bot: RunningBot, chat: Chat
) -> None:
    await file_order(chat)  # the orderer is remembered from now on
    replies = await chat.say(WHOLE_ORDER)
    assert replies[-1] == texts.ASK_TRESERVA
    summary = await chat.say_all("ja", "ja", "ja")
    assert summary[-1].endswith(texts.ASK_CONFIRM)
    assert "Storgatan 12 B, 582 22 Linköping" in summary[-1]
    assert "Lena Berg (dotter)" in summary[-1]
    filed = await chat.say("ja")
    assert "VT-2026-0002" in filed[-1]
    order = await bot.orders.get("VT-2026-0002")
    assert order is not None
    assert order.details.brukare.portkod == "1234"
    assert order.details.category.underrubrik == "Nytt larm med digital låsenhet"
    assert order.details.access.outer_door_tag_collected is True


async def test_the_preconditions_are_asked_even_when_the_text_mentions_them(chat: Chat) -> None:
    replies = await chat.say(
        f"beställ larm till Greta Johansson {PNR_TEXT}. Nyckeln är kvitterad och ligger i nyckelskåpet."
    )
    assert texts.KEY_CONFIRMED_SEPARATELY in said(replies)
    assert await chat.say("ja") == [texts.ASK_KEY_RECEIPT]


async def test_the_address_question_takes_street_postnummer_and_ort_at_once(chat: Chat) -> None:
    await reach(chat, texts.ASK_STREET)
    replies = await chat.say("Storgatan 12 B, 582 22 Linköping")
    assert replies[-1] == texts.ASK_PHONE


async def test_the_name_question_takes_name_and_personnummer_at_once(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_BRUKARE_NAME)
    replies = await chat.say(f"Greta Johansson {PNR_TEXT}")
    assert replies[-1] == texts.ASK_STREET
    draft = await draft_of(bot)
    assert (draft.brukare_name, draft.personnummer) == ("Greta Johansson", PNR)


async def test_a_personnummer_that_fails_the_checksum_is_not_kept_and_is_asked_for(
    bot: RunningBot, chat: Chat
) -> None:
    await reach(chat, texts.ASK_BRUKARE_NAME)
    replies = await chat.say(f"Greta Johansson {BAD_CHECKSUM}, Storgatan 12, 582 22 Linköping")
    assert texts.ERR_PNR_CHECKSUM in said(replies)
    assert replies[-1] == texts.ASK_PERSONNUMMER
    assert (await draft_of(bot)).personnummer is None


async def test_two_personnummer_keep_neither(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_BRUKARE_NAME)
    other = f"{OTHER_PNR[:8]}-{OTHER_PNR[8:]}"
    replies = await chat.say(f"Greta Johansson {PNR_TEXT} eller {other}, Storgatan 12")
    assert replies[-1] == texts.ASK_PERSONNUMMER
    assert (await draft_of(bot)).personnummer is None


async def test_a_contact_given_in_one_line_while_contacts_are_asked(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_CONTACT_KIND)
    replies = await chat.say(f"dottern Lena Berg {CONTACT_PHONE}")
    assert replies[-1] == texts.ASK_RUBRIK
    contacts = (await draft_of(bot)).contacts or []
    assert [(c.name, c.relation) for c in contacts] == [("Lena Berg", "dotter")]


# --- Corrections in free text ----------------------------------------------------------------------


async def at_summary(chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)


@pytest.mark.parametrize(
    ("correction", "shown"),
    [
        (f"ändra telefon till {NEW_PHONE}", NEW_PHONE),
        ("fel portkod, den är 4321", f"{texts.LABEL_PORTKOD}: 4321"),
        ("postnumret ska vara 582 24", "582 24 Linköping"),
        (f"byt kontakt till sonen Erik Berg {CONTACT_PHONE}", "Erik Berg (son)"),
    ],
)
async def test_a_correction_at_the_summary_changes_the_field_and_shows_the_summary(
    chat: Chat, correction: str, shown: str
) -> None:
    await at_summary(chat)
    replies = await chat.say(correction)
    assert replies[0].startswith(texts.CORRECTED.partition("{")[0])
    assert replies[-1].endswith(texts.ASK_CONFIRM)
    assert shown in replies[-1]


async def test_a_correction_with_a_wrong_value_changes_nothing(bot: RunningBot, chat: Chat) -> None:
    await at_summary(chat)
    before = await draft_of(bot)
    replies = await chat.say("ändra telefon till 12")
    assert replies[0].startswith(texts.CORRECTION_REJECTED.partition("{")[0])
    assert (await draft_of(bot)).phone == before.phone


async def test_a_correction_at_another_question_asks_that_question_again(bot: RunningBot, chat: Chat) -> None:
    await reach(chat, texts.ASK_PORTKOD)
    replies = await chat.say("postnumret ska vara 582 24")
    assert replies[-1] == texts.ASK_PORTKOD
    assert (await draft_of(bot)).postnummer == "582 24"
    assert await answer_on(chat, until=texts.ASK_TAG_NEEDED) == [texts.ASK_TAG_NEEDED]


async def test_change_address_without_a_value_still_asks_again(chat: Chat) -> None:
    await at_summary(chat)
    assert await chat.say("ändra adress") == [texts.ASK_STREET]


async def test_phones_whose_owner_is_unclear_are_named_and_offered_where_a_phone_is_asked(
    bot: RunningBot, chat: Chat
) -> None:
    first, second = FICTIONAL_MOBILES[46], FICTIONAL_MOBILES[47]
    replies = await chat.say(f"Beställ larm till Greta Johansson {PNR_TEXT}. Nummer: {first} och {second}")
    assert texts.PHONES_UNASSIGNED.format(phones=f"{first}, {second}") in said(replies)
    await chat.say_all("ja", "ja", "ja", "Hemtjänst Ryd", "Karin Andersson")
    assert chat.buttons() == [first, second]
    await chat.say(second)  # the orderer's
    await chat.say_all("Storgatan 12", "582 23", "Linköping")
    assert chat.texts() == [texts.ASK_PHONE]
    assert chat.buttons() == [first]
    await chat.say(first)
    assert (await draft_of(bot)).phone == "+46" + first.replace("-", "").replace(" ", "")[1:]


async def test_a_relation_word_answers_who_to_contact(chat: Chat) -> None:
    await reach(chat, texts.ASK_CONTACT_KIND)
    assert await chat.say("grannen") == [texts.ASK_CONTACT_NAME]


async def test_a_word_of_one_choice_picks_it(chat: Chat) -> None:
    await reach(chat, texts.ASK_RUBRIK)
    replies = await chat.say("trygghetslarm")
    assert replies[-1].startswith(texts.ASK_UNDERRUBRIK.format(rubrik="Digitalt trygghetslarm"))


@pytest.mark.parametrize(
    ("said_", "answer"), [("Hej!", texts.WELCOME), ("tack så mycket", texts.YOU_ARE_WELCOME)]
)
async def test_greetings_and_thanks_get_a_kind_answer(chat: Chat, said_: str, answer: str) -> None:
    assert (await chat.say(said_))[0].startswith(answer)


async def test_send_at_the_summary_files_the_order(chat: Chat) -> None:
    await reach(chat, texts.ASK_CONFIRM)
    assert "VT-2026-0001" in (await chat.say("skicka"))[-1]


async def test_a_new_street_alone_asks_postnummer_and_ort_again(bot: RunningBot, chat: Chat) -> None:
    await at_summary(chat)
    replies = await chat.say("adressen är fel, hon bor på Ekvägen 5")
    assert replies == [texts.CORRECTED.format(label=texts.LABEL_STREET), texts.ASK_POSTNUMMER]
    assert (await draft_of(bot)).street == "Ekvägen 5"
