"""Scenarios 14 and 15: a step that raises is retried per its policy at 60/120/300 s with the attempt
counter persisted; a non-retryable error fails at once; exhaustion gives exactly 1 + retries attempts,
``failed``, one "gave up" notification, and the next regular occurrence is unaffected."""

from __future__ import annotations

from collections import Counter

from rig import Rig, check_invariant
from sqlalchemy import text

RETRY = {"max_attempts": 4, "backoff": ["60s", "120s", "300s"], "retry_on": ["network"]}


async def notifications(rig: Rig) -> Counter[str]:
    async with rig.store.engine.connect() as connection:
        return Counter((await connection.execute(text("SELECT kind FROM notifications"))).scalars().all())


async def test_retryable_failure_retried_at_policy_delays_and_persisted(rig: Rig) -> None:
    rig.flow(
        "flaky",
        [{"cron": "0 9 * * *"}],
        [{"id": "search", "uses": "rt.mark", "with": {"key": "flaky", "fail": 2}}],
        defaults={"retry": RETRY},
    )
    await rig.sync()
    await rig.advance(3600)
    await rig.tick()
    (occ,) = await rig.occurrences()
    assert occ.state == "succeeded"
    assert rig.engine_clock.sleeps == [60.0, 120.0], "retried after 60 s, then 120 s"
    detail = await rig.store.runs.get(occ.run_id or "")
    assert detail is not None
    assert [(s.attempt, s.status, s.will_retry_in) for s in detail.steps] == [
        (1, "failed", 60.0), (2, "failed", 120.0), (3, "succeeded", None),
    ]  # fmt: skip


async def test_non_retryable_error_fails_at_once(rig: Rig) -> None:
    rig.flow(
        "captcha",
        [{"cron": "0 9 * * *"}],
        [{"uses": "rt.mark", "with": {"key": "captcha", "fail": 5, "error": "captcha"}}],
        defaults={"retry": RETRY},
    )
    await rig.sync()
    await rig.advance(3600)
    await rig.tick()
    (occ,) = await rig.occurrences()
    assert occ.state == "failed"
    assert rig.steps.by_key["captcha"] == 1
    assert rig.engine_clock.sleeps == []


async def test_exhaustion_is_four_attempts_one_notice_and_the_next_occurrence_runs(rig: Rig) -> None:
    rig.flow(
        "doomed",
        [{"cron": "0 9 * * *"}],
        [{"uses": "rt.mark", "with": {"key": "doomed", "fail": 4}}],
        defaults={"retry": RETRY},
    )
    await rig.sync()
    await rig.advance(3600)
    await rig.tick()
    (occ,) = await rig.occurrences()
    assert occ.state == "failed", "exactly 1 + 3 attempts"
    assert rig.steps.by_key["doomed"] == 4, "exactly 1 + 3 attempts"
    await rig.scheduler.notify()
    await rig.scheduler.notify()
    assert (await notifications(rig))["scheduler.gave_up"] == 1
    await rig.advance(24 * 3600)
    await rig.tick()
    assert rig.steps.by_key["doomed"] == 5, "no further attempts of the failed one; the next day's runs"
    states = sorted(o.state for o in await rig.occurrences())
    assert states == ["failed", "succeeded"]
    await check_invariant(rig.store)
