"""The web chat's Direct Line endpoint, driven as Web Chat's directlinejs drives it, on both databases."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

from adapters.webchat.tokens import Grant, TokenIssuer
from bot import texts
from bot.crypto import Vault
from tests.support.app_server import TEST_KEY
from tests.support.directline_client import DirectLineClient, DirectLineError, bot_texts, browser, started
from tests.support.http_helpers import ORDER_ANSWERS, REFERENCE
from tests.support.webchat_server import running_webchat_app, webchat_settings


async def test_a_whole_order_over_direct_line(database_url: str, tmp_path: Path) -> None:
    async with browser() as session, running_webchat_app(webchat_settings(database_url, tmp_path)) as url:
        client, greeting = await started(session, url)
        summary = await client.say_all(*ORDER_ANSWERS)
        filed = await client.say("ja")
    assert texts.WELCOME in greeting[0]
    assert "Greta Johansson" in summary[-1]
    assert "Stämmer uppgifterna?" in summary[-1]
    assert REFERENCE.search(filed[-1]), filed


async def test_the_users_activity_comes_back_with_its_client_id(database_url: str, tmp_path: Path) -> None:
    async with browser() as session, running_webchat_app(webchat_settings(database_url, tmp_path)) as url:
        client, _ = await started(session, url)
        sent = client.message("hjälp")
        sent_id = await client.post(sent)
        arrived = await client.poll()
    echo = arrived[0]
    assert echo["id"] == sent_id
    assert sent_id.startswith(f"{client.conversation_id}|")
    assert echo["channelData"]["clientActivityID"] == sent["channelData"]["clientActivityID"]
    assert echo["from"]["role"] == "user"
    assert echo["from"]["id"] != client.client_user_id  # the server chose who the user is
    assert echo["text"] == "hjälp"
    assert bot_texts(arrived[1:]) == [f"{texts.WELCOME}\n\n{texts.COMMANDS}"]


async def test_a_resent_activity_is_kept_and_answered_once(database_url: str, tmp_path: Path) -> None:
    async with browser() as session, running_webchat_app(webchat_settings(database_url, tmp_path)) as url:
        client, _ = await started(session, url)
        await client.say("beställ")
        sent = client.message("ja")
        first = await client.post(sent)
        again = await client.post(sent)  # the answer was lost on the way back: Web Chat's retry
        arrived = await client.poll()
    assert again == first
    assert [activity["id"] for activity in arrived if activity["from"]["role"] == "user"] == [first]
    assert bot_texts(arrived) == [texts.ASK_KEY_RECEIPT]


async def test_an_expired_or_forged_token_is_refused(database_url: str, tmp_path: Path) -> None:
    async with browser() as session, running_webchat_app(webchat_settings(database_url, tmp_path)) as url:
        client, _ = await started(session, url)
        long_ago = TokenIssuer(Vault([TEST_KEY]), lambda: datetime(2020, 1, 1, tzinfo=UTC))
        client.token = long_ago.issue(Grant(client.conversation_id, "staff")).token
        statuses = [
            await _status(client.poll()),
            await _status(client.say("ja")),
            await _status(client.refresh()),
        ]
        client.token = "not-a-token"
        statuses.append(await _status(client.poll()))
    assert statuses == [403, 403, 403, 403]


async def test_a_token_opens_only_its_own_conversation(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(database_url, tmp_path)
    async with browser() as anna, browser() as karin, running_webchat_app(settings) as url:
        annas, _ = await started(anna, url)
        await annas.say("beställ")
        karins, _ = await started(karin, url)
        karins_own = karins.conversation_id
        karins.conversation_id = annas.conversation_id
        statuses = [await _status(karins.poll()), await _status(karins.say("ja"))]
        karins.conversation_id = "no-such-conversation"
        statuses.append(await _status(karins.poll()))
        karins.conversation_id = karins_own
        assert await karins.poll() == []  # nothing of Anna's
        annas_next = await annas.poll()
    assert statuses == [404, 404, 404]
    assert annas_next == []  # Karin's "ja" did not reach Anna's conversation


async def test_a_refreshed_token_goes_on_in_the_same_conversation(database_url: str, tmp_path: Path) -> None:
    async with browser() as session, running_webchat_app(webchat_settings(database_url, tmp_path)) as url:
        client, _ = await started(session, url)
        before = client.token
        refreshed = await client.refresh()
        replies = await client.say("beställ")
    assert refreshed["conversationId"] == client.conversation_id
    assert refreshed["expires_in"] == 1800
    assert client.token != before
    assert replies[-1] == texts.ASK_TRESERVA


async def test_a_reload_or_a_restart_finds_the_users_conversation(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(database_url, tmp_path)
    async with browser() as session, browser() as other_browser:
        async with running_webchat_app(settings) as url:
            client, _ = await started(session, url)
            await client.say_all("beställ", "ja")
        async with running_webchat_app(settings) as url:  # restarted, or another instance: same database
            reload = DirectLineClient(session, url)  # the same browser (its cookie), the page loaded again
            grant = await reload.generate()
            conversation = await reload.start()
            transcript = await reload.poll()
            replies = await reload.say("ja")
            stranger = await DirectLineClient(other_browser, url).generate()
    assert grant["conversationId"] == conversation["conversationId"] == client.conversation_id
    said = [activity.get("text") for activity in transcript if activity["from"]["role"] == "user"]
    assert said == ["beställ", "ja"]
    assert replies == [texts.ASK_JOURNAL]
    assert stranger["conversationId"] != client.conversation_id


async def test_the_sso_header_names_the_user(database_url: str, tmp_path: Path) -> None:
    settings = webchat_settings(database_url, tmp_path, webchat_user_header="X-Remote-User")
    karin = {"X-Remote-User": "karin.andersson@kommun.example"}
    async with browser() as phone, browser() as desktop, running_webchat_app(settings) as url:
        status = await _status(DirectLineClient(phone, url).generate())
        on_phone, _ = await started(phone, url, karin)
        await on_phone.say_all("beställ", "ja")
        on_desktop = DirectLineClient(desktop, url, karin)
        await on_desktop.generate()
        await on_desktop.start()
        history = await on_desktop.poll()
        replies = await on_desktop.say("ja")
        anna, _ = await started(desktop, url, {"X-Remote-User": "anna.berg@kommun.example"})
    assert status == 401
    assert on_desktop.conversation_id == on_phone.conversation_id  # one conversation per user
    assert {activity["from"]["id"] for activity in history if activity["from"]["role"] == "user"} == {
        "karin.andersson@kommun.example"
    }
    assert replies == [texts.ASK_JOURNAL]
    assert anna.conversation_id != on_phone.conversation_id


async def test_malformed_requests_get_4xx(database_url: str, tmp_path: Path) -> None:
    async with browser() as session, running_webchat_app(webchat_settings(database_url, tmp_path)) as url:
        client, _ = await started(session, url)
        typing = {"type": "typing", "channelData": {"clientActivityID": "t-1"}}
        statuses = [await _status(client.post(typing))]
        client.watermark = "abc"
        statuses.append(await _status(client.poll()))
        client.watermark = ""
        headers = {"Authorization": f"Bearer {client.token}"}
        activities_url = f"{client.domain}/conversations/{client.conversation_id}/activities"
        async with session.post(activities_url, data=b"{not json", headers=headers) as response:
            statuses.append(response.status)
        async with session.get(activities_url) as response:
            statuses.append(response.status)
    assert statuses == [400, 400, 400, 401]


async def _status(call: Awaitable[object]) -> int:
    """The HTTP status a client call ended with."""
    try:
        await call
    except DirectLineError as error:
        return error.status
    return 200
