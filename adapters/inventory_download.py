"""`GET /api/team/inventory.csv?token=…`: the team's inventory list as a file, through a link from chat."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from adapters.audit_download import csv_response
from bot import texts
from bot.access import AccessPolicy
from bot.audit import AuditAction
from bot.audit_log import AuditLog
from bot.inventory import as_csv, listed_orders
from bot.links import DownloadTokens
from bot.orders import OrderService

PATH = "/api/team/inventory.csv"
FILE_NAME = "inventarielista.csv"
AUDIT_CHANNEL = "http"
TOKEN_PURPOSE = "inventory download"  # the derived key signs these links and nothing else


class InventoryDownload:
    """Serves the CSV to the holder of a valid link who is still in the team; every download is audited."""

    def __init__(
        self,
        orders: OrderService,
        policy: AccessPolicy,
        audit: AuditLog,
        tokens: DownloadTokens,
        base_url: str,
    ) -> None:
        self.orders = orders
        self.policy = policy
        self.audit = audit
        self.tokens = tokens
        self.base_url = base_url

    def link(self, user_id: str) -> str:
        """A link that lets `user_id` download the list, for a short while."""
        return f"{self.base_url}{PATH}?{urlencode({'token': self.tokens.issue(user_id)})}"

    async def handle(self, request: web.Request) -> web.Response:
        holder = self.tokens.holder(request.query.get("token", ""))
        if holder is None or not self.policy.may_export(holder):
            return web.Response(status=403, text=texts.DOWNLOAD_REFUSED)
        listed = await listed_orders(self.orders)
        references = [order.reference for order in listed] or [None]
        await self.audit.record(holder, AuditAction.EXPORT, references, AUDIT_CHANNEL)
        return csv_response(as_csv(listed), FILE_NAME)
