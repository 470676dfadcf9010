"""The ``jobflow`` command line (typer). ``main`` is the console script; ``app`` is the root typer app.

One module per command group: :mod:`~jobflow.cli.run`, :mod:`~jobflow.cli.check` (``validate``,
``schema``), :mod:`~jobflow.cli.plugin_list`, :mod:`~jobflow.cli.runs`, :mod:`~jobflow.cli.doctor`; the
progress view is a plugin in :mod:`~jobflow.cli.reporter`. Only ``typer`` and the standard library are
imported up front; everything heavy is imported inside the command that needs it.
"""

from __future__ import annotations

from jobflow.cli.app import app, main

__all__ = ["app", "main"]
