"""Scenario 10: a second scheduler on the same database refuses with a clear message, or (``--standby``)
waits and takes over only when the active one is gone; never a duplicate run.

The 1,000 trials RELIABILITY.md asks for are played by :mod:`contenders`: three processes racing, round
after round, for the lease and the same due occurrences through the real lease, recovery and claim code;
a trial is one contender finding another one ahead of it, so a round is two trials (500 rounds: 25 s per
database here, up to a minute on a loaded machine). ``JOBFLOW_LEASE_TRIALS`` sets the count. Full
daemon-vs-daemon races (``JOBFLOW_DAEMON_TRIALS`` pairs, default 10: 10-30 s), each with a random head
start, and the standby take-over run real ``jobflow daemon`` processes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
import os
import random
import signal
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from contenders import contend
from flows import write_flow
from procs import Daemons

from jobflow.store import Store
from jobflow.store.scheduling import Fire, SchedulerDB

TRIALS = int(os.environ.get("JOBFLOW_DAEMON_TRIALS", "10"))
LEASE_TRIALS = int(os.environ.get("JOBFLOW_LEASE_TRIALS", "1000"))
CONTENDERS = 3
ROUNDS = -(-LEASE_TRIALS // (CONTENDERS - 1))
"""A round is a trial for each contender that finds another one ahead of it: two per round."""
STALL_EVERY = 7


def test_a_second_daemon_refuses_clearly(daemons: Daemons) -> None:
    write_flow(daemons.flows, "tick", [{"every": "1s"}])
    first = daemons.start()
    daemons.wait_for(lambda: daemons.marks())
    second = daemons.start()
    assert daemons.wait(second) == 1
    text = second.text()
    assert "error: another scheduler is active on" in text
    assert "--standby" in text
    daemons.wait_for(lambda: len(daemons.marks()) >= 3)
    assert first.code is None, "the first one is unaffected"
    status = daemons.start("status", "--json")
    assert daemons.wait(status) == 0
    document = json.loads(status.text()[status.text().index("{") :])
    assert document["scheduler"]["active"] is True
    assert document["scheduler"]["owner"].split(":")[1] == str(first.pid), "status names the active one"
    assert [s["id"] for s in document["schedules"]] == ["workflow:tick:0"]
    assert document["schedules"][0]["next_fire_time"] is not None
    assert document["counts"]["succeeded"] >= 2


def test_racing_daemons_never_run_an_occurrence_twice(daemons: Daemons) -> None:
    write_flow(daemons.flows, "tick", [{"every": "1s"}])
    rng = random.Random(10)
    for _ in range(TRIALS):
        first = daemons.start()
        threading.Event().wait(rng.uniform(0.0, 0.3))  # a random head start, down to none
        pair = [first, daemons.start()]
        # Both decide before either is stopped: a winner stopped early would leave the lease to a slow starter.
        daemons.wait_for(
            lambda pair=pair: (
                any("scheduler running" in p.text() for p in pair)
                and any("another scheduler is active" in p.text() for p in pair)
            )
        )
        for proc in pair:
            daemons.signal(proc, signal.SIGTERM)
            daemons.wait(proc)
    codes = Counter(p.code for p in daemons.procs)
    assert codes == Counter({0: TRIALS, 1: TRIALS}), "in every pair one ran and the other refused"
    keys = Counter(tuple(m["event"].split()[1:3]) for m in daemons.marks())
    assert keys, "no run attempt executed twice"
    assert max(keys.values()) == 1, "no run attempt executed twice"
    occ_ids = Counter(o["id"] for o in daemons.occurrences())
    assert max(occ_ids.values()) == 1


def test_a_standby_takes_over_when_the_active_one_dies(daemons: Daemons) -> None:
    write_flow(daemons.flows, "tick", [{"every": "1s"}])
    first = daemons.start()
    daemons.wait_for(lambda: daemons.marks())
    standby = daemons.start("daemon", "--standby", str(daemons.flows))
    daemons.wait_for(lambda: "standing by" in standby.text())
    before = len(daemons.marks())
    daemons.signal(first)
    daemons.wait(first)
    daemons.wait_for(lambda: "scheduler running" in standby.text())
    daemons.wait_for(lambda: len(daemons.marks()) >= before + 2)
    keys = Counter(tuple(m["event"].split()[1:3]) for m in daemons.marks())
    assert max(keys.values()) == 1


@pytest.mark.slow
async def test_racing_processes_never_claim_an_occurrence_twice(db_url: str, tmp_path: Path) -> None:
    store = await Store.open(db_url)
    try:
        past = datetime.now(UTC) - timedelta(hours=1)
        fires = [
            Fire(f"reminder:race:{n:05d}", past, past + timedelta(microseconds=n), 1e9, kind="reminder")
            for n in range(ROUNDS * CONTENDERS)
        ]
        await SchedulerDB(store).occurrences.record(fires)
    finally:
        await store.close()
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(CONTENDERS, timeout=60)
    reports = [tmp_path / f"contender-{n}.json" for n in range(CONTENDERS)]
    procs = [
        spawn.Process(target=contend, args=(db_url, n, ROUNDS, 10, STALL_EVERY, barrier, str(reports[n])))
        for n in range(CONTENDERS)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        await asyncio.to_thread(proc.join, 30 + ROUNDS * 0.4)
        if proc.exitcode is None:
            proc.kill()
    assert [p.exitcode for p in procs] == [0] * CONTENDERS, "every contender played every round"
    found = [json.loads(r.read_text()) for r in reports]

    executed = Counter(o for f in found for o in f["executed"])
    assert sum(executed.values()) >= ROUNDS * 0.5, "most rounds had a holder that ran something"
    assert max(executed.values()) == 1, "0 duplicate runs"
    assert sum(f["unfinished"] for f in found) == 0, "every holder could record what it ran"
    holds = sorted((start, end, f["owner"]) for f in found for start, end in f["holds"])
    overlaps = [(a, b) for a, b in itertools.pairwise(holds) if b[0] < a[1]]
    assert not overlaps, f"exactly one holder at a time: {overlaps[:3]}"
    refused = sum(f["refused"] for f in found)
    assert refused >= LEASE_TRIALS * 0.9, f"the others were refused while one held the lease ({refused} trials)"
    stale = [(f["owner"], s) for f in found for s in f["stale"]]
    lost = [s for _, s in stale if s["lease_lost"]]
    assert lost, "stalled holders found their lease taken over"
    assert not [s for s in lost if s["claimed"]], "a holder whose lease was taken over claims nothing"
    for owner, s in stale:
        others = [h for h in holds if h[2] != owner and s["since"] <= h[0] <= s["at"]]
        assert s["lease_lost"] or not others, f"a stale claim succeeds only if nobody took over: {s} {others}"

    check = SchedulerDB(await Store.open(db_url, migrate=False))
    try:
        occs = {o.id: o for o in await check.occurrences.list()}
        takeovers = await check.events.list(kinds=["lease_taken_over"], limit=ROUNDS)
    finally:
        await check.store.close()
    assert {o for o, occ in occs.items() if occ.state == "succeeded"} == set(executed)
    assert all(occs[o].owner in {f["owner"] for f in found} for o in executed)
    assert not [o for o in occs.values() if o.state in ("claimed", "running")]
    assert len(takeovers) >= len(stale) * 0.5, "stalled leases were taken over once expired"
