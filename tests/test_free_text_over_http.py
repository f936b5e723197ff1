"""The whole app over HTTP: orders asked for in the staff's own words, given in one message or one form."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from tests.support.app_server import app_settings
from tests.support.chatting import chatting
from tests.support.http_helpers import ORDER_ANSWERS, order_service
from tests.support.testdata import FICTIONAL_LANDLINES, FICTIONAL_MOBILES, TEST_PERSONNUMMER

PNR = TEST_PERSONNUMMER[7]
PNR_TEXT = f"{PNR[:8]}-{PNR[8:]}"
BAD_PNR = f"{PNR[:11]}{(int(PNR[11]) + 1) % 10}"
PHONE, CONTACT_PHONE, NEW_PHONE = FICTIONAL_MOBILES[20], FICTIONAL_LANDLINES[12], FICTIONAL_MOBILES[90]
REFERENCE = re.compile(r"VT-\d{4}-\d{4}")
PASTED = f"""Hej! Vi behöver beställa trygghetslarm med digital låsenhet.
Namn: Karl Svensson
Pnr: {PNR_TEXT}
Adress: Ågatan 24 A, lgh 1102, 582 23 Linköping
Tel: {PHONE}
Portkod: 7788
Ingen tagg behövs till ytterporten.
Kontakt för bokning: sonen Per Svensson {CONTACT_PHONE}
Mvh Karin"""


def form(**inputs: str) -> dict[str, Any]:
    """What the form card's submit posts: its data with the inputs merged in."""
    filled = {
        "unit": "Hemtjänst Berga",
        "orderer_name": "Karin Andersson",
        "orderer_phone": FICTIONAL_MOBILES[5],
        "brukare_name": "Karl Svensson",
        "personnummer": PNR_TEXT,
        "street": "Ågatan 24 A",
        "postnummer": "582 23",
        "ort": "Linköping",
        "phone": PHONE,
        "portkod": "ingen",
        "outer_door_tag_needed": "nej",
        "contact_kind": "brukare",
        "category": "Digitalt trygghetslarm > Nytt larm utan låsenhet",
    }
    return {"form": "order", **filled, **inputs}


async def test_a_natural_phrase_starts_an_order(database_url: str, tmp_path: Path) -> None:
    async with chatting(app_settings(database_url, tmp_path)) as app:
        replies = await app.chat().say("hej, skulle behöva beställa ett trygghetslarm till en ny brukare")
    assert replies == [texts.ORDER_START, texts.ASK_TRESERVA]


async def test_an_order_pasted_in_one_message_files_after_the_preconditions_and_the_summary(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        chat = app.chat()
        await chat.say_all(*ORDER_ANSWERS, "ja")  # the first order: the orderer is remembered
        understood = await chat.say(PASTED)
        questions = [understood[-1], *[(await chat.say("ja"))[-1] for _ in range(3)]]
        filed = await chat.say("ja")
    assert "Karl Svensson" in understood[1]
    assert questions[:3] == [texts.ASK_TRESERVA, texts.ASK_KEY_RECEIPT, texts.ASK_JOURNAL]
    assert questions[3].endswith(texts.ASK_CONFIRM)
    reference = REFERENCE.search(filed[-1])
    assert reference is not None
    async with order_service(settings) as orders:
        order = await orders.get(reference.group(0))
    assert order is not None
    brukare = order.details.brukare
    assert (brukare.name, brukare.personnummer, brukare.portkod) == ("Karl Svensson", PNR, "7788")
    assert (brukare.address.street, brukare.address.postnummer) == ("Ågatan 24 A, lgh 1102", "582 23")
    assert order.details.access.outer_door_tag_needed is False
    assert [(c.name, c.relation) for c in order.details.contacts] == [("Per Svensson", "son")]
    assert order.details.category.underrubrik == "Nytt larm med digital låsenhet"


async def test_a_form_with_two_wrong_fields_comes_back_and_then_files(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        chat = app.chat()
        await chat.say("formulär")
        shown = chat.cards()[-1]
        wrong = await chat.say(None, value=form(personnummer=BAD_PNR, phone="070-174"))
        back = chat.cards()[-1]
        fixed = await chat.say(None, value=form())
        summary = (await chat.say_all("ja", "ja", "ja"))[-1]
        filed = await chat.say("ja")
    assert shown["version"] == "1.5"
    assert texts.ERR_PNR_CHECKSUM in wrong[-1]
    errors = [block["text"] for block in _blocks(back) if block.get("color") == "attention"]
    assert texts.ERR_PNR_CHECKSUM in errors
    assert any(texts.ERR_PHONE in error for error in errors)
    assert _input_value(back, "brukare_name") == "Karl Svensson"  # kept as typed
    assert fixed[-1] == texts.ASK_TRESERVA
    assert "Karl Svensson" in summary and summary.endswith(texts.ASK_CONFIRM)
    assert REFERENCE.search(filed[-1])


async def test_free_text_corrections_at_the_summary(database_url: str, tmp_path: Path) -> None:
    settings = app_settings(database_url, tmp_path)
    async with chatting(settings) as app:
        chat = app.chat()
        await chat.say_all(*ORDER_ANSWERS)
        phone = await chat.say(f"ändra telefon till {NEW_PHONE}")
        code = await chat.say("fel portkod, den är 4321")
        filed = await chat.say("ja")
    assert NEW_PHONE in phone[-1] and phone[-1].endswith(texts.ASK_CONFIRM)
    assert f"{texts.LABEL_PORTKOD}: 4321" in code[-1]
    reference = REFERENCE.search(filed[-1])
    assert reference is not None
    async with order_service(settings) as orders:
        order = await orders.get(reference.group(0))
    assert order is not None
    assert order.details.brukare.portkod == "4321"
    assert order.details.brukare.phone == "+46" + NEW_PHONE.replace(" ", "").replace("-", "")[1:]


def _blocks(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in card.get("body", []):
        found += [item, *_blocks({"body": item.get("items", [])})]
    return found


def _input_value(card: dict[str, Any], input_id: str) -> str | None:
    return next((block.get("value") for block in _blocks(card) if block.get("id") == input_id), None)


async def test_hostile_and_broken_pastes_get_swedish_answers_and_store_or_log_nothing(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = TEST_PERSONNUMMER[8]
    pastes = [
        PASTED * 20,  # some 4,000 characters
        "beställ larm 🚨🙏 tack",
        "<script>alert('beställ larm')</script> '; DROP TABLE orders; --",
        f"beställ larm till Karl Svensson {BAD_PNR}, Ågatan 24 A",
        f"beställ larm till Karl Svensson {PNR_TEXT} eller {other[:8]}-{other[8:]}, Ågatan 24 A",
    ]
    settings = app_settings(database_url, tmp_path)
    caplog.set_level(logging.DEBUG)
    async with chatting(settings) as app:
        replies = [await app.chat(f"staff-{n}").say(paste) for n, paste in enumerate(pastes)]
        async with order_service(settings) as orders:
            drafts = [await orders.load_draft(f"staff-{n}") for n in (3, 4)]
    assert replies[0] == [texts.TOO_LONG.format(limit=2000)]
    assert replies[1] == [texts.ORDER_START, texts.ASK_TRESERVA]
    assert replies[2][-1].startswith(texts.NOT_UNDERSTOOD)
    assert texts.ERR_PNR_CHECKSUM in replies[3][1]
    assert texts.ERR_TWO_PERSONNUMMER in replies[4][1]
    assert [(d.personnummer, d.street) for d in drafts if d] == [(None, "Ågatan 24 A")] * 2
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for personal in ("Karl Svensson", "Ågatan", "7788", PNR_TEXT, BAD_PNR, PHONE):
        assert personal not in logged
