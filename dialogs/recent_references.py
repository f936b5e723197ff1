"""The conversation references this process stored lately, so that most turns need not store theirs."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_AGE_SECONDS = 600.0  # then stored again: another instance may have marked the conversation unreachable
CAPACITY = 10_000  # conversations kept; the least recently seen goes first


class RecentReferences:
    """A bounded map of conversation -> the fingerprint of the reference stored for it, and when."""

    def __init__(
        self,
        max_age: float = MAX_AGE_SECONDS,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.capacity = capacity
        self.clock = clock
        self._stored: OrderedDict[str, tuple[Hashable, float]] = OrderedDict()

    def is_stored(self, key: str, fingerprint: Hashable) -> bool:
        """True when this very reference was stored for `key` less than `max_age` ago."""
        stored = self._stored.get(key)
        if stored is None or stored[0] != fingerprint or self.clock() - stored[1] >= self.max_age:
            return False
        self._stored.move_to_end(key)
        return True

    def note(self, key: str, fingerprint: Hashable) -> None:
        """The reference with `fingerprint` was just stored for `key`."""
        self._stored[key] = (fingerprint, self.clock())
        self._stored.move_to_end(key)
        if len(self._stored) > self.capacity:
            self._stored.popitem(last=False)

    def forget(self, key: str) -> None:
        """Store `key`'s reference again on its next turn (a message to it was refused)."""
        self._stored.pop(key, None)

    def __len__(self) -> int:
        return len(self._stored)
