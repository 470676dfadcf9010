"""jobflow's own notification channels, registered as a default plugin like any third-party one."""

from __future__ import annotations

from typing import Any

from jobflow.hookspecs import hookimpl
from jobflow.notify.console import CONSOLE
from jobflow.notify.email import EMAIL
from jobflow.notify.webhook import WEBHOOK

__all__ = ["register_notifiers"]


@hookimpl
def register_notifiers(register: Any) -> None:
    for kind in (CONSOLE, EMAIL, WEBHOOK):
        register(kind)
