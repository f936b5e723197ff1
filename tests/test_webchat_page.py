"""The chat page: Swedish, the municipality's name, Web Chat served by this app, or how to install it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from aiohttp import ClientSession

from adapters.webchat.bundle import COMMAND
from bot import texts
from bot.settings import Settings
from tests.support.webchat_server import running_webchat_app, webchat_settings

MUNICIPALITY = "Norrköpings kommun"


def page_settings(database_url: str, tmp_path: Path, bundle: Path) -> Settings:
    return webchat_settings(database_url, tmp_path, municipality_name=MUNICIPALITY, webchat_bundle=bundle)


async def test_the_page_starts_web_chat_from_this_app(database_url: str, tmp_path: Path) -> None:
    bundle = tmp_path / "webchat.js"
    bundle.write_text("/* stands in for botframework-webchat's dist/webchat.js */")
    async with (
        ClientSession() as session,
        running_webchat_app(page_settings(database_url, tmp_path, bundle)) as url,
    ):
        async with session.get(url + "/") as page:
            html = await page.text()
            headers = page.headers
        served = {}
        for asset in ("/webchat/webchat.js?v=4.18.1", "/webchat/chat.js", "/webchat/chat.css"):
            async with session.get(url + asset) as response:
                served[asset] = (response.status, response.content_type)
    assert page.status == 200
    assert '<html lang="sv">' in html
    assert escape(MUNICIPALITY) in html
    assert escape(texts.PAGE_START_FAILED) in html
    assert '<script src="/webchat/webchat.js?v=4.18.1"></script>' in html
    assert "https://" not in html  # nothing from a CDN
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert served == {
        "/webchat/webchat.js?v=4.18.1": (200, "application/javascript"),
        "/webchat/chat.js": (200, "text/javascript"),
        "/webchat/chat.css": (200, "text/css"),
    }


async def test_without_the_bundle_the_page_says_how_to_install_it(database_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "not-installed" / "webchat.js"
    async with (
        ClientSession() as session,
        running_webchat_app(page_settings(database_url, tmp_path, missing)) as url,
    ):
        async with session.get(url + "/") as page:
            html = await page.text()
        async with session.get(url + "/webchat/webchat.js") as bundle:
            bundle_status = bundle.status
    assert page.status == 503
    assert escape(texts.PAGE_BUNDLE_MISSING.format(command=COMMAND)) in html
    assert "<script" not in html
    assert bundle_status == 404
