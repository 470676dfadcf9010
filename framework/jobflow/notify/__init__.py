"""Notifications: channels as plugins (console, e-mail, webhook), an outbox table, retries with backoff.

Everything that tells the user something (a reminder, ``notify.send``, a run that gave up) goes through
:func:`jobflow.notify.outbox.enqueue`: the notification is a row before any channel sees it, is delivered by
:class:`jobflow.notify.outbox.OutboxWorker` to every enabled channel (or one named channel), and is retried
with backoff when a channel fails. A failing or raising channel never breaks a run or the scheduler, and
secret values never reach a message, a log line or the database.

Channels are configured in ``JOBFLOW_HOME/notify.yaml`` (see :mod:`jobflow.notify.config`). This package
imports nothing heavy; the outbox (which needs the store) is imported from ``jobflow.notify.outbox``.
"""

from __future__ import annotations

from jobflow.notify.types import Message, Notifier, NotifierOptions, NotifierType

__all__ = ["Message", "Notifier", "NotifierOptions", "NotifierType"]
