"""The one place that decides who may see and do what with orders."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain import Order


class AccessPolicy:
    """Staff see their own and their unit's orders; välfärdsteknikteamet sees and handles all."""

    def __init__(self, team_member_ids: Iterable[str]) -> None:
        self.team = frozenset(team_member_ids)

    def is_team(self, user_id: str) -> bool:
        return user_id in self.team

    def may_see(self, user_id: str, user_unit: str | None, order: Order) -> bool:
        """May `user_id` (of `user_unit`, if known) know that `order` exists and how it stands?"""
        if self.is_team(user_id) or order.orderer.user_id == user_id:
            return True
        return user_unit is not None and _same_unit(user_unit, order.orderer.unit)

    def may_see_access_details(self, user_id: str) -> bool:
        """Portkod, keys and tags: the team only, and only on `visa`."""
        return self.is_team(user_id)


def _same_unit(first: str, second: str) -> bool:
    return first.strip().casefold() == second.strip().casefold()
