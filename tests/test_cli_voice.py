"""Spoken cues: `sij voice test`, `sij settings voice`, `sij run --voice`, and speech never holding up the timer."""

from __future__ import annotations

import array
import json
import math
import os
import shutil
import stat
import time
import wave
from pathlib import Path

import pytest

from tests.conftest import flat, query, snapshot
from tracker.cli.voice import Engine, Voice, find_engine, spoken_text

FAKE_ENGINE = """#!/bin/sh
# Stands in for espeak-ng: writes each cue it is given on standard input as one line of a file.
text=$(cat)
printf '%s\\n' "$text" >> "$SIJ_TEST_SPOKEN"
"""


@pytest.fixture
def spoken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake espeak-ng first on PATH; returns the file where it writes what it was asked to say."""
    folder = tmp_path / "bin"
    folder.mkdir()
    engine = folder / "espeak-ng"
    engine.write_text(FAKE_ENGINE)
    engine.chmod(0o755)
    log = tmp_path / "spoken.txt"
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("SIJ_TEST_SPOKEN", str(log))
    return log


@pytest.fixture
def no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def _rms(path: Path) -> float:
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2
        samples = array.array("h", wav.readframes(wav.getnframes()))
    assert len(samples) > 0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


# ---- sij voice test --------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (.ci/run installs it)")
def test_voice_test_writes_a_wav_that_holds_sound(sij, tmp_path: Path) -> None:
    target = tmp_path / "sample.wav"
    result = sij("voice", "test", "--to", str(target))
    assert result.exit_code == 0, result.output
    assert "espeak-ng" in result.stderr and str(target) in flat(result.stderr)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with wave.open(str(target)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds > 2  # the whole sample sentence, not a click
    assert _rms(target) > 500  # speech, not silence (silence is 0; espeak-ng speech is in the thousands)


def test_silence_check_tells_silence_from_sound(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.wav"
    with wave.open(str(quiet), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(array.array("h", [0, 1, -1] * 22050).tobytes())
    assert _rms(quiet) < 500


def test_voice_test_without_an_engine_says_how_to_install_one(sij, no_engine, tmp_path: Path) -> None:
    for args in ([], ["--to", str(tmp_path / "x.wav")]):
        result = sij("voice", "test", *args)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: No speech engine found") and "install espeak-ng" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "x.wav").exists()


def test_voice_test_speaks_through_the_engine(sij, spoken: Path) -> None:
    result = sij("voice", "test")
    assert result.exit_code == 0, result.output
    from tracker.cli.speech import SAMPLE

    assert _lines(spoken) == [SAMPLE]


@pytest.mark.parametrize(
    ("name", "needle"),
    [("sample.mp3", "does not end in .wav"), ("missing/sample.wav", "does not exist"), ("", "not a usable file name")],
)
def test_voice_test_bad_file_names(sij, tmp_path: Path, name: str, needle: str) -> None:
    result = sij("voice", "test", "--to", str(tmp_path / name) if name else "")
    assert result.exit_code == 2 and needle in result.stderr and "--to" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_voice_test_never_replaces_a_file_without_force(sij, spoken: Path, tmp_path: Path) -> None:
    target = tmp_path / "mine.wav"
    target.write_bytes(b"keep me")
    result = sij("voice", "test", "--to", str(target))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert target.read_bytes() == b"keep me"


# ---- sij settings voice --------------------------------------------------------------------------------------


def test_settings_voice_on_off(sij) -> None:
    assert sij("settings", "voice").stdout.strip() == "off"
    assert "Voice on" in sij("settings", "voice", "on").stdout
    assert sij("settings", "voice").stdout.strip() == "on"
    assert json.loads(sij("settings", "--json").stdout)["voice"] == "on"
    assert "voice" in sij("settings").stdout
    assert "Voice off" in sij("settings", "voice", "off").stdout
    assert json.loads(sij("settings", "--json").stdout)["voice"] == "off"


def test_settings_voice_bad_value(sij, db_path: Path) -> None:
    sij("history")
    before = snapshot(db_path)
    result = sij("settings", "voice", "loud")
    assert result.exit_code == 2 and "'loud'" in result.stderr and "on or off" in result.stderr
    assert snapshot(db_path) == before


# ---- sij run --voice -------------------------------------------------------------------------------------------

RUN = ("run", "--yes", "--no-red-flags", "--speed", "1000", "--pain-before", "3", "--pain-after", "2")


def test_run_with_voice_speaks_every_cue_in_order(sij, spoken: Path) -> None:
    result = sij(*RUN, "--voice")
    assert result.exit_code == 0, result.output
    said = [line for line in _lines(spoken) if not line.endswith(" seconds.") or line.startswith("Hold")]
    assert said[:7] == [
        "Knee to chest, left side. Get into position.",
        "Hold, 30 seconds.",
        "Switch sides: now the right side.",
        "Hold, 30 seconds.",
        "Relax.",
        "Figure 4, left side. Get into position.",
        "Hold, 30 seconds.",
    ]
    assert said[-2:] == ["Relax.", "Well done."]
    # Everything spoken is also shown.
    text = flat(result.stderr)
    for cue in ("Knee to chest, left side. Get into position.", "Switch sides: now the RIGHT side.", "Relax."):
        assert cue in text
    assert "Knee to chest, left side: hold 30 s" in text


@pytest.mark.parametrize(("seconds", "marks"), [(30, [10, 5]), (13, [10, 5]), (12, [5]), (8, [5]), (7, [])])
def test_seconds_left_are_spoken_when_the_hold_is_long_enough(seconds: int, marks: list[int]) -> None:
    from tracker.cli.run import Options, _Countdown

    assert _Countdown(Options(), seconds, "Hold").marks == marks
    assert _Countdown(Options(), seconds, "Get ready").marks == []


def test_short_holds_have_no_countdown_cues(sij, spoken: Path) -> None:
    assert sij(*RUN, "--voice", "--hold", "5").exit_code == 0
    assert [line for line in _lines(spoken) if line.endswith(" seconds.")] == ["Hold, 5 seconds."] * 6


def test_the_voice_setting_is_the_default_and_no_voice_overrides_it(sij, spoken: Path) -> None:
    assert sij(*RUN).exit_code == 0
    assert _lines(spoken) == []
    sij("settings", "voice", "on")
    assert sij(*RUN).exit_code == 0
    count = len(_lines(spoken))
    assert count > 10
    assert sij(*RUN, "--no-voice").exit_code == 0
    assert len(_lines(spoken)) == count


def test_run_with_voice_but_no_engine_says_so_once_and_goes_on(sij, no_engine) -> None:
    result = sij(*RUN, "--voice")
    assert result.exit_code == 0, result.output
    assert flat(result.stderr).count("No speech engine found") == 1
    assert "The routine goes on with the bell." in flat(result.stderr)
    assert "Well done: 6 of 6 holds" in flat(result.stderr)


def test_sharp_stop_says_please_stop_and_read_the_screen(sij, spoken: Path) -> None:
    result = sij(*RUN, "--voice", "--sharp")
    assert result.exit_code == 0, result.output
    assert _lines(spoken)[-1] == "Please stop and read the screen."


def test_a_stretch_name_is_spoken_as_text_never_as_an_option(sij, spoken: Path) -> None:
    steps = ["--step", "Lie down."]
    assert sij("stretches", "add", "odd", "--name", "-w /tmp/x\tname", *steps, "--both-sides").exit_code == 0
    assert sij("routines", "create", "odd-one", "--stretch", "odd").exit_code == 0
    assert sij(*RUN, "--voice", "--routine", "odd-one").exit_code == 0
    assert _lines(spoken)[0] == "-w /tmp/x name, both sides. Get into position."


# ---- the engine, and speech never holding up the timer ---------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "found", "name"),
    [
        ("linux", {"espeak-ng", "spd-say"}, "espeak-ng"),
        ("linux", {"espeak"}, "espeak"),
        ("linux", {"spd-say"}, "spd-say"),
        ("linux", set(), None),
        ("darwin", {"say"}, "say"),
        ("win32", {"powershell"}, "Windows speech"),
        ("win32", set(), None),
    ],
)
def test_engine_is_found_at_run_time(platform: str, found: set[str], name: str | None) -> None:
    engine = find_engine(which=lambda cmd: f"/bin/{cmd}" if cmd in found else None, platform=platform)
    assert (engine.name if engine else None) == name
    if engine is not None and engine.to_file is not None and not engine.text_in_env:
        assert "/out.wav" in engine.command(Path("/out.wav"))


def test_spd_say_cannot_write_a_file() -> None:
    engine = find_engine(which=lambda cmd: "/bin/spd-say" if cmd == "spd-say" else None, platform="linux")
    assert engine is not None and engine.to_file is None


def test_spoken_text_is_one_printable_line() -> None:
    assert spoken_text("Knee\x1b[31m to\nchest\t") == "Knee [31m to chest"


def test_say_returns_while_the_engine_is_still_speaking(tmp_path: Path) -> None:
    # The engine starts, then waits (up to 20 s) for a go-ahead file. If say() waited for speech, it could only
    # return after the engine had finished, and "finished" would already exist.
    started, go, finished = tmp_path / "started", tmp_path / "go", tmp_path / "finished"
    script = tmp_path / "slow-engine"
    script.write_text(
        f"#!/bin/sh\ncat >/dev/null\ntouch {started}\n"
        f"i=0; while [ ! -e {go} ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done\ntouch {finished}\n"
    )
    script.chmod(0o755)
    voice = Voice(Engine("slow", (str(script),)))
    voice.say("Hold, 30 seconds.")
    voice.say("10 seconds.", droppable=True)
    for _ in range(400):  # the engine picks the cue up in the background
        if started.exists():
            break
        time.sleep(0.05)
    assert started.exists() and not finished.exists()
    go.touch()
    voice.close(wait=20)
    assert finished.exists()


def test_close_after_ctrl_c_stops_speech_at_once(tmp_path: Path) -> None:
    script = tmp_path / "endless-engine"
    script.write_text("#!/bin/sh\ncat >/dev/null\nexec sleep 60\n")
    script.chmod(0o755)
    voice = Voice(Engine("endless", (str(script),)))
    voice.say("Hold, 30 seconds.")
    voice.say("Relax.")
    for _ in range(400):
        if voice._current is not None:
            break
        time.sleep(0.05)
    voice.close(wait=0)
    assert voice._current is not None and voice._current.wait(timeout=10) != 0  # killed, not finished
    assert not voice._thread.is_alive()


def test_an_engine_that_fails_is_reported_once(tmp_path: Path, sij, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "espeak-ng").write_text("#!/bin/sh\ncat >/dev/null\nexit 3\n")
    (folder / "espeak-ng").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    result = sij(*RUN, "--voice", "--speed", "10", "--hold", "5", "--get-ready", "0")
    assert result.exit_code == 0, result.output
    assert flat(result.stderr).count("Speech stopped: espeak-ng stopped with exit status 3") == 1


def test_voice_setting_is_kept_in_the_backup(sij, db_path: Path) -> None:
    sij("settings", "voice", "on")
    assert query(db_path, "SELECT value FROM setting WHERE key = 'voice'") == [("on",)]
