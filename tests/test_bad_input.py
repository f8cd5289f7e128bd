"""Bad input, everywhere: every command and option refuses malformed values the same way.

Exit status 2, one message naming the option (or argument), no traceback, nothing written.
To cover a new command, add its rows to BAD_INPUT: (the arguments, the option the message must name).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import NOW

LONG = "x" * 2001  # one over the 2,000-character limit on notes
HUGE = "y" * 5000
CONTROL = "bad\x1b[31mred\x07"  # an escape sequence and a bell
DATES = ["2026-02-30", "2026-13-01", "24/11/2026", "soon", "", "2026-11-24T25:00", "2027-01-01"]
DAYS = ["2026-02-30", "2026-13-01", "24/11/2026", "soon", ""]
PAINS = ["11", "-1", "abc", "", "3.5", "1e1", "٣"]  # ٣ is an Arabic-Indic three: not accepted as a digit
COUNTS = ["0", "-1", "abc", "", "1.5"]
TARGETS = ["0", "8", "abc", "", "-1", "1.5", "٣", "99999999999999999999"]
IDS = ["999", "abc", "0", "1.5", "", "99999999999999999999", CONTROL, "٣"]
# "-1" as an option's value reaches the check; as SESSION_ID, Click takes it for an option ("No such option: -1").
OPTION_IDS = [*IDS, "-1"]
BIDI = "look \u202eevil.exe\u202c"  # a bidirectional override reorders what a terminal shows
C1 = "csi \x9b31m"  # a C1 control: some terminals act on it as on ESC [
NOTES = [LONG, CONTROL, "nul\x00", BIDI, C1]
TEXTS = ["", "  ", CONTROL, "t" * 1001]  # empty, blank, control characters, longer than any text field allows
HOLDS = ["4", "601", "abc", "", "-5", "1.5", "99999999999999999999"]
BAD_SLUGS = ["Bad Slug", "", CONTROL, HUGE, "x-", "é"]  # "-x" would be taken for an option
STRETCH_SLUGS = ["pigeon", "", CONTROL, HUGE]
ROUTINE_SLUGS = ["nope", "", CONTROL, HUGE]
DAY_STARTS = ["24:00", "12:60", "abc", "", "3", "-1:00", "03:00:00", "٠٣:٠٠", CONTROL, "3 pm"]
OUTPUTS = ["no-such-folder/out.png", "a-folder", "", "noext", HUGE + ".png", "nul\x00.png"]
ADD = ("stretches", "add")
ADD_REST = ("--name", "New", "--step", "Lie down.", "--hold", "30")

RUN = ("run", "--yes", "--no-red-flags", "--speed", "1000", "--get-ready", "0")

BAD_INPUT: list[tuple[tuple[str, ...], str]] = [
    # sij log
    *[(("log", "--pain-before", v), "--pain-before") for v in PAINS],
    *[(("log", "--pain-after", v), "--pain-after") for v in PAINS],
    *[(("log", "--at", v), "--at") for v in DATES],
    *[(("log", "--stretch", v), "--stretch") for v in ("pigeon", "", CONTROL, HUGE)],
    (("log", "--stretch", "figure-4", "--stretch", "pigeon"), "--stretch"),
    *[(("log", "--routine", v), "--routine") for v in ("nope", "", CONTROL, HUGE)],
    *[(("log", "--note", v), "--note") for v in (LONG, CONTROL, "tab\tok but nul\x00 not", BIDI, C1, "del\x7f")],
    # sij pain N
    *[(("pain", v), "N") for v in PAINS],
    *[(("pain", "3", "--at", v), "--at") for v in DATES],
    *[(("pain", "3", "--note", v), "--note") for v in (LONG, CONTROL, BIDI, C1)],
    # sij history
    *[(("history", "--since", v), "--since") for v in DAYS],
    *[(("history", "--until", v), "--until") for v in DAYS],
    (("history", "--since", "2026-11-20", "--until", "2026-11-01"), "--since"),
    *[(("history", "--limit", v), "--limit") for v in COUNTS],
    # sij run
    *[((*RUN, "--pain-before", v), "--pain-before") for v in PAINS],
    *[((*RUN, "--pain-after", v), "--pain-after") for v in PAINS],
    *[((*RUN, "--hold", v), "--hold") for v in ("4", "601", "abc", "", "-5")],
    *[(("run", "--yes", "--get-ready", v), "--get-ready") for v in ("61", "-1", "abc", "")],
    *[(("run", "--yes", "--speed", v), "--speed") for v in ("0", "-1", "abc", "", "nan", "inf", "20000")],
    *[((*RUN, "--routine", v), "--routine") for v in ("nope", "", CONTROL)],
    (("run", "--speed", "1000"), "--yes"),  # no terminal and no --yes
    # sij screen
    *[(("screen", "--answers", v), "--answers") for v in ("", "yyy", "y" * 14, "yynnyynnyynnx", CONTROL)],
    (("screen",), "--answers"),  # no terminal and no answers
    # sij stretches
    *[(("stretches", "show", v), "SLUG") for v in ("pigeon", "", CONTROL, HUGE)],
    # sij progress
    *[(("progress", "--since", v), "--since") for v in DAYS],
    *[(("progress", "--until", v), "--until") for v in DAYS],
    (("progress", "--since", "2026-11-20", "--until", "2026-11-01"), "--since"),
    *[(("progress", "--target", v), "--target") for v in TARGETS],
    # sij plot (nothing may be written: the test checks no file appears)
    *[(("plot", "--since", v), "--since") for v in DAYS],
    *[(("plot", "--until", v), "--until") for v in DAYS],
    *[(("plot", "--kind", v), "--kind") for v in ("nope", "", "PAINS", CONTROL)],
    *[(("plot", "--output", v), "--output") for v in OUTPUTS],
    (("plot", "--output", "chart.txt"), "--output"),
    (("plot", "--output", "taken.png"), "--output"),
    # sij due, sij trash: flags only
    (("due", "--quiet=yes"), "--quiet"),
    (("trash", "--json", "--limit", "3"), "--limit"),
    # sij settings
    *[(("settings", "day-start", v), "HH:MM") for v in DAY_STARTS],
    # sij export (nothing may be written)
    (("export",), "--format"),
    *[(("export", "--format", v), "--format") for v in ("xml", "", "csv2", CONTROL, HUGE)],
    *[(("export", "--format", f, "--table", "pain"), "--table") for f in ("json", "fhir")],
    (("export", "--format", "pdf", "--output", "r.pdf", "--table", "sessions"), "--table"),
    *[(("export", "--format", "csv", "--table", v), "--table") for v in ("nope", "", CONTROL)],
    *[(("export", "--format", f, "--name", "Ann"), "--name") for f in ("csv", "json")],
    *[(("export", "--format", "fhir", "--name", v), "--name") for v in ("", "  ", CONTROL, "n" * 201)],
    *[(("export", "--format", "csv", "--since", v), "--since") for v in DAYS],
    *[(("export", "--format", "csv", "--until", v), "--until") for v in DAYS],
    (("export", "--format", "csv", "--since", "2026-11-20", "--until", "2026-11-01"), "--since"),
    *[
        (("export", "--format", "csv", "--output", v), "--output")
        for v in ("no-such-folder/out.csv", "a-folder", "", HUGE, "nul\x00.csv")
    ],
    (("export", "--format", "csv", "--output", "taken.csv"), "--output"),
    (("export", "--format", "pdf", "--output", "-"), "--output"),
    # sij import FILE
    *[(("import", v), "FILE") for v in ("missing.json", "", "a-folder", "taken.csv", "latin1.json", CONTROL, HUGE)],
    *[(("import", v, "--dry-run"), "FILE") for v in ("missing.json", "taken.csv")],
    # sij edit
    *[(("edit", v, "--note", "x"), "SESSION_ID") for v in IDS],
    *[(("edit", "--check-in", v, "--note", "x"), "--check-in") for v in OPTION_IDS],
    (("edit", "1", "--check-in", "1", "--note", "x"), "--check-in"),
    (("edit", "--note", "x"), "SESSION_ID"),
    *[(("edit", "1", "--pain-before", v), "--pain-before") for v in (*PAINS, "nothing")],
    *[(("edit", "1", "--pain-after", v), "--pain-after") for v in (*PAINS, "nothing")],
    *[(("edit", "--check-in", "1", "--score", v), "--score") for v in PAINS],
    *[(("edit", "1", "--note", v), "--note") for v in NOTES],
    *[(("edit", "--check-in", "1", "--note", v), "--note") for v in NOTES],
    *[(("edit", "1", "--at", v), "--at") for v in DATES],
    *[(("edit", "--check-in", "1", "--at", v), "--at") for v in DATES],
    (("edit", "1", "--score", "3"), "--score"),
    (("edit", "1", "--sharp"), "--sharp"),
    (("edit", "--check-in", "1", "--pain-after", "3"), "--pain-after"),
    (("edit", "--check-in", "1", "--heat"), "--heat"),
    (("edit", "1"), "--note"),  # nothing to change: the message lists what can be changed
    (("edit", "--check-in", "1"), "--score"),
    # sij delete, sij restore, sij undo
    *[(("delete", v, "--yes"), "SESSION_ID") for v in IDS],
    *[(("delete", "--check-in", v, "--yes"), "--check-in") for v in OPTION_IDS],
    (("delete", "1", "--check-in", "1", "--yes"), "--check-in"),
    (("delete", "--yes"), "SESSION_ID"),
    (("delete", "1"), "--yes"),  # no terminal and no --yes
    (("undo",), "--yes"),
    *[(("restore", v), "SESSION_ID") for v in (*IDS, "1")],  # session 1 is not in the trash
    *[(("restore", "--check-in", v), "--check-in") for v in (*OPTION_IDS, "1")],  # check-in 1 is not either
    (("restore",), "SESSION_ID"),
    # sij stretches
    *[(("stretches", "show", v), "SLUG") for v in ("pigeon", "", CONTROL, HUGE)],
    (("stretches", "--all", "--json", "--limit", "2"), "--limit"),
    *[((*ADD, v) + ADD_REST, "SLUG") for v in (*BAD_SLUGS, "figure-4", "my-stretch")],
    *[((*ADD, "new-one", "--name", v, "--step", "Lie down."), "--name") for v in TEXTS],
    *[((*ADD, "new-one", "--name", "New", "--step", v), "--step") for v in TEXTS],
    ((*ADD, "new-one", "--name", "New", "--step", "Lie down.", "--step", ""), "--step"),
    *[((*ADD, "new-one", *ADD_REST[:4], "--hold", v), "--hold") for v in HOLDS],
    *[((*ADD, "new-one", *ADD_REST[:4], "--source", v), "--source") for v in (CONTROL, "s" * 1001)],
    *[((*ADD, "new-one", *ADD_REST[:4], "--caution", v), "--caution") for v in TEXTS],
    ((*ADD, "new-one", "--step", "Lie down."), "--name"),
    ((*ADD, "new-one", "--name", "New"), "--step"),
    ((*ADD, "--name", "New", "--step", "Lie down."), "SLUG"),
    *[((*ADD, "--from", v), "--from") for v in ("missing.json", "", "a-folder", "latin1.json", "taken.csv", HUGE)],
    ((*ADD, "--from", "stretch.json", "--hold", "30"), "--from"),
    ((*ADD, "--from", "bad-stretch.json"), "--from"),
    *[(("stretches", "edit", v, "--hold", "30"), "SLUG") for v in ("pigeon", "", CONTROL, HUGE)],
    *[(("stretches", "edit", "my-stretch", "--hold", v), "--hold") for v in HOLDS],
    *[(("stretches", "edit", "my-stretch", "--name", v), "--name") for v in TEXTS],
    *[(("stretches", "edit", "my-stretch", "--step", v), "--step") for v in TEXTS],
    *[(("stretches", "edit", "my-stretch", "--source", v), "--source") for v in (CONTROL, "s" * 1001)],
    *[(("stretches", "edit", "my-stretch", "--caution", v), "--caution") for v in TEXTS],
    (("stretches", "edit", "my-stretch", "--caution", "Slowly.", "--no-cautions"), "--no-cautions"),
    (("stretches", "edit", "my-stretch"), "--hold"),  # nothing to change: the message lists the options
    *[(("stretches", "retire", v), "SLUG") for v in ("pigeon", "", CONTROL, HUGE, "old-stretch")],
    (("stretches", "retire", "figure-4"), "--new-default"),  # in the default routine
    *[(("stretches", "retire", "my-stretch", "--new-default", v), "--new-default") for v in ROUTINE_SLUGS],
    (("stretches", "retire", "my-stretch", "--new-default", "my-routine"), "--new-default"),  # lists it
    *[(("stretches", "unretire", v), "SLUG") for v in ("pigeon", "", CONTROL, HUGE, "figure-4")],
    # sij routines
    (("routines", "--json", "--all"), "--all"),
    *[(("routines", "show", v), "SLUG") for v in ROUTINE_SLUGS],
    *[(("routines", "create", v, "--stretch", "figure-4"), "SLUG") for v in (*BAD_SLUGS, "si-basics")],
    *[(("routines", "create", "new-plan", "--stretch", v), "--stretch") for v in (*STRETCH_SLUGS, "old-stretch")],
    (("routines", "create", "new-plan"), "--stretch"),
    (("routines", "create", "new-plan", *["--stretch", "figure-4"] * 51), "--stretch"),
    *[(("routines", "create", "new-plan", "--stretch", "figure-4", "--name", v), "--name") for v in TEXTS],
    *[
        (("routines", "create", "new-plan", "--stretch", "figure-4", "--description", v), "--description")
        for v in (CONTROL, "d" * 2001)
    ],
    *[(("routines", "edit", v, "--name", "New"), "SLUG") for v in ROUTINE_SLUGS],
    *[(("routines", "edit", "my-routine", "--stretch", v), "--stretch") for v in (*STRETCH_SLUGS, "old-stretch")],
    *[(("routines", "edit", "my-routine", "--name", v), "--name") for v in TEXTS],
    *[(("routines", "edit", "my-routine", "--description", v), "--description") for v in (CONTROL, "d" * 2001)],
    (("routines", "edit", "my-routine"), "--name"),  # nothing to change
    *[(("routines", "default", v), "SLUG") for v in ROUTINE_SLUGS],
    # sij db
    *[(("db", "backup", v), "PATH") for v in ("", "  ", "a\x07b", "a-folder", "no-such-folder/copy.db", HUGE)],
    (("db", "backup", "taken.csv"), "PATH"),
    (("db", "path", "--json"), "--json"),
    (("db", "check", "--fix"), "--fix"),
    (("db", "upgrade", "--to", "0001"), "--to"),
    # global options
    (("--db", "", "history"), "--db"),
    (("log", "--no-such-option"), "--no-such-option"),
]


def _id(case: tuple[tuple[str, ...], str]) -> str:
    args, _ = case
    return " ".join(repr(a)[1:-1][:20] or "''" for a in args)


def _prepare(path: Path) -> None:
    """One of everything: check-in #1, session #1, a custom stretch, a retired one, a custom routine."""
    from typer.testing import CliRunner

    from tracker.cli import app
    from tracker.cli.context import AppContext
    from tracker.clock import ManualClock

    steps = ("--name", "Mine", "--step", "Lie down.")
    for args in (
        ("pain", "2"),
        ("log", "--pain-before", "4", "--pain-after", "3"),
        ("stretches", "add", "my-stretch", *steps),
        ("stretches", "add", "old-stretch", *steps),
        ("stretches", "retire", "old-stretch"),
        ("routines", "create", "my-routine", "--stretch", "my-stretch", "--stretch", "figure-4"),
    ):
        obj = AppContext(db_option=str(path), clock=ManualClock(NOW), interactive=False)
        result = CliRunner().invoke(app, list(args), obj=obj)
        assert result.exit_code == 0, (args, result.output)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per module (cheap per row: each test copies the file)."""
    folder = tmp_path_factory.mktemp("prepared")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(folder))
        mp.setenv("XDG_DATA_HOME", str(folder / "share"))
        mp.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        mp.setenv("TZ", "Europe/London")
        mp.delenv("SIJ_DB", raising=False)
        _prepare(folder / "sij.db")
    assert not (folder / "sij.db-wal").exists()
    return folder / "sij.db"


@pytest.fixture
def ready(prepared: Path, db_path: Path) -> Path:
    """A copy of the prepared database, so 'nothing written' is checked against real content."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(prepared, db_path)
    return db_path


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder for a row, with the files the rows name; nothing new may appear in it."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "a-folder").mkdir()
    (work / "taken.png").write_bytes(b"not really a picture")
    (work / "taken.csv").write_text("a,b\n1,2\n")
    (work / "latin1.json").write_bytes('{"note": "été"}'.encode("latin-1"))
    stretch = {"slug": "from-file", "name": "From a file", "steps": ["Lie down."]}
    (work / "stretch.json").write_text(json.dumps(stretch))
    (work / "bad-stretch.json").write_text(json.dumps({**stretch, "hold_seconds": 3}))
    monkeypatch.chdir(work)
    return work


def contents(path: Path) -> str:
    """Everything in the database, so that a changed value (not only a new row) is noticed."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return "\n".join(conn.iterdump())


def files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


# SQLite only: "nothing written" is checked on a copy of a prepared file, and these values are refused
# before any query (the refusals that do reach the database run on both engines in test_cli_*.py).
@pytest.mark.sqlite_only
@pytest.mark.parametrize("case", BAD_INPUT, ids=[_id(c) for c in BAD_INPUT])
def test_bad_input_is_refused_naming_the_option(
    sij, ready: Path, workdir: Path, case: tuple[tuple[str, ...], str]
) -> None:
    args, option = case
    before, on_disk = contents(ready), files(workdir)
    result = sij(*args)
    assert result.exit_code == 2, result.output
    # An option is named ("--at: ..."); an argument's message names the value itself, and the line ends
    # with the command's help. Never Click's "Invalid value for 'N'".
    named = option in result.stderr or (not option.startswith("-") and "--help" in result.stderr)
    assert named, result.stderr
    assert "Invalid value for" not in result.stderr
    assert "Traceback" not in result.output
    assert result.stderr.count("Error") == 1
    assert contents(ready) == before
    assert files(workdir) == on_disk, "a file was written on bad input"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--format", "xml"), "'xml' is not an export format; choose csv, json, fhir or pdf."),
        (("export", "--format", "csv", "--table", "x"), "'x' is not a CSV table; choose sessions, pain or ratings."),
        (("plot", "--kind", "x"), "'x' is not a chart kind; choose all, pain, adherence, stretches or function."),
    ],
)
def test_choice_errors_read_plainly(sij, args: tuple[str, ...], message: str) -> None:
    result = sij(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Value error" not in result.stderr


@pytest.mark.sqlite_only
def test_error_messages_show_control_characters_harmlessly(sij, ready: Path) -> None:
    result = sij("stretches", "show", CONTROL)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


UNICODE_NOTES = [
    "Après la douche 🙂",
    "שלום, כואב קצת",  # right-to-left
    "مرحبا ١٢٣",  # Arabic with Arabic-Indic digits
    "e\u0301 n\u0303 a\u030a",  # combining marks, not precomposed
    "👩🏽‍⚕️ said: 🧘‍♀️ ×3",  # emoji with skin tone and zero-width joiners
    "日本語のメモ\tタブ\n二行目",
    "\u200fmixed \u200eRTL marks\u061c end",  # direction marks are text; overrides are refused (NOTES)
    "x" * 2000,
]


@pytest.mark.parametrize("note", UNICODE_NOTES, ids=range(len(UNICODE_NOTES)))
def test_notes_keep_any_unicode_exactly(sij, note: str) -> None:
    assert sij("log", "--note", note).exit_code == 0
    assert json.loads(sij("history", "--json").stdout)[0]["note"] == note


@pytest.mark.parametrize("note", UNICODE_NOTES, ids=range(len(UNICODE_NOTES)))
def test_edited_notes_keep_any_unicode_exactly(sij, note: str) -> None:
    assert sij("log", "--note", "first").exit_code == 0
    result = sij("edit", "1", "--note", note)
    assert result.exit_code == 0, result.output
    assert json.loads(sij("history", "--json").stdout)[0]["note"] == note


def _check_in_notes(sij) -> list[str]:
    exported = sij("export", "--format", "json")
    assert exported.exit_code == 0, exported.output
    return [p["note"] for p in json.loads(exported.stdout)["pain_scores"]]


@pytest.mark.parametrize("note", UNICODE_NOTES, ids=range(len(UNICODE_NOTES)))
def test_check_in_notes_keep_any_unicode_exactly(sij, note: str) -> None:
    assert sij("pain", "3", "--note", note).exit_code == 0
    assert _check_in_notes(sij) == [note]
    edited = note[::-1] if len(note) < 2000 else note[:-1] + "é"
    assert sij("edit", "--check-in", "1", "--note", edited).exit_code == 0
    assert _check_in_notes(sij) == [edited]


# Stretch texts are single lines (new lines are refused) and a name is at most 200 characters.
UNICODE_TEXTS = [t for t in UNICODE_NOTES if "\n" not in t and len(t) <= 200]


@pytest.mark.parametrize("text", UNICODE_TEXTS, ids=range(len(UNICODE_TEXTS)))
def test_custom_stretch_texts_keep_any_unicode_exactly(sij, text: str) -> None:
    added = sij(
        "stretches", "add", "my-stretch", "--name", text, "--step", text, "--step", f"2: {text}",
        "--caution", text, "--source", text,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    shown = json.loads(sij("stretches", "show", "my-stretch", "--json").stdout)
    assert shown["name"] == text and shown["source"] == text
    assert shown["steps"] == [text, f"2: {text}"] and shown["cautions"] == [text]
    assert sij("stretches", "edit", "my-stretch", "--name", f"{text}!").exit_code == 0
    assert json.loads(sij("stretches", "--json").stdout)[-1]["name"] == f"{text}!"


# ---- hostile files: a backup from anywhere is held to the commands' rules; nothing is written -------------

ESC = "\x1b]0;owned\x07\x1b[2J"  # set the window title, clear the screen


def _backup(sij) -> dict:
    result = sij("export", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _custom(document: dict) -> dict:
    return next(s for s in document["stretches"] if s["slug"] == "my-stretch")


def _routine(document: dict) -> dict:
    return next(r for r in document["routines"] if r["slug"] == "my-routine")


# (what to change in an exported backup, a phrase the one-line message must hold)
HOSTILE_IMPORTS: list[tuple[str, object, str]] = [
    ("stretch slug formula", lambda d: _custom(d).update(slug="=cmd|' /C calc'!A0"), "is not a valid slug"),
    ("stretch slug upper", lambda d: _custom(d).update(slug="My-Stretch"), "is not a valid slug"),
    ("routine slug formula", lambda d: _routine(d).update(slug="@SUM(1+1)"), "is not a valid slug"),
    ("stretch name escape", lambda d: _custom(d).update(name=f"Nice{ESC}"), "control character (0x1b)"),
    ("stretch step escape", lambda d: _custom(d).update(steps=[f"Lie{ESC}"]), "steps[0] contains a control"),
    ("caution C1", lambda d: _custom(d).update(cautions=["csi \x9b2J"]), "control character (0x9b)"),
    ("source DEL", lambda d: _custom(d).update(source="del\x7f"), "control character (0x7f)"),
    ("routine name bidi", lambda d: _routine(d).update(name="a\u202eb"), "control character (U+202E)"),
    ("routine description", lambda d: _routine(d).update(description="x\x1b[2J"), "description contains a control"),
    ("note escape", lambda d: d["sessions"][0].update(note=ESC), "sessions[0].note contains a control"),
    ("advice escape", lambda d: d["sessions"][0].update(advice=f"Rest{ESC}"), "advice contains a control"),
    ("pain note C1", lambda d: d["pain_scores"][0].update(note="\x85"), "note contains a control"),
    ("lone surrogate", lambda d: d["sessions"][0].update(note="\ud800"), "control character (U+D800)"),
    ("advice 3 MB", lambda d: d["sessions"][0].update(advice="a" * 3_000_000), "the limit is 4000"),
    ("note too long", lambda d: d["sessions"][0].update(note="n" * 2001), "the limit is 2000"),
    ("name too long", lambda d: _custom(d).update(name="n" * 201), "the limit is 200"),
    ("too many steps", lambda d: _custom(d).update(steps=["Lie down."] * 31), "the limit is 30"),
    ("hold too short", lambda d: _custom(d).update(hold_seconds=1), "from 5 to 600"),
    ("day start banana", lambda d: d["settings"].update(day_start="banana"), "settings.day_start 'banana'"),
    ("patient id html", lambda d: d["settings"].update(fhir_patient_id="<b>x</b>"), "settings.fhir_patient_id"),
    ("default routine formula", lambda d: d["settings"].update(default_routine="=1+1"), "not a routine slug"),
    ("unknown setting", lambda d: d["settings"].update(theme="dark"), "unknown key 'theme'"),
    ("year 0001", lambda d: d["sessions"][0].update(started_at="0001-01-01T12:00:00+00:00"), "from 1970-01-01"),
    ("year 9999", lambda d: d["pain_scores"][0].update(recorded_at="9999-12-31T12:00:00+00:00"), "to 2100-12-31"),
    ("year 1969", lambda d: d.update(exported_at="1969-12-31T23:00:00+00:00"), "from 1970-01-01"),
    ("period 9999", lambda d: d["period"].update(since="9999-01-01"), "from 1970-01-01 to 2100-12-31"),
    ("deleted 2101", lambda d: d["sessions"][0].update(deleted_at="2101-01-01T00:00:00+00:00"), "to 2100-12-31"),
    ("huge number", lambda d: d["pain_scores"][0].update(score=10**200), "should be a whole number from 0 to 10"),
    ("nested lists", lambda d: d["sessions"][0].update(note=[[[[["deep"]]]]]), "should be text"),
]

RAW_IMPORTS: list[tuple[str, bytes, str]] = [
    ("4300 digits", b'{"format": "sij-export", "version": 1, "x": ' + b"9" * 4400 + b"}", "a number far too long"),
    ("100k brackets", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("100k objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
]


@pytest.mark.sqlite_only  # checked against a copy of a prepared SQLite file (see above)
@pytest.mark.parametrize(("name", "change", "message"), HOSTILE_IMPORTS, ids=[c[0] for c in HOSTILE_IMPORTS])
def test_hostile_backup_is_refused_and_changes_nothing(sij, ready: Path, tmp_path: Path, name, change, message) -> None:
    document = _backup(sij)
    change(document)
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(document), encoding="ascii")  # \ud800 stays an escape, as an attacker writes it
    before = contents(ready)
    result = sij("import", str(hostile))
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert "not a usable sij backup" in result.stderr and "Nothing was imported" in result.stderr
    assert result.stderr.count("Error") == 1 and "Traceback" not in result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert contents(ready) == before


@pytest.mark.sqlite_only  # checked against a copy of a prepared SQLite file (see above)
@pytest.mark.parametrize(("name", "raw", "message"), RAW_IMPORTS, ids=[c[0] for c in RAW_IMPORTS])
def test_hostile_json_is_refused_and_changes_nothing(sij, ready: Path, tmp_path: Path, name, raw, message) -> None:
    hostile = tmp_path / "hostile.json"
    hostile.write_bytes(raw)
    before = contents(ready)
    result = sij("import", str(hostile))
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert contents(ready) == before


# ---- hostile paths: only regular files are read, and --force never replaces anything else ------------------


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.json"
    os.mkfifo(path)
    return path


def _socket(folder: Path) -> Path:
    import socket

    path = folder / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def _device(folder: Path) -> Path:
    """A character device of our own (like /dev/null), so that no test depends on the system's being intact."""
    import stat

    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    path = folder / "null-like"
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    return path


def _big(folder: Path) -> Path:
    path = folder / "big.json"
    with path.open("wb") as handle:
        handle.truncate(100_000_001)  # sparse: no disk used
    return path


HOSTILE_READS = [
    ("import FIFO", ("import",), _fifo, "is not a regular file"),
    ("import /dev/zero", ("import",), lambda _f: Path("/dev/zero"), "is not a regular file"),
    ("import a device", ("import",), lambda f: _device(f), "is not a regular file"),
    ("import socket", ("import",), _socket, "is not a regular file"),
    ("import 100 MB", ("import",), _big, "larger than 100 MB"),
    ("--from FIFO", ("stretches", "add", "--from"), _fifo, "is not a regular file"),
    ("--from /dev/zero", ("stretches", "add", "--from"), lambda _f: Path("/dev/zero"), "is not a regular file"),
]


@pytest.mark.sqlite_only  # checked against a copy of a prepared SQLite file (see above)
@pytest.mark.parametrize(("name", "args", "make", "message"), HOSTILE_READS, ids=[c[0] for c in HOSTILE_READS])
def test_only_regular_files_of_a_stated_size_are_read(sij, ready: Path, tmp_path: Path, name, args, make, message):
    target = make(tmp_path)
    before = contents(ready)
    result = sij(*args, str(target))  # a FIFO that were opened for reading would wait here forever
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("Error") == 1
    assert "Traceback" not in result.output
    assert contents(ready) == before


HOSTILE_TARGETS = [
    ("export device", ("export", "--format", "csv", "--force", "-o"), _device),
    ("backup device", ("db", "backup", "--force"), _device),
    ("export FIFO", ("export", "--format", "csv", "--force", "-o"), _fifo),
    ("export socket", ("export", "--format", "csv", "--force", "-o"), _socket),
    ("plot FIFO", ("plot", "--force", "-o"), lambda f: _fifo(f).rename(f / "p.png") or f / "p.png"),
    ("backup FIFO", ("db", "backup", "--force"), _fifo),
    ("backup socket", ("db", "backup", "--force"), _socket),
]


@pytest.mark.sqlite_only  # checked against a copy of a prepared SQLite file (see above)
@pytest.mark.parametrize(("name", "args", "make"), HOSTILE_TARGETS, ids=[c[0] for c in HOSTILE_TARGETS])
def test_force_never_replaces_what_is_not_a_regular_file(sij, ready: Path, tmp_path: Path, name, args, make) -> None:
    import stat

    target = make(tmp_path)
    kind = stat.S_IFMT(target.stat().st_mode)
    before = contents(ready)
    result = sij(*args, str(target))
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.stderr and "Traceback" not in result.output
    assert stat.S_IFMT(target.stat().st_mode) == kind, "the special file was replaced"
    assert contents(ready) == before
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
