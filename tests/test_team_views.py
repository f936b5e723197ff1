"""What the team reads: an order's every detail, and an inventory list kept short enough for a chat."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import texts
from bot.domain import Booking, ChecklistItem, Devices, Handling, Order, OrderState, TeamMember
from dialogs.team import views
from tests.test_orders import PNR, complete_draft

FILED = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def order(serial: int, handling: Handling) -> Order:
    draft = complete_draft()
    return Order(
        reference=f"VT-2026-{serial:04d}",
        state=OrderState.INSTALLED,
        orderer=draft.orderer(),
        details=draft.details(),
        filed_at=FILED,
        updated_at=FILED,
        handling=handling,
    )


def test_the_details_show_the_portkod_and_how_far_the_team_has_come() -> None:
    handling = Handling(
        assignee=TeamMember(user_id="team-anna", name="Anna Lind"),
        booking=Booking(at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC), contacted="dottern"),
        checklist=frozenset({ChecklistItem.INFORMATION, ChecklistItem.INSTALLED}),
        devices=Devices(alarm_serial="A-100"),
    )
    facts = dict(views.details(order(1, handling)))
    assert facts[texts.LABEL_PORTKOD] == "4321"
    assert facts[texts.LABEL_PERSONNUMMER] == f"{PNR[:8]}-{PNR[8:]}"
    assert facts[texts.LABEL_ASSIGNEE] == "Anna Lind"
    assert facts[texts.LABEL_BOOKING] == "torsdag 3 december 2026 kl. 10.00, kontaktad: dottern"
    assert facts[texts.LABEL_CHECKLIST_DONE] == "installerat, information"
    assert facts[texts.LABEL_CHECKLIST_LEFT] == "registrerat, inventarie"
    assert facts[texts.LABEL_DEVICES] == "larm A-100, lås saknas"


def test_a_long_inventory_shows_the_newest_in_chat_and_counts_the_rest() -> None:
    orders = [order(serial, Handling(devices=Devices(alarm_serial=f"A-{serial}"))) for serial in range(1, 36)]
    lines = views.inventory(orders).splitlines()
    assert lines[0] == texts.INVENTORY_TITLE
    assert "VT-2026-0006" in lines[1] and "VT-2026-0035" in lines[-2]
    assert lines[-1] == texts.INVENTORY_OLDER.format(count=5)
