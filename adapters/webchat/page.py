"""`GET /`: the phone-first chat page with the official Web Chat, served with its scripts from this app."""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

from aiohttp import web

from adapters.webchat.bundle import COMMAND, VERSION
from bot import texts
from bot.settings import Settings

STATIC = Path(__file__).parents[2] / "static"
ASSETS = {"chat.js": "text/javascript", "chat.css": "text/css"}

PAGE = Template("""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#00538a">
<title>$title</title>
<link rel="stylesheet" href="/webchat/chat.css">
</head>
<body>
<header class="bar"><p class="municipality">$municipality</p><h1>$heading</h1></header>
$main
</body>
</html>
""")
CHAT = Template("""<main id="webchat" aria-label="$label" data-start-failed="$start_failed"></main>
<noscript><p class="notice">$noscript</p></noscript>
<script src="/webchat/webchat.js?v=$version"></script>
<script src="/webchat/chat.js"></script>""")
MISSING = Template("""<main><p class="notice" role="alert">$missing</p></main>""")


class ChatPage:
    """The page, its two small assets, and Web Chat's bundle when it is installed."""

    def __init__(self, settings: Settings) -> None:
        self.municipality = settings.municipality_name
        self.bundle = settings.webchat_bundle
        self.frame_ancestors = " ".join(["'self'", *settings.webchat_allowed_origins])

    def add_to(self, app: web.Application) -> None:
        app.router.add_get("/", self.page)
        app.router.add_get("/webchat/webchat.js", self.web_chat)
        app.router.add_get("/webchat/{name:chat\\.(js|css)}", self.asset)

    async def page(self, _request: web.Request) -> web.Response:
        installed = self.bundle.is_file()
        main = CHAT.substitute(_escaped(self._chat_texts())) if installed else self._missing()
        body = PAGE.substitute(_escaped(self._page_texts()), main=main)
        status = 200 if installed else 503
        return web.Response(text=body, content_type="text/html", status=status, headers=self._headers())

    async def web_chat(self, _request: web.Request) -> web.StreamResponse:
        if not self.bundle.is_file():
            raise web.HTTPNotFound
        return web.FileResponse(self.bundle, headers={"Cache-Control": "public, max-age=86400"})

    async def asset(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        return web.FileResponse(
            STATIC / name, headers={"Content-Type": ASSETS[name], "Cache-Control": "no-cache"}
        )

    def _page_texts(self) -> dict[str, str]:
        return {
            "title": texts.PAGE_TITLE.format(municipality=self.municipality),
            "municipality": self.municipality,
            "heading": texts.PAGE_HEADING,
        }

    def _chat_texts(self) -> dict[str, str]:
        return {
            "label": texts.PAGE_CHAT_LABEL,
            "start_failed": texts.PAGE_START_FAILED,
            "noscript": texts.PAGE_NOSCRIPT,
            "version": VERSION,
        }

    def _missing(self) -> str:
        return MISSING.substitute(missing=escape(texts.PAGE_BUNDLE_MISSING.format(command=COMMAND)))

    def _headers(self) -> dict[str, str]:
        policy = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            f"frame-ancestors {self.frame_ancestors}"
        )
        return {
            "Content-Security-Policy": policy,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        }


def _escaped(values: dict[str, str]) -> dict[str, str]:
    return {name: escape(value) for name, value in values.items()}
