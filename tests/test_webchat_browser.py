"""End to end in a real browser: Debian's Chromium, driven by Playwright, orders an alarm on a phone."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Locator, Page, async_playwright, expect

from adapters.webchat.bundle import ensure_bundle
from bot import texts
from bot.settings import Settings
from tests.support.http_helpers import ORDER_ANSWERS, REFERENCE
from tests.support.webchat_server import running_webchat_app, webchat_settings

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))  # Debian's; never `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).parents[1] / "test-artifacts"
BOT_BUBBLES = ".webchat__bubble:not(.webchat__bubble--from-user)"
SEND_FAILED = ("Send failed", "Det gick inte att skicka")
REPLY_TIMEOUT_MS = 20_000
WORDS_BROKEN_ACROSS_LINES = """card => {
    const broken = [];
    const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of node.data.matchAll(/[^\\s\\-–>,]+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
            if (lines.size > 1) broken.push(word[0]);
        }
    }
    return broken;
}"""


def _unavailable(reason: str) -> None:
    """Skip where the browser cannot be had; in CI (.ci/run installs it) that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    return CHROMIUM


@pytest.fixture
def bundle() -> Path:
    path = Settings(_env_file=None).webchat_bundle
    if not ensure_bundle(path):
        _unavailable("the Web Chat bundle could not be installed (npm and the npm registry are needed)")
    return path


@dataclass
class OpenChat:
    """The chat page in Chromium after the bot's greeting, and what the browser's console said."""

    page: Page
    console: list[str]


@asynccontextmanager
async def chat_page(
    database_url: str, tmp_path: Path, chromium: Path, bundle: Path, **page_options: Any
) -> AsyncIterator[OpenChat]:
    settings = webchat_settings(database_url, tmp_path, webchat_bundle=bundle)
    async with running_webchat_app(settings) as url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="sv-SE", **page_options)
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            await page.goto(url)
            greeting = page.locator(BOT_BUBBLES).first
            await expect(greeting).to_contain_text(texts.WELCOME, timeout=REPLY_TIMEOUT_MS)
            yield OpenChat(page, console)
        finally:
            await browser.close()


async def test_an_order_typed_on_a_phone(
    database_url: str, tmp_path: Path, chromium: Path, bundle: Path, request: pytest.FixtureRequest
) -> None:
    on_phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
    async with chat_page(database_url, tmp_path, chromium, bundle, **on_phone) as chat:
        page = chat.page
        for answer in [*ORDER_ANSWERS, "ja"]:
            await _type(page, answer)
        filed = page.locator(BOT_BUBBLES).last
        await expect(filed).to_contain_text(REFERENCE, timeout=REPLY_TIMEOUT_MS)
        await expect(filed).to_be_in_viewport(timeout=REPLY_TIMEOUT_MS)  # scrolled past the long card
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=ARTIFACTS / f"webchat-order-{request.node.callspec.id}.png")
        summary = page.locator(".ac-adaptiveCard").last  # the summary, answered with "ja"
        broken_words = await summary.evaluate(WORDS_BROKEN_ACROSS_LINES)
        await page.set_viewport_size({"width": PHONE["width"], "height": 2400})  # the whole card
        await summary.screenshot(path=ARTIFACTS / f"webchat-summary-{request.node.callspec.id}.png")
        shown = await page.locator("body").inner_text()
        upload_buttons = await page.locator(".webchat__upload-button").count()
    assert not [failure for failure in SEND_FAILED if failure in shown]
    assert broken_words == []  # e.g. a FactSet's narrow title column showed "Beställa" / "re"
    assert upload_buttons == 0
    assert not [line for line in chat.console if "Content Security Policy" in line]


async def _type(page: Page, answer: str) -> None:
    """Type `answer` into Web Chat's send box and wait for the bot's answer to appear."""
    replies = await page.locator(BOT_BUBBLES).count()
    box = page.locator(".webchat__send-box-text-box__input")
    await box.fill(answer)
    await box.press("Enter")
    await expect(page.locator(BOT_BUBBLES).nth(replies)).to_be_visible(timeout=REPLY_TIMEOUT_MS)


DESKTOP = {"width": 1024, "height": 1400}
FORM_TEXT_INPUTS = {
    texts.ASK_UNIT: "Hemtjänst Ryd",
    texts.ASK_ORDERER_NAME: "Karin Andersson",
    texts.ASK_ORDERER_PHONE: "070-174 06 10",
    texts.ASK_BRUKARE_NAME: "Greta Johansson",
    texts.ASK_STREET: "Storgatan 12 B",
    texts.ASK_POSTNUMMER: "582 23",
    texts.ASK_ORT: "Linköping",
    texts.ASK_PHONE: "070-174 06 05",
    texts.FORM_LABEL_PORTKOD: "ingen",
}


async def test_the_order_form_on_a_desktop(
    database_url: str, tmp_path: Path, chromium: Path, bundle: Path, request: pytest.FixtureRequest
) -> None:
    async with chat_page(database_url, tmp_path, chromium, bundle, viewport=DESKTOP) as chat:
        page = chat.page
        await _type(page, "formulär")
        await _fill_form(page.locator(".ac-adaptiveCard").last, personnummer=WRONG_PNR)
        back = page.locator(BOT_BUBBLES).last
        await expect(back).to_contain_text(texts.ERR_PNR_CHECKSUM, timeout=REPLY_TIMEOUT_MS)
        card = page.locator(".ac-adaptiveCard").last
        ARTIFACTS.mkdir(exist_ok=True)
        await card.screenshot(path=ARTIFACTS / f"webchat-form-errors-{request.node.callspec.id}.png")
        kept = await card.get_by_label(texts.ASK_BRUKARE_NAME, exact=False).input_value()
        await card.get_by_label(texts.ASK_PERSONNUMMER, exact=False).fill(GOOD_PNR)
        await card.get_by_role("button", name=texts.FORM_SUBMIT).click()
        await expect(page.locator(BOT_BUBBLES).last).to_contain_text(
            texts.ASK_TRESERVA, timeout=REPLY_TIMEOUT_MS
        )
    assert kept == "Greta Johansson"


GOOD_PNR = "19460507-6654"
WRONG_PNR = "19460507-6655"  # the check digit is wrong


async def _fill_form(card: Locator, personnummer: str) -> None:
    """Fill every required input of the order form, as a person on a desktop would, and send it."""
    for label, value in FORM_TEXT_INPUTS.items():
        await card.get_by_label(label, exact=False).fill(value)
    await card.get_by_label(texts.ASK_PERSONNUMMER, exact=False).fill(personnummer)
    await card.get_by_label("Nej", exact=True).first.check()
    await card.get_by_label("Brukaren", exact=True).check()
    await card.get_by_label(texts.FORM_LABEL_CATEGORY, exact=False).select_option(index=1)
    await card.get_by_role("button", name=texts.FORM_SUBMIT).click()
