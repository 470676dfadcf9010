"""``python -m jobflow.testing.sites.generate``: rewrite the local sites' data and expected tables."""

from __future__ import annotations

import logging

from jobflow.testing.sites.generate import write_all

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in write_all():
        logging.getLogger("jobflow.testing.sites").info("wrote %s", path)
