"""After filing, in chat: the unit's commands, the questions they lack, and a plain reply as the answer."""

from __future__ import annotations

from bot import texts
from bot.access import AccessPolicy
from bot.domain import TeamMember
from bot.followup.service import FollowUpService
from tests.support.bot_harness import CONVERSATION, Chat, RunningBot, fixed_clock
from tests.test_orders import complete_draft

TEAM = TeamMember(user_id="team-anna", name="Anna Lind")


async def filed(bot: RunningBot) -> str:
    return (await bot.orders.file(complete_draft(), CONVERSATION)).reference


async def test_a_change_in_one_line_is_made_at_once(bot: RunningBot, chat: Chat) -> None:
    reference = await filed(bot)
    replies = await chat.say(f"ändra {reference} telefon 070-174 06 99")
    order = await bot.orders.get(reference)
    assert order is not None and order.details.brukare.phone == "+46701740699"
    assert replies == [f"Ändrat i **{reference}**: telefon är nu 070-174 06 99. Teamet har fått veta det."]


async def test_a_change_step_by_step_asks_which_field_and_the_value_and_asks_again_on_a_wrong_one(
    bot: RunningBot, chat: Chat
) -> None:
    reference = await filed(bot)
    asked = await chat.say(f"Jag vill ändra {reference}")
    field_buttons = chat.buttons()
    await chat.say("portkod")
    wrong = await chat.say("12 34 56 78 90 12 34 56 78")
    done = await chat.say("8642")
    order = await bot.orders.get(reference)
    assert "Vad vill du ändra" in asked[0] and "portkod" in field_buttons
    assert "portkoden" in wrong[0].lower()
    assert order is not None and order.details.brukare.portkod == "8642"
    assert done[0].startswith(f"Ändrat i **{reference}**: portkod")


async def test_a_cancellation_asks_for_the_reason_says_it_back_and_is_made_on_yes_only(
    bot: RunningBot, chat: Chat
) -> None:
    reference = await filed(bot)
    await chat.say(f"avbeställ {reference}")
    dropped = await chat.say("avbryt")
    await chat.say(f"avbeställ {reference}")
    said_no = await chat.say("nej")
    await chat.say(f"avbeställ {reference} Brukaren har tackat nej.")
    kept = await chat.say("nej, vi behåller den")
    still = await bot.orders.get(reference)
    await chat.say(f"avbeställ {reference}")
    confirm = await chat.say("Brukaren har tackat nej.")
    done = await chat.say("ja")
    cancelled = await bot.orders.get(reference)
    assert all("inget är ändrat" in reply[0] for reply in (dropped, said_no, kept))
    assert still is not None and still.state.value == "FILED"
    assert "Orsak: Brukaren har tackat nej." in confirm[0] and chat_buttons_were_yes_no(confirm)
    assert cancelled is not None and cancelled.state.value == "CANCELLED"
    assert cancelled.handling.cancel_reason == "Brukaren har tackat nej."
    assert "avbeställt" in done[0]


def chat_buttons_were_yes_no(replies: list[str]) -> bool:
    return "(ja/nej)" in replies[0]


async def test_a_question_of_another_kind_at_a_prompt_is_answered_as_such_and_changes_nothing(
    bot: RunningBot, chat: Chat
) -> None:
    reference = await filed(bot)
    await chat.say(f"avbeställ {reference}")
    status = await chat.say(f"hur går det med {reference}?")
    await chat.say(f"ändra {reference} portkod")
    not_a_code = await chat.say("tack")
    order = await bot.orders.get(reference)
    assert "inget är ändrat" in status[0] and reference in status[-1] and len(status) == 2
    assert order is not None and order.state.value == "FILED" and order.details.brukare.portkod == "4321"
    assert "inget är ändrat" in not_a_code[0]


async def test_a_pause_with_a_swedish_date_asks_for_the_reason(bot: RunningBot, chat: Chat) -> None:
    reference = await filed(bot)
    asked = await chat.say(f"vänta {reference} till 15 januari")
    done = await chat.say("korttidsboende")
    order = await bot.orders.get(reference)
    assert "Varför" in asked[0]
    assert order is not None and order.handling.pause is not None
    assert (
        order.handling.pause.until.isoformat() == "2027-01-15"
        and order.handling.pause.reason == "korttidsboende"
    )
    assert "15 januari 2027" in done[0]


async def test_the_teams_question_is_answered_by_a_plain_reply_that_can_be_taken_back(
    bot: RunningBot, chat: Chat
) -> None:
    reference = await filed(bot)
    team = FollowUpService(bot.database, AccessPolicy([TEAM.user_id]), fixed_clock)
    await team.ask(reference, TEAM, "Portkoden fungerar inte, har ni en ny?")
    fault = await chat.say("larmet piper hela tiden")
    sent = await chat.say("Den nya koden är 2468")
    undo_button = chat.buttons()
    answered = await bot.orders.get(reference)
    undone = await chat.say("Ångra!")
    reopened = await bot.orders.get(reference)
    thanks = await chat.say("tack")
    assert fault == [texts.OTHER_MATTERS]
    assert sent[0].startswith(f"Skickat till teamet om **{reference}**")
    assert undo_button == [f"ångra {reference}"]
    assert answered is not None and answered.questions[0].answer is not None
    assert answered.questions[0].answer.text == "Den nya koden är 2468"
    assert undone[0].startswith(f"Svaret om **{reference}** är taget tillbaka")
    assert reopened is not None and reopened.open_questions()
    assert "Skickat" not in thanks[0]  # small talk is no answer


async def test_someone_else_is_refused_and_the_history_shows_the_steps(bot: RunningBot, chat: Chat) -> None:
    reference = await filed(bot)
    await chat.say(f"meddela {reference} Brukaren vill ha besök på förmiddagen")
    other = bot.chat(user_id="staff-9", conversation_id="conversation-9")
    refused = await other.say(f"avbeställ {reference} fel brukare")
    history = await chat.say(f"historik {reference}")
    order = await bot.orders.get(reference)
    assert "inte beställt av din verksamhet" in refused[0]
    assert order is not None and order.state.value == "FILED"
    assert "meddelande från Karin Andersson: Brukaren vill ha besök på förmiddagen" in history[0]


async def test_a_new_value_written_plainly_is_a_change_and_a_fault_is_still_for_the_team(
    bot: RunningBot, chat: Chat
) -> None:
    reference = await filed(bot)
    changed = await chat.say(f"ny portkod för {reference}: 4455")
    fault = await chat.say("byta batteri i larmet")
    no_order = await chat.say("fråga om larm")
    cancel = await chat.say("Vill avbeställa larmet till Greta")
    order = await bot.orders.get(reference)
    assert order is not None and order.details.brukare.portkod == "4455"
    assert changed[0].startswith(f"Ändrat i **{reference}**: portkod är nu 4455")
    assert fault == [texts.OTHER_MATTERS]
    assert "Vilket ärende" not in no_order[0]
    assert cancel == [texts.CANCEL_NEED_REFERENCE]


async def test_hurried_words_change_and_pause_an_order(bot: RunningBot, chat: Chat) -> None:
    reference = await filed(bot)
    code = await chat.say(f"hej, {reference} har fått ny kod 9911")
    await chat.say(f"ändra {reference}")
    await chat.say("tfn")
    phone = await chat.say("0701740688")
    paused = await chat.say(f"kan ni skjuta på {reference} en vecka? hon är på korttids")
    order = await bot.orders.get(reference)
    assert code[0].startswith(f"Ändrat i **{reference}**: portkod är nu 9911")
    assert phone[0].startswith(f"Ändrat i **{reference}**: telefon är nu 070-174 06 88")
    assert order is not None and order.details.brukare.portkod == "9911"
    assert order.handling.pause is not None and order.handling.pause.reason == "hon är på korttids"
    assert "vilar till 3 december 2026" in paused[0]
