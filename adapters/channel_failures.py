"""What a failed call to the channel means: try again (and when), the conversation is lost, or refused."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from aiohttp import ClientError

from adapters.connector_client import ChannelError

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})  # busy, throttled or down for a while
GONE_STATUSES = frozenset({403, 404})  # the bot was removed from the conversation, or it is gone
UNREACHED = (ClientError, TimeoutError, ConnectionError)  # no answer: refused, reset, or it hung


class Verdict(Enum):
    RETRY = "retry"  # try again later
    GONE = "gone"  # stop sending to this conversation
    REFUSED = "refused"  # this activity is refused (400, 401, …); retrying cannot help


@dataclass(frozen=True)
class Failure:
    """A judged failure; `reason` names the status or error type only, never content."""

    verdict: Verdict
    reason: str
    retry_after: float | None = None  # seconds the channel asked to wait


def judged(error: BaseException) -> Failure | None:
    """The failure `error` is, or None when it is no failure of the channel (a bug: let it raise)."""
    if isinstance(error, ChannelError):
        reason = f"HTTP {error.status}"
        if error.status in RETRY_STATUSES:
            return Failure(Verdict.RETRY, reason, error.retry_after)
        return Failure(Verdict.GONE if error.status in GONE_STATUSES else Verdict.REFUSED, reason)
    if isinstance(error, UNREACHED):
        return Failure(Verdict.RETRY, f"not reached ({type(error).__name__})")
    return None


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: try n waits between half and all of base × 2^(n-1), capped."""

    base_seconds: float = 1.0
    cap_seconds: float = 15.0

    def wait(self, tries: int, retry_after: float | None = None) -> float:
        """Seconds before the next try after `tries` failed ones; never less than the channel asked."""
        full = min(self.cap_seconds, self.base_seconds * 2 ** max(0, tries - 1))
        return max(full * random.uniform(0.5, 1.0), retry_after or 0.0)
