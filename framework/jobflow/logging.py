"""Logging for the whole process: structlog for jobflow, the standard library routed through the same renderer.

``configure_logging`` is called once by each command that does work (never at import time). Log lines go to
stderr, so a command's result on stdout stays clean for pipes::

    JOBFLOW_LOG_FORMAT=console   human-readable lines; colours only when the stream is a terminal
    JOBFLOW_LOG_FORMAT=json      one JSON object a line, for log shippers
    JOBFLOW_LOG_LEVEL=debug      the lowest level shown (debug, info, warning, error)

Every line carries an ISO 8601 UTC timestamp, its level and logger name, and passes through
:func:`jobflow.redact.redact_processor`, so the secret values of the running run never reach a log, whether
the line came from structlog or from a library logging with the standard ``logging`` module.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

import structlog

from jobflow.redact import redact_processor

if TYPE_CHECKING:
    from jobflow.config import Settings

__all__ = ["NOISY_LOGGERS", "configure_logging"]

NOISY_LOGGERS: tuple[str, ...] = ("sqlalchemy", "aiosqlite", "alembic", "asyncio", "apscheduler", "asyncpg")
"""Libraries whose INFO lines (every SQL statement, every migration step) only show at level ``debug``."""

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class _StreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler writing to ``sys.stderr`` as it is *at write time* (or to a fixed stream).

    Resolving stderr late lets a live progress view (which redirects ``sys.stderr`` while it draws) print
    log lines above itself instead of being torn by them.
    """

    jobflow_handler = True

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(stream or sys.stderr)
        self._fixed = stream

    @property
    def stream(self) -> TextIO:
        return self._fixed or sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:  # logging.StreamHandler.__init__ assigns it
        pass


def _renderer(fmt: str, stream: TextIO) -> Any:
    if fmt == "json":
        return structlog.processors.JSONRenderer(sort_keys=False, default=str)
    colors = stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    return structlog.dev.ConsoleRenderer(colors=colors, sort_keys=False, pad_event_to=30)


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Route structlog and the standard ``logging`` module to one renderer on ``stream``.

    :param settings: reads ``jobflow_log_format`` (``console`` or ``json``) and ``jobflow_log_level``.
    :param stream: where lines go; ``None`` (the default) means ``sys.stderr`` as it is when each line
        is written. Calling again replaces the previous configuration (tests call it repeatedly).
    """
    level = _LEVELS[settings.jobflow_log_level]
    fmt = settings.jobflow_log_format
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.StackInfoRenderer(),
    ]
    # Tracebacks are rendered to data *before* redaction (and without local variables, which could hold
    # secrets), so an exception message carrying a secret is masked like any other field.
    tracebacks = (
        structlog.processors.ExceptionRenderer(structlog.tracebacks.ExceptionDictTransformer(show_locals=False))
        if fmt == "json"
        else structlog.processors.format_exc_info
    )
    final: list[Any] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        tracebacks,
        redact_processor,
        _renderer(fmt, stream or sys.stderr),
    ]

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        context_class=dict,
        cache_logger_on_first_use=False,
    )

    handler = _StreamHandler(stream)
    # Library lines enter through ``foreign_pre_chain`` and share ``final`` (redaction included).
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=final))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "jobflow_handler", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if level <= logging.DEBUG else logging.WARNING)
    logging.captureWarnings(True)
