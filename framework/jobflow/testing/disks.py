"""A real small filesystem for tests of a full disk: a tmpfs of a few megabytes, mounted under the system's
temporary directory (so any local user, e.g. a database server's, can reach it), and :func:`fill` to use up
its space. Mounting needs root: :func:`small_filesystem` skips the test, saying why, where it cannot mount.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["fill", "small_filesystem"]


@contextlib.contextmanager
def small_filesystem(size_mb: int, *, owner: tuple[int, int] | None = None) -> Iterator[Path]:
    """A ``size_mb`` tmpfs, owned by ``owner`` (uid, gid) when given; unmounted and removed at the end."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem for a full disk needs root")
    mount = Path(tempfile.mkdtemp(prefix="jobflow-small-fs-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        if owner is not None:
            os.chown(mount, *owner)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False, capture_output=True)
        with contextlib.suppress(OSError):
            mount.rmdir()


def fill(ballast: Path) -> None:
    """Write ``ballast`` until its filesystem has no free block left."""
    with ballast.open("ab", buffering=0) as out:
        for size in (1 << 20, 1 << 16, 1 << 12):
            block = os.urandom(size)
            while True:
                try:
                    out.write(block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    assert shutil.disk_usage(ballast.parent).free < 8192, "the filesystem is full"
