"""The installed `sij`, run as a person would: another directory, separate processes, many at once."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from tests.conftest import count_rows, never_created, sij_executable


def _env(db_path: Path) -> dict[str, str]:
    return dict(os.environ, SIJ_DB=str(db_path))


def test_installed_sij_logs_and_reads_back_from_another_directory(tmp_path: Path, db_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = dict(cwd=elsewhere, env=_env(db_path), capture_output=True, text=True, timeout=60)
    logged = subprocess.run([sij_executable(), "log", "--pain-before", "6", "--pain-after", "4"], **run)
    assert logged.returncode == 0, logged.stderr
    shown = subprocess.run([sij_executable(), "history", "--json"], **run)
    assert shown.returncode == 0, shown.stderr
    session = json.loads(shown.stdout)[0]
    assert (session["pain_before"], session["pain_after"]) == (6, 4)
    assert {(s["slug"], s["side"]) for s in session["stretches"]} == {
        (slug, side) for slug in ("knee-to-chest", "figure-4", "supine-twist") for side in ("left", "right")
    }


def test_database_and_folder_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "new" / "deeper" / "sij.db"
    done = subprocess.run([sij_executable(), "pain", "2"], env=_env(db), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_default_location_is_the_user_data_folder(isolated_home: Path) -> None:
    done = subprocess.run(
        [sij_executable(), "pain", "1"], capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    assert (isolated_home / ".local" / "share" / "sij" / "sij.db").exists()


def test_db_option_beats_environment(tmp_path: Path, db_path: Path) -> None:
    other = tmp_path / "other.db"
    done = subprocess.run(
        [sij_executable(), "--db", str(other), "pain", "1"],
        env=_env(db_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert count_rows(other, "pain_score") == 1
    assert never_created(db_path)


def test_twenty_processes_at_once_all_succeed(db_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sij_executable(), "log", "--pain-before", str(i % 11), "--note", f"run {i}"],
            env=_env(db_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(20)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in results] == [0] * 20, results
    assert not any("locked" in text for _, text in results)
    assert count_rows(db_path, "practice") == 20
    assert count_rows(db_path, "stretch") == 3


def test_version_and_help_exit_cleanly() -> None:
    version = subprocess.run([sij_executable(), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("sij ")
    helped = subprocess.run([sij_executable(), "log", "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "--pain-before" in helped.stdout
