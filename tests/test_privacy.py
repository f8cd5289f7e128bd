"""Privacy: no network, owner-only files, and error messages that give away nothing but the path given."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import execute, sij_executable

# Loaded by every Python process whose PYTHONPATH holds its folder: any attempt to reach the network
# raises, and is written down so that a swallowed failure is still seen.
NO_NETWORK = """
import os, socket

_LOG = os.environ["SIJ_TEST_NETWORK_LOG"]


def _refuse(*args, **kwargs):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(repr(args[:2]) + "\\n")
    raise OSError("network blocked by the sij test")


socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.socket.sendto = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
with open(_LOG + ".loaded", "w", encoding="utf-8") as marker:
    marker.write("yes")
"""


@pytest.fixture
def offline(tmp_path: Path, db_path: Path) -> dict[str, str]:
    folder = tmp_path / "no-network"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    log = tmp_path / "network.log"
    return dict(
        os.environ,
        PYTHONPATH=str(folder),
        SIJ_TEST_NETWORK_LOG=str(log),
        SIJ_DB=str(db_path),
    )


def test_the_network_block_really_blocks(offline: dict[str, str]) -> None:
    probe = "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9))\nexcept OSError as e:\n    print(e)"
    done = subprocess.run([sys.executable, "-c", probe], env=offline, capture_output=True, text=True, timeout=60)
    assert "network blocked" in done.stdout
    assert Path(offline["SIJ_TEST_NETWORK_LOG"]).read_text(encoding="utf-8")


MAIN_COMMANDS = [
    ["log", "--pain-before", "5", "--pain-after", "3", "--heat", "--note", "offline"],
    ["pain", "4", "--note", "offline"],
    ["history"],
    ["history", "--json"],
    [
        "run",
        "--yes",
        "--no-red-flags",
        "--speed",
        "1000",
        "--get-ready",
        "0",
        "--pain-before",
        "3",
        "--pain-after",
        "2",
    ],
    ["screen", "--answers", "nnnnnnnnnnnnn"],
    ["stretches"],
    ["stretches", "show", "figure-4"],
    [],
    ["db", "path"],
    ["db", "check"],
    ["db", "upgrade"],
]


@pytest.mark.sqlite_only  # a PostgreSQL diary is reached over the network by design
def test_main_commands_work_without_any_network(offline: dict[str, str], tmp_path: Path) -> None:
    commands = [*MAIN_COMMANDS, ["db", "backup", str(tmp_path / "copy.db")]]
    for args in commands:
        done = subprocess.run(
            [sij_executable(), *args],
            env=offline,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, (args, done.stderr)
    log = Path(offline["SIJ_TEST_NETWORK_LOG"])
    assert Path(str(log) + ".loaded").exists(), "the network block was not loaded"
    assert not log.exists(), f"sij tried to connect: {log.read_text(encoding='utf-8')}"


@pytest.mark.sqlite_only  # file modes
def test_files_sij_writes_are_owner_only(offline: dict[str, str], db_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    for args in (["pain", "3"], ["db", "backup", str(copy)]):
        done = subprocess.run([sij_executable(), *args], env=offline, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    for path in (db_path, copy):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


@pytest.mark.sqlite_only  # file modes
def test_backup_is_owner_only_even_with_a_permissive_umask(db_path: Path, tmp_path: Path) -> None:
    env = dict(os.environ, SIJ_DB=str(db_path))
    assert subprocess.run([sij_executable(), "pain", "3"], env=env, timeout=60, capture_output=True).returncode == 0
    copy = tmp_path / "copy.db"
    done = subprocess.run(
        ["sh", "-c", 'umask 000 && exec "$0" "$@"', sij_executable(), "db", "backup", str(copy)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


SECRET = "my-private-diagnosis-42"


def test_error_messages_reveal_nothing_from_the_records(db_path: Path, tmp_path: Path) -> None:
    env = dict(os.environ, SIJ_DB=str(db_path))
    assert subprocess.run([sij_executable(), "pain", "3", "--note", SECRET], env=env, timeout=60).returncode == 0
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"x")
    failures = [
        ["db", "backup", str(existing)],
        ["stretches", "show", "pigeon"],
        ["log", "--routine", "nope"],
    ]
    outputs = [
        subprocess.run([sij_executable(), *a], env=env, capture_output=True, text=True, timeout=60) for a in failures
    ]
    execute(db_path, "UPDATE alembic_version SET version_num = '9999'")
    outputs.append(subprocess.run([sij_executable(), "history"], env=env, capture_output=True, text=True, timeout=60))
    for done in outputs:
        assert done.returncode in (1, 2), done.stderr
        assert SECRET not in done.stderr + done.stdout
