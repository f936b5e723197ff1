"""Events from the service desk over HTTP: signed ones move the order once, others change nothing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot import texts
from bot.domain import ChecklistItem, OrderState
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.connector import LoopbackConnector
from tests.support.desk_events import ORDERER_CONVERSATION, SECRET, DeskSide, desk_side, sign
from tests.support.http_helpers import ORDER_ANSWERS, PNR, reference_in
from tests.support.team import wait_until

LINDESK = texts.DESK_ACTOR_NAME
BRUKARE = "Greta Johansson"
FILED = texts.FILED.split("{")[0]  # how "the order is registered" begins


def orderer_sees(connector: LoopbackConnector) -> list[str]:
    return connector.texts(ORDERER_CONVERSATION)


@pytest.fixture
async def desk(database_url: str, tmp_path: Path) -> AsyncIterator[DeskSide]:
    async with desk_side(database_url, tmp_path) as side:
        yield side


async def test_the_desk_moves_an_order_to_closed_and_the_orderer_hears_what_chat_would_say(
    desk: DeskSide,
) -> None:
    reference = await desk.file_order()
    feedback = "  Larmet är installerat och testat.\nRing oss på 08-465 004 12 vid frågor. ✔"
    answers = [
        await desk.send(reference=reference, status="received", comment="Vi har fått ärendet."),
        await desk.send(reference=reference, status="booked", comment="", booked_at="2026-12-03T10:00:00"),
        await desk.send(reference=reference, status="closed", comment=feedback),
    ]
    order = await desk.order(reference)
    told = await desk.told_orderer()
    assert answers == [(200, {"result": "applied"})] * 3
    assert order.state is OrderState.CLOSED
    assert order.handling.checklist == frozenset(ChecklistItem)  # done in the desk, recorded here
    assert await desk.history(reference) == ["filed", "received", "booked", "closed"]
    assert told == [
        texts.NOTIFY_ORDERER_RECEIVED.format(reference=reference, brukare=BRUKARE, name=LINDESK),
        texts.NOTIFY_ORDERER_BOOKED.format(
            reference=reference, brukare=BRUKARE, when="torsdag 3 december 2026 kl. 10.00"
        ),
        texts.NOTIFY_ORDERER_CLOSED.format(reference=reference, brukare=BRUKARE, feedback=feedback),
    ]


async def test_an_order_chatted_over_http_reaches_the_desk_and_the_desk_s_answer_reaches_the_orderer(
    desk: DeskSide,
) -> None:
    async with LoopbackConnector() as connector:
        chat = Chat(desk.session, desk.app_url, connector, conversation_id=ORDERER_CONVERSATION)
        await chat.say_all(*ORDER_ANSWERS)
        reference = reference_in((await chat.say("ja"))[-1])
        ticket = await desk.ticket(reference)
        answer = await desk.send(reference=reference, status="received", comment="")
        received = texts.NOTIFY_ORDERER_RECEIVED.format(reference=reference, brukare=BRUKARE, name=LINDESK)
        told = await wait_until(lambda: received in orderer_sees(connector), lambda: orderer_sees(connector))
    order = await desk.order(reference)
    assert ticket["care_recipient"] == {
        "name": "Greta Johansson",
        "personal_identity_number": PNR,
        "address": {"street": "Storgatan 12", "postal_code": "582 23", "city": "Linköping"},
        "phone": "+46701740605",
        "door_code": "1234",
    }
    assert ticket["booking_contacts"] == [
        {"kind": "relative", "name": "Anna Johansson", "relation": "dotter", "phone": "+46701740606"}
    ]
    assert order.ticket is not None and order.ticket.desk_id == "4711"
    assert answer == (200, {"result": "applied"})
    assert told[-1] == received
    assert not any(texts.NOTIFY_ORDERER_TICKET_DELAYED.split("*")[0] in text for text in told)


async def test_while_the_desk_is_down_the_orderer_is_told_and_later_told_it_was_sent(
    database_url: str, tmp_path: Path
) -> None:
    fast = {"outbox_retry_base_seconds": 0.05, "outbox_retry_max_seconds": 0.2}
    async with desk_side(database_url, tmp_path, **fast) as desk, LoopbackConnector() as connector:
        desk.desk.fail_next = 3
        chat = Chat(desk.session, desk.app_url, connector, conversation_id=ORDERER_CONVERSATION)
        await chat.say_all(*ORDER_ANSWERS)
        reference = reference_in((await chat.say("ja"))[-1])
        sent = texts.NOTIFY_ORDERER_TICKET_SENT.format(reference=reference, brukare=BRUKARE)
        told = await wait_until(lambda: sent in orderer_sees(connector), lambda: orderer_sees(connector))
    filed = next(n for n, text in enumerate(told) if text.startswith(FILED))
    assert told[filed + 1 :] == [texts.NOTIFY_ORDERER_TICKET_DELAYED.format(reference=reference), sent]
    assert list(desk.desk.tickets) == [reference]


async def test_a_cancellation_from_the_desk_reaches_the_orderer_with_its_reason(desk: DeskSide) -> None:
    reference = await desk.file_order()
    answer = await desk.send(reference=reference.lower(), status="cancelled", comment="Brukaren tackade nej.")
    order = await desk.order(reference)
    told = await desk.told_orderer()
    assert answer == (200, {"result": "applied"})
    assert order.state is OrderState.CANCELLED
    assert told == [
        texts.NOTIFY_ORDERER_CANCELLED.format(
            reference=reference, brukare=BRUKARE, reason="Brukaren tackade nej."
        )
    ]


async def test_replayed_events_change_nothing_twice(desk: DeskSide) -> None:
    reference = await desk.file_order()
    received = {"reference": reference, "status": "received", "comment": ""}
    first_time = {"reference": reference, "status": "booked", "booked_at": "2026-12-03T10:00:00+01:00"}
    moved = {"reference": reference, "status": "booked", "booked_at": "2026-12-04T13:30:00+01:00"}
    await desk.send(**received)
    await desk.send(**first_time)
    await desk.send(**moved)
    replays = [await desk.send(**received), await desk.send(**first_time), await desk.send(**moved)]
    order = await desk.order(reference)
    assert replays == [(200, {"result": "unchanged"})] * 3
    assert await desk.history(reference) == ["filed", "received", "booked", "booked"]
    assert len(await desk.told_orderer()) == 3
    assert order.handling.booking is not None
    assert order.handling.booking.at.isoformat() == "2026-12-04T12:30:00+00:00"  # the old time stays replaced


async def test_copies_of_one_event_arriving_together_apply_once(desk: DeskSide) -> None:
    reference = await desk.file_order()
    event = {"reference": reference, "status": "booked", "booked_at": "2026-12-03T10:00:00+01:00"}
    answers = await asyncio.gather(*(desk.send(**event) for _ in range(5)))
    assert sorted(status for status, _ in answers) == [200] * 5
    assert await desk.history(reference) == ["filed", "booked"]
    assert len(await desk.told_orderer()) == 1


WRONG_SIGNATURES: dict[str, Callable[[bytes], str | None]] = {
    "missing": lambda _body: None,
    "empty": lambda _body: "",
    "no-hex": lambda _body: "sha256=",
    "zeros": lambda _body: "sha256=" + "0" * 64,
    "garbage": lambda _body: "made-up",
    "sha1": lambda body: "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest(),
    "other-body": lambda body: sign(body + b" "),
    "other-secret": lambda body: sign(body, secret="another-secret-for-the-tests-only-0123456789"),
    "truncated": lambda body: sign(body)[:-1],
}


async def test_a_missing_or_wrong_signature_is_401_and_nothing_happens(desk: DeskSide) -> None:
    reference = await desk.file_order()
    body = json.dumps({"reference": reference, "status": "cancelled", "comment": "Falskt."}).encode()
    statuses = {name: (await desk.post(body, wrong(body)))[0] for name, wrong in WRONG_SIGNATURES.items()}
    order = await desk.order(reference)
    assert statuses == dict.fromkeys(WRONG_SIGNATURES, 401)
    assert order.state is OrderState.FILED
    assert await desk.history(reference) == ["filed"]
    assert await desk.told_orderer() == []


async def test_an_unknown_reference_is_404(desk: DeskSide) -> None:
    status, answer = await desk.send(reference="VT-2026-9999", status="received", comment="")
    assert status == 404
    assert "VT-2026-9999" in answer["error"]


MALFORMED = [
    b"not json",
    b"[]",
    b'{"status": "received"}',
    b'{"reference": "VT-2026-0001"}',
    b'{"reference": "VT-2026-0001", "status": "installed"}',
    b'{"reference": "Greta", "status": "received"}',
    b'{"reference": "VT-2026-0001", "status": "booked"}',
    b'{"reference": "VT-2026-0001", "status": "booked", "booked_at": "snart"}',
    b'{"reference": "VT-2026-0001", "status": "booked", "booked_at": "0001-01-01T00:00:00"}',
    b'{"reference": "VT-2026-0001", "status": "booked", "booked_at": "9999-12-31T23:59:59-12:00"}',
    b'{"reference": "VT-2026-0001", "status": "closed", "comment": "   "}',
    b'{"reference": "VT-2026-0001", "status": "cancelled"}',
    b'{"reference": 2026, "status": "received"}',
    b"\xff\xfe",
]


async def test_a_malformed_event_is_400_and_nothing_happens(desk: DeskSide) -> None:
    reference = await desk.file_order()
    statuses = [(await desk.post(body, sign(body)))[0] for body in MALFORMED]
    assert statuses == [400] * len(MALFORMED)
    assert await desk.history(reference) == ["filed"]


async def test_an_event_the_order_cannot_take_now_is_409_with_the_reason(desk: DeskSide) -> None:
    reference = await desk.file_order()
    await desk.send(reference=reference, status="closed", comment="Klart.")
    status, answer = await desk.send(reference=reference, status="cancelled", comment="För sent.")
    order = await desk.order(reference)
    assert status == 409
    assert answer["error"] == texts.REFUSE_STATE.format(reference=reference, state="klar")
    assert order.state is OrderState.CLOSED


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
TIMES = st.datetimes(timezones=st.none() | st.timezones()).map(datetime.isoformat)
HEADER_VALUES = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=80)


def bodies(reference: str) -> st.SearchStrategy[bytes]:
    """Event-like JSON about `reference` (an order that exists) or about none, and plain bytes."""
    event = st.fixed_dictionaries(
        {},
        optional={
            "reference": st.sampled_from([reference, reference.lower(), "VT-2026-9999"])
            | st.text(max_size=20),
            "status": st.sampled_from(["received", "booked", "closed", "cancelled"]) | st.text(max_size=10),
            "comment": st.text(max_size=50) | JSON_VALUES,
            "booked_at": TIMES | JSON_VALUES,
        },
    )
    return event.map(lambda fields: json.dumps(fields).encode()) | st.binary(max_size=200)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_any_signed_body_gets_a_clear_answer_never_a_server_error(
    desk: DeskSide, data: st.DataObject
) -> None:
    reference = await desk.file_order(f"staff-{data.draw(st.integers(0, 3))}")
    body = data.draw(bodies(reference))
    status, _ = await desk.post(body, sign(body))
    assert status in {200, 400, 404, 409}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies("VT-2026-0001"), signature=HEADER_VALUES | st.just("sha256=") | st.none())
async def test_any_body_without_its_signature_is_refused(
    desk: DeskSide, body: bytes, signature: str | None
) -> None:
    if signature == sign(body):
        return
    status, _ = await desk.post(body, signature)
    assert status == 401


@pytest.mark.parametrize(
    ("ticket_system", "missing"),
    [
        ("email", "LINDESK_EMAIL_TO, LINDESK_EMAIL_FROM, LINDESK_SMTP_HOST"),
        ("rest", "LINDESK_REST_URL, LINDESK_REST_TOKEN"),
    ],
)
def test_a_desk_without_its_settings_stops_the_start_saying_what_is_missing(
    ticket_system: str, missing: str
) -> None:
    with pytest.raises(ValidationError, match=f"TICKET_SYSTEM={ticket_system} needs {missing}"):
        Settings(_env_file=None, ticket_system=ticket_system)  # type: ignore[arg-type]


def test_a_short_webhook_secret_stops_the_start() -> None:
    with pytest.raises(ValidationError, match="LINDESK_WEBHOOK_SECRET needs at least 32 characters"):
        Settings(_env_file=None, lindesk_webhook_secret="kort")
