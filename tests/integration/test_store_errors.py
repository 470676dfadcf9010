"""A database that cannot be opened is one clear line naming it, password masked."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from jobflow.errors import ConfigError, StoreError
from jobflow.store import Store
from jobflow.testing.disks import fill, small_filesystem


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("scheme", ["postgresql+asyncpg", "postgresql+psycopg", "postgresql"])
async def test_an_unreachable_server_is_a_store_error_with_the_password_masked(scheme: str) -> None:
    port = closed_port()
    with pytest.raises(StoreError) as caught:
        await Store.open(f"{scheme}://postgres:hunter2%40x@127.0.0.1:{port}/test")
    message = str(caught.value)
    driver = "postgresql+asyncpg" if scheme == "postgresql" else scheme
    assert message == f"cannot open database {driver}://postgres:***@127.0.0.1:{port}/test: connection refused"
    assert "hunter2" not in message
    assert "\n" not in message


async def test_a_sqlite_file_whose_directory_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(StoreError, match=r"cannot open database sqlite\+aiosqlite:///.*: cannot create directory"):
        await Store.open(f"sqlite:///{blocker / 'sub' / 'jobflow.db'}")


async def test_a_sqlite_path_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unable to open database file"):
        await Store.open(f"sqlite:///{tmp_path}")


async def test_a_missing_driver_is_named() -> None:
    with pytest.raises(StoreError, match=r"mysql\+aiomysql://u:\*\*\*@127.0.0.1/x: the database driver"):
        await Store.open("mysql+aiomysql://u:secret@127.0.0.1/x")


async def test_a_malformed_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="invalid database URL"):
        await Store.open("definitely not a url")


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "existing file"])
async def test_a_sqlite_file_on_a_full_disk_says_the_disk_is_full(existing: bool) -> None:
    with small_filesystem(2) as mount:
        path = mount / "home" / "jobflow.db"
        if existing:
            await (await Store.open(f"sqlite+aiosqlite:///{path}")).close()
        fill(mount / "ballast")
        with pytest.raises(StoreError) as caught:
            await Store.open(f"sqlite+aiosqlite:///{path}")
    message = str(caught.value)
    assert message.startswith(f"cannot open database sqlite+aiosqlite:///{path}: "), message
    assert re.search(rf"\(the disk holding {re.escape(str(path.parent))} is full: [\d,]+ bytes free\)$", message)
    assert "\n" not in message
