"""`sij plot` through the command line: the files it writes and the ones it refuses to write."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.test_cli_progress import record
from tracker.clock import ManualClock


@pytest.fixture
def history(db_path: Path, clock: ManualClock) -> None:
    record(db_path, clock, *[(f"2026-11-{d:02d}T08:00", 6 - d // 8, 5 - d // 8) for d in range(1, 24)])


@pytest.mark.parametrize(
    ("name", "signature"), [("chart.png", b"\x89PNG\r\n\x1a\n"), ("chart.PDF", b"%PDF-"), ("chart.svg", b"<svg")]
)
def test_plot_writes_the_type_its_extension_names(sij, tmp_path: Path, history, name: str, signature: bytes) -> None:
    target = tmp_path / name
    result = sij("plot", "--output", str(target), "--kind", "stretches" if name != "chart.png" else "all")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    content = target.read_bytes()
    assert signature in content[:400]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_default_file_name_is_dated_in_the_current_folder(
    sij, tmp_path: Path, history, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = sij("plot", "--kind", "adherence")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "sij-progress-2026-11-24.png")  # the full path, to find it again
    assert (tmp_path / "sij-progress-2026-11-24.png").read_bytes().startswith(b"\x89PNG")
    # The second plot of the day takes the next free name; the first is kept.
    first = (tmp_path / "sij-progress-2026-11-24.png").read_bytes()
    again = sij("plot", "--kind", "adherence")
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == str(tmp_path / "sij-progress-2026-11-24-2.png")
    assert (tmp_path / "sij-progress-2026-11-24.png").read_bytes() == first


def test_existing_file_is_kept_without_force(sij, tmp_path: Path, history) -> None:
    target = tmp_path / "chart.png"
    target.write_bytes(b"mine")
    result = sij("plot", "--output", str(target), "--kind", "stretches")
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert target.read_bytes() == b"mine"
    result = sij("plot", "--output", str(target), "--kind", "stretches", "--force")
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", ["chart.gif", "chart.txt", "chart", "chart.png.bak"])
def test_other_extensions_are_refused(sij, tmp_path: Path, history, name: str) -> None:
    result = sij("plot", "--output", str(tmp_path / name))
    assert result.exit_code == 2
    assert "--output" in result.stderr and ".png, .svg or .pdf" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "bars"], "--kind"),
        (["--since", "yesterday-ish"], "--since"),
        (["--output", "missing-folder/chart.png"], "does not exist"),
    ],
)
def test_plot_bad_input(
    sij, tmp_path: Path, history, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = sij("plot", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.glob("*.png")) == []


@pytest.mark.parametrize(
    ("entries", "kind", "message"),
    [
        ([], "all", "Nothing recorded"),
        ([("2026-11-20T08:00", 5, 4)], "all", "at least 2 days"),
        ([("2026-11-20T08:00", 5, 4), ("2026-11-21T08:00", None, None)], "pain", "pain scores on at least 2 days"),
    ],
)
def test_too_little_to_plot_writes_nothing(
    sij, db_path: Path, clock: ManualClock, tmp_path: Path, entries: list, kind: str, message: str
) -> None:
    record(db_path, clock, *entries)
    target = tmp_path / "chart.png"
    result = sij("plot", "--output", str(target), "--kind", kind)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not target.exists()
    assert list(tmp_path.glob(".chart*")) == []


def test_plot_range_outside_the_history_writes_nothing(sij, tmp_path: Path, history) -> None:
    target = tmp_path / "chart.png"
    result = sij("plot", "--output", str(target), "--since", "2025-01-01", "--until", "2025-02-01")
    assert result.exit_code == 1
    assert "between 2025-01-01 and 2025-02-01" in result.stderr
    assert not target.exists()
