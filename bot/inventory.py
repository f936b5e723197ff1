"""The team's internal inventory list: the devices installed per order, for chat and as a CSV file."""

from __future__ import annotations

from collections.abc import Sequence

from bot import texts
from bot.domain import Devices, Order, OrderState
from bot.local_time import local
from bot.orders import OrderService
from bot.spreadsheet import csv_text

# Cancelled orders never got their devices installed, so they are not on the list.
LISTED_STATES = (OrderState.RECEIVED, OrderState.BOOKED, OrderState.INSTALLED, OrderState.CLOSED)


async def listed_orders(orders: OrderService) -> list[Order]:
    """The orders with device serials recorded, oldest first."""
    return [order for order in await orders.in_states(LISTED_STATES) if order.handling.devices]


def devices_text(devices: Devices) -> str:
    return texts.VALUE_DEVICES.format(
        alarm=devices.alarm_serial or texts.VALUE_NO_SERIAL, lock=devices.lock_serial or texts.VALUE_NO_SERIAL
    )


def as_csv(orders: Sequence[Order]) -> str:
    """The list as CSV for Swedish spreadsheets (bot.spreadsheet)."""
    return csv_text(texts.CSV_HEADER, [_row(order) for order in orders])


def _row(order: Order) -> list[str]:
    brukare = order.details.brukare
    devices = order.handling.devices or Devices()
    booking = order.handling.booking
    return [
        order.reference,
        brukare.name,
        f"{brukare.address.street}, {brukare.address.postnummer} {brukare.address.ort}",
        devices.alarm_serial,
        devices.lock_serial,
        texts.STATE_NAMES[order.state],
        f"{local(booking.at):%Y-%m-%d %H:%M}" if booking else "",
    ]
