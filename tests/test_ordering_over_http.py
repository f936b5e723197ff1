"""The whole app over HTTP, as a channel uses it: an order from greeting to reference."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import ClientSession

from tests.support.app_server import app_settings, running_app
from tests.support.chat import Chat
from tests.support.connector import LoopbackConnector
from tests.support.testdata import TEST_PERSONNUMMER

PNR = TEST_PERSONNUMMER[1]  # 194605076654
ANSWERS = [
    "beställ",
    "ja",
    "ja",
    "ja",
    "Hemtjänst Ryd",
    "Karin Andersson",
    "070-174 06 10",
    "Greta Johansson",
    f"{PNR[:8]}-{PNR[8:]}",
    "Storgatan 12",
    "58223",
    "Linköping",
    "070-174 06 05",
    "1234",
    "ja",
    "ja",
    "närstående",
    "Anna Johansson",
    "dotter",
    "070-174 06 06",
    "nej",
    "1",
    "1",
]


async def test_an_order_is_filed_with_a_reference(database_url: str, tmp_path: Path) -> None:
    async with LoopbackConnector() as connector, ClientSession() as session:
        async with running_app(app_settings(database_url, tmp_path)) as url:
            chat = Chat(session, url, connector)
            summary = await chat.say_all(*ANSWERS)
            assert "Greta Johansson" in summary[-1]
            assert "Stämmer uppgifterna?" in summary[-1]
            filed = await chat.say("ja")
    assert re.search(r"VT-\d{4}-0001", filed[-1]), filed
