"""The desk ticket's notes of what happened to an order after filing: values in full, as in the ticket."""

from __future__ import annotations

from bot import texts
from bot.domain import Order, OrderEvent
from bot.followup import transitions
from bot.followup.fields import ChangeField
from bot.followup.team_posts import team_line

# Events the desk's ticket is told of; the rest the desk either made itself or has no use for.
TOLD = frozenset(
    {
        transitions.CHANGED,
        transitions.CANCELLED,
        transitions.PAUSED,
        transitions.MESSAGE,
        transitions.QUESTION,
        transitions.ANSWER,
    }
)


def desk_text(order: Order, event: OrderEvent) -> str | None:
    """The note for the ticket, or None. A changed portkod is written out: the ticket holds it too."""
    if event.kind not in TOLD:
        return None
    line = (team_line(order, event) or "").replace("**", "")
    if event.kind == transitions.CHANGED and ChangeField(event.detail) is ChangeField.PORTKOD:
        portkod = order.details.brukare.portkod or texts.VALUE_NO_PORTKOD
        line = texts.DESK_PORTKOD_CHANGED.format(
            reference=order.reference, actor=event.actor_name, portkod=portkod
        )
    return line
