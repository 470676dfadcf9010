"""Testing helpers for jobflow and for plugin authors, shipped as a pytest plugin (entry point ``pytest11``).

Fixtures (available in any project that has jobflow installed):

- ``jobflow_home``: an isolated ``JOBFLOW_HOME`` (SQLite store, sessions, artifacts) in a temporary folder.
- ``make_plugins``: build a plugin manager with throwaway plugins registered, unregistered after the test.
- ``write_workflow``: write a workflow YAML text to a file in the test's temporary folder.
- ``local_sites``: the local LinkedIn, Indeed and Glassdoor (:mod:`jobflow.testing.sites`), reset around
  the test so it may switch hostile behaviour; ``local_sites_session`` is the shared, read-only instance.
- ``require_browser``: skip the test when no browser is found.

Helpers: :mod:`jobflow.testing.workflows` (run a workflow file as ``jobflow run`` does),
:mod:`jobflow.testing.sitetests` (run a site plugin's steps against a local site, compare postings).
"""
