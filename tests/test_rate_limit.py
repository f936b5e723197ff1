"""Rate limiting per user: a clear Swedish answer once, then silence; nothing changes; bounded memory."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from bot.rate_limit import RateLimiter, Verdict
from tests.support.app_server import app_settings
from tests.support.chatting import chatting
from tests.support.http_helpers import answers_through, order_service


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_let_through_then_one_refusal_is_told_and_the_rest_are_quiet() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)
    verdicts = [limiter.check("staff-1") for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.REFUSE_AND_SAY_SO] + [Verdict.REFUSE_QUIETLY] * 2
    assert limiter.check("staff-2") is Verdict.ALLOW  # per user
    clock.now += 1.0  # a minute's worth is 60: one more a second
    assert [limiter.check("staff-1") for _ in range(3)] == [
        Verdict.ALLOW,
        Verdict.REFUSE_AND_SAY_SO,
        Verdict.REFUSE_QUIETLY,
    ]


def test_no_limit_when_the_rate_is_zero() -> None:
    limiter = RateLimiter(per_minute=0, burst=1, clock=Clock())
    assert {limiter.check("staff-1") for _ in range(1000)} == {Verdict.ALLOW}
    assert len(limiter) == 0


def test_memory_is_bounded_however_many_users_write() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock, max_users=100)
    for user in range(10_000):
        limiter.check(f"user-{user}")
    assert len(limiter) == 100
    assert limiter.check("user-9999") is Verdict.ALLOW  # its burst of two: one used in the loop
    assert limiter.check("user-9999") is Verdict.REFUSE_AND_SAY_SO  # the recent ones are remembered


async def test_over_http_a_flooding_user_is_told_once_and_their_order_is_unchanged(
    database_url: str, tmp_path: Path
) -> None:
    settings = app_settings(database_url, tmp_path, rate_limit_per_minute=1, rate_limit_burst=5)
    async with chatting(settings) as app:
        flooding = app.chat("staff-1")
        answered = await flooding.say_all(*answers_through("unit"))  # five messages: the burst
        assert texts.ASK_ORDERER_NAME in answered[-1]
        statuses = []
        for text in ("Karin Andersson", "070-174 06 10", "ja", "avbryt"):
            statuses.append((await flooding.post(flooding.activity(text))).status)
        assert statuses == [201, 201, 201, 201]
        assert flooding.texts()[-1] == texts.RATE_LIMITED
        assert flooding.texts().count(texts.RATE_LIMITED) == 1
        other = app.chat("staff-2")
        assert texts.ASK_TRESERVA in (await other.say("beställ"))[-1]
    async with order_service(settings) as orders:
        draft = await orders.load_draft("staff-1")
    assert draft is not None
    assert (draft.unit, draft.orderer_name) == ("Hemtjänst Ryd", None)
