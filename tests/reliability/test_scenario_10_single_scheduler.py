"""Scenario 10: a second scheduler on the same database refuses with a clear message, or (``--standby``)
waits and takes over only when the active one is gone; never a duplicate run."""

from __future__ import annotations

import json
import signal
from collections import Counter

from flows import write_flow
from procs import Daemons

TRIALS = 10


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
    for _ in range(TRIALS):
        pair = [daemons.start(), daemons.start()]
        daemons.wait_for(lambda pair=pair: any("scheduler running" in p.text() for p in pair))
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
