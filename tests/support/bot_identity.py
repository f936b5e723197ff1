"""The Bot Framework's token services on loopback: OpenID metadata and signing keys, and a managed identity.

Channels sign the tokens they send to a bot with keys published at an OpenID metadata URL; the bot
gets its own tokens for replies from Azure AD, here from an App Service managed identity endpoint
(`IDENTITY_ENDPOINT`, `IDENTITY_HEADER`), which MSAL reads from the environment. botbuilder fetches
the metadata with blocking `requests` calls from inside the app's event loop, so this server runs on
an event loop of its own, in a thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CHANNEL_ISSUER = "https://api.botframework.com"  # the issuer of the tokens channels send (public cloud)
REPLY_AUDIENCE = "https://api.botframework.com"  # what the bot's own tokens are for
METADATA_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/keys"
IDENTITY_PATH = "/msi/token"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class LoopbackIdentity:
    """Publishes one signing key, signs channel tokens with it, and issues the bot's reply tokens."""

    def __init__(self, endorsements: tuple[str, ...] = ("emulator", "msteams")) -> None:
        self.key = new_key()
        self.key_id = f"key-{uuid.uuid4().hex[:8]}"
        self.endorsements = list(endorsements)
        self.identity_header = uuid.uuid4().hex
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._base = ""

    async def __aenter__(self) -> LoopbackIdentity:
        self._thread.start()
        self._runner = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._start(), self._loop))
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._runner is not None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    async def _start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_get(METADATA_PATH, self._metadata)
        app.router.add_get(KEYS_PATH, self._keys)
        app.router.add_get(IDENTITY_PATH, self._managed_identity_token)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        self._base = f"http://{host}:{port}"
        return runner

    def url(self, path: str) -> str:
        return self._base + path

    @property
    def metadata_url(self) -> str:
        return self.url(METADATA_PATH)

    @property
    def identity_endpoint(self) -> str:
        return self.url(IDENTITY_PATH)

    def channel_token(
        self,
        app_id: str,
        service_url: str,
        *,
        issuer: str = CHANNEL_ISSUER,
        audience: str | None = None,
        lifetime: int = 3600,
        key: rsa.RSAPrivateKey | None = None,
    ) -> str:
        """A token as a channel sends it to the bot `app_id` for an activity from `service_url`."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience or app_id,
            "serviceurl": service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + lifetime,
        }
        return sign(claims, key or self.key, self.key_id)

    def verify_reply_token(self, token: str, app_id: str) -> dict[str, Any]:
        """The claims of a reply token this identity issued to `app_id`; raises when it is not one."""
        claims: dict[str, Any] = jwt.decode(
            token, self.key.public_key(), algorithms=["RS256"], audience=REPLY_AUDIENCE, issuer=CHANNEL_ISSUER
        )
        assert claims["appid"] == app_id, claims
        return claims

    async def _metadata(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": CHANNEL_ISSUER,
                "jwks_uri": self.url(KEYS_PATH),
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, _request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk |= {"kid": self.key_id, "use": "sig", "endorsements": self.endorsements}
        return web.json_response({"keys": [jwk]})

    async def _managed_identity_token(self, request: web.Request) -> web.Response:
        """App Service's managed identity endpoint: a token for `resource`, for the identity `client_id`."""
        if request.headers.get("X-IDENTITY-HEADER") != self.identity_header:
            return web.json_response({"statusCode": 401, "message": "wrong identity header"}, status=401)
        now = int(time.time())
        claims = {
            "iss": CHANNEL_ISSUER,
            "aud": request.query["resource"],
            "appid": request.query["client_id"],
            "iat": now,
            "exp": now + 3600,
        }
        token = sign(claims, self.key, self.key_id)
        return web.json_response(
            {
                "access_token": token,
                "expires_on": str(now + 3600),
                "resource": request.query["resource"],
                "token_type": "Bearer",
            }
        )


def sign(claims: dict[str, Any], key: rsa.RSAPrivateKey, key_id: str) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": key_id})
