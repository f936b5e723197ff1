"""`GET /api/team/audit.csv?token=…&since=…`: the audit log as a file, through a link from chat."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from aiohttp import web

from bot import texts
from bot.access import AccessPolicy
from bot.audit_export import export_csv
from bot.audit_log import AuditLog
from bot.links import DownloadTokens

PATH = "/api/team/audit.csv"
FILE_NAME = "logg-trygghetslarm.csv"
AUDIT_CHANNEL = "http"
TOKEN_PURPOSE = "audit log download"  # the derived key signs these links and nothing else


class AuditDownload:
    """Serves the log to the holder of a valid link who may still read it; each download is audited."""

    def __init__(self, audit: AuditLog, policy: AccessPolicy, tokens: DownloadTokens, base_url: str) -> None:
        self.audit = audit
        self.policy = policy
        self.tokens = tokens
        self.base_url = base_url

    def link(self, user_id: str, since: date) -> str:
        """A link that lets `user_id` download the log from `since` on, for a short while."""
        query = urlencode({"token": self.tokens.issue(user_id), "since": since.isoformat()})
        return f"{self.base_url}{PATH}?{query}"

    async def handle(self, request: web.Request) -> web.Response:
        holder = self.tokens.holder(request.query.get("token", ""))
        if holder is None or not self.policy.may_view_audit(holder):
            return web.Response(status=403, text=texts.AUDIT_DOWNLOAD_REFUSED)
        try:
            since = date.fromisoformat(request.query.get("since", ""))
        except ValueError:
            return web.Response(status=400, text=texts.AUDIT_BAD_DATE)
        body = await export_csv(self.audit, holder, AUDIT_CHANNEL, since)
        return csv_response(body, FILE_NAME)


def csv_response(body: str, file_name: str) -> web.Response:
    """A CSV file to download, kept out of every cache."""
    return web.Response(
        body=body.encode(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"', "Cache-Control": "no-store"},
    )
