"""jobflow's own detection page and the check that runs the pool against it (``jobflow doctor --stealth``)."""

from __future__ import annotations

from jobflow.browser.detect.runner import GPU_DEPENDENT, CheckResult, detection_server, run_stealth_check

__all__ = ["GPU_DEPENDENT", "CheckResult", "detection_server", "run_stealth_check"]
