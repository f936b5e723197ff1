"""Rate limiting per user: a token bucket each, kept for the most recent users only (bounded memory)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

MAX_USERS = 10_000  # buckets kept; the least recently seen user's is dropped (a full bucket: no loss)


class Verdict(Enum):
    ALLOW = "allow"
    REFUSE_AND_SAY_SO = "refuse and say so"  # the first refused message of a run
    REFUSE_QUIETLY = "refuse quietly"  # the rest: answering each would be a flood of its own


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class RateLimiter:
    """Lets a user send `burst` messages at once, then `per_minute` a minute; 0 a minute: no limit."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = MAX_USERS,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_users = max_users
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def check(self, user_id: str) -> Verdict:
        """Count one message from `user_id`, and say whether it may be handled."""
        if self.rate <= 0:
            return Verdict.ALLOW
        bucket = self._bucket(user_id)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.told = False
            return Verdict.ALLOW
        if bucket.told:
            return Verdict.REFUSE_QUIETLY
        bucket.told = True
        return Verdict.REFUSE_AND_SAY_SO

    def _bucket(self, user_id: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.pop(user_id, None) or _Bucket(tokens=self.burst, at=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[user_id] = bucket  # now the most recent
        if len(self._buckets) > self.max_users:
            self._buckets.popitem(last=False)
        return bucket

    def __len__(self) -> int:
        return len(self._buckets)
