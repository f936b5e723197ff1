"""An order's timeline as its unit and the team read it: what happened, who, when; changes without values."""

from __future__ import annotations

from datetime import date, datetime

from bot import texts
from bot.access import SERVICE_DESK
from bot.domain import Order, OrderEvent
from bot.local_time import local


def history_text(order: Order, events: list[OrderEvent]) -> str:
    lines = [texts.HISTORY_TITLE.format(reference=order.reference, state=texts.STATE_NAMES[order.state])]
    lines += [_line(order, event) for event in events if _kind(event) in texts.HISTORY_LINES]
    return "\n".join(lines)


def _line(order: Order, event: OrderEvent) -> str:
    what = texts.HISTORY_LINES[_kind(event)].format(
        actor=_actor(order, event), item=event.kind.partition(":")[2], **_particulars(event)
    )
    return texts.HISTORY_LINE.format(when=_when(event.at), what=what)


def _kind(event: OrderEvent) -> str:
    kind, _, _ = event.kind.partition(":")
    return event.kind if kind == "ticket" else kind


def _particulars(event: OrderEvent) -> dict[str, str]:
    kind, detail = _kind(event), event.detail
    if kind == "booked":
        return {"text": _when(datetime.fromisoformat(detail))}
    if kind == "paused":
        until, _, reason = detail.partition(" ")
        return {"text": texts.date_text(date.fromisoformat(until)), "reason": reason}
    if kind == "answer":
        return {"text": detail.partition(": ")[2]}
    return {"text": detail}


def _actor(order: Order, event: OrderEvent) -> str:
    if event.actor_id == SERVICE_DESK.user_id:
        return texts.DESK_ACTOR_NAME
    if event.actor_name:
        return event.actor_name
    return order.orderer.name if event.actor_id == order.orderer.user_id else texts.HISTORY_SOMEONE


def _when(moment: datetime) -> str:
    at = local(moment)
    return f"{texts.date_text(at.date())} kl. {at:%H.%M}"
