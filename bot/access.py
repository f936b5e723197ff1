"""The one place that decides who may see and do what with orders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import texts
from bot.domain import Order, TeamMember

# The service desk (Lindesk) acting on the team's behalf when its events come in.
SERVICE_DESK = TeamMember(user_id="system:lindesk", name=texts.DESK_ACTOR_NAME)


class AccessPolicy:
    """Staff see their own and their unit's orders; välfärdsteknikteamet sees and handles all."""

    def __init__(self, team_member_ids: Iterable[str], audit_reader_ids: Iterable[str] = ()) -> None:
        self.team = frozenset(team_member_ids)
        self.audit_readers = frozenset(audit_reader_ids)

    @classmethod
    def for_service_desk(cls) -> AccessPolicy:
        """The policy the desk's events act under: the desk handles orders as the team does.

        Chat turns never use it, so no chat user passes as the desk, whatever id their channel gives.
        """
        return cls([SERVICE_DESK.user_id])

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

    def may_export(self, user_id: str) -> bool:
        """Personal data taken out of the app as a file (the inventory list): the team only."""
        return self.is_team(user_id)

    def may_view_audit(self, user_id: str) -> bool:
        """The audit log: AUDIT_READER_IDS when set (say, the systemförvaltare), else the team."""
        return user_id in self.audit_readers if self.audit_readers else self.is_team(user_id)

    def visibility(self, user_id: str, user_unit: str | None, units: Iterable[str]) -> Visibility:
        """Which orders `user_id` may see, as a query asks for them; `units` are the units orders have."""
        shared = () if user_unit is None else tuple(unit for unit in units if _same_unit(user_unit, unit))
        return Visibility(everyone=self.is_team(user_id), orderer_id=user_id, units=shared)


@dataclass(frozen=True)
class Visibility:
    """The orders a user may see: all (the team), or their own and those of their unit's spellings."""

    everyone: bool
    orderer_id: str
    units: tuple[str, ...]

    def own(self) -> Visibility:
        """Only the user's own and their unit's orders, also for the team."""
        return Visibility(everyone=False, orderer_id=self.orderer_id, units=self.units)


def _same_unit(first: str, second: str) -> bool:
    return first.strip().casefold() == second.strip().casefold()
