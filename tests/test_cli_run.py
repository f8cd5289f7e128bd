"""`sij run` (guided routine) and `sij screen`, with a fake clock and scripted answers, and as a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import count_rows, flat, query, sij_executable, snapshot

SIX = [(slug, side) for slug in ("knee-to-chest", "figure-4", "supine-twist") for side in ("left", "right")]


def _only_session(sij) -> dict:
    sessions = json.loads(sij("history", "--json").stdout)
    assert len(sessions) == 1
    return sessions[0]


def test_run_without_terminal_records_a_completed_session(sij) -> None:
    result = sij("run", "--speed", "1000", "--yes", "--no-red-flags", "--pain-before", "5", "--pain-after", "3")
    assert result.exit_code == 0, result.output
    session = _only_session(sij)
    assert session["state"] == "completed"
    assert (session["pain_before"], session["pain_after"]) == (5, 3)
    assert [(s["slug"], s["side"]) for s in session["stretches"]] == SIX
    assert all(s["seconds"] == 30 and s["completed"] for s in session["stretches"])
    assert session["guided"] is True
    assert "Well done: 6 of 6 holds" in result.stderr


def test_hold_override_records_nominal_seconds(sij) -> None:
    assert sij("run", "--yes", "--no-red-flags", "--hold", "45", "--speed", "50").exit_code == 0
    assert {s["seconds"] for s in _only_session(sij)["stretches"]} == {45}


def test_severe_pain_does_not_start_the_routine(sij, db_path: Path) -> None:
    result = sij("run", "--yes", "--no-red-flags", "--pain-before", "8")
    assert result.exit_code == 0, result.output
    assert "See a doctor or physiotherapist" in result.stderr
    assert "not started" in result.stderr
    assert count_rows(db_path, "practice") == 0
    assert query(db_path, "SELECT score, context, flagged FROM pain_score") == [(8, "check-in", 1)]


def test_pain_six_still_starts(sij) -> None:
    assert sij("run", "--yes", "--no-red-flags", "--pain-before", "6", "--speed", "1000").exit_code == 0
    assert _only_session(sij)["state"] == "completed"


def test_sharp_pain_after_second_stretch_stops_and_keeps_holds(sij) -> None:
    # screen offer: no · heat: no · pain before: 4 · quick check: no · sharp after 1st: no · after 2nd: yes
    answers = "n\nn\n4\nn\nn\ny\n\n"
    result = sij("run", "--speed", "1000", input=answers, interactive=True)
    assert result.exit_code == 0, result.output
    session = _only_session(sij)
    assert session["state"] == "stopped_sharp"
    assert [(s["slug"], s["side"]) for s in session["stretches"]] == SIX[:4]
    assert [s["sharp"] for s in session["stretches"]] == [False, False, True, True]
    assert session["sharp"] is True and session["flagged"] is True
    assert "See a doctor or physiotherapist" in result.stderr
    assert "sharp, stabbing or shooting pain" in flat(result.stderr)


def test_quick_red_flag_question_blocks_the_session(sij, db_path: Path) -> None:
    result = sij("run", "--speed", "1000", input="n\nn\n3\ny\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "emergency department or call your local emergency number now" in flat(result.stderr)
    assert "loss of bowel control" in flat(result.stderr)
    assert count_rows(db_path, "practice") == 0
    assert query(db_path, "SELECT kind, level FROM screening") == [("quick", "emergency")]


def test_interactive_run_asks_pain_after_and_heat(sij) -> None:
    result = sij("run", "--speed", "1000", input="n\ny\n3\nn\nn\nn\nn\n2\n", interactive=True)
    assert result.exit_code == 0, result.output
    session = _only_session(sij)
    assert session["heat"] is True and (session["pain_before"], session["pain_after"]) == (3, 2)
    assert "Switch sides" in result.stderr


def test_self_paced_prompt_says_enter_records_the_hold_as_done(sij) -> None:
    # Enter (done) for the first hold, s (skip) for the second, Enter for the rest.
    answers = "n\nn\n3\nn\n" + "\ns\nn\n" + "\n\nn\n" + "\n\nn\n" + "2\n"
    result = sij("run", "--self-paced", input=answers, interactive=True)
    assert result.exit_code == 0, result.output
    text = flat(result.stderr)
    assert "Hold Knee to chest, left side, for about 30 s [Enter when done · s skip · q stop]" in text
    assert "then press Enter" not in text
    done = [h["completed"] for h in _only_session(sij)["stretches"]]
    assert done[:2] == [True, False]


def test_hold_footer_says_resume_while_paused() -> None:
    from types import SimpleNamespace

    from rich.console import Console

    from tracker.cli.run import _hold_view

    hold = SimpleNamespace(side="left", stretch=SimpleNamespace(name="Figure 4"))

    def footer(paused: bool) -> str:
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(_hold_view(hold, 20, 30, paused, "Hold", "Next: last one", True))  # type: ignore[arg-type]
        return console.export_text()

    assert "space pause" in footer(False) and "space resume" not in footer(False)
    assert "space resume" in footer(True) and "space pause" not in footer(True)


def test_first_run_offers_the_full_screen(sij, db_path: Path) -> None:
    answers = "y\n" + "n\n" * 13 + "n\n2\nn\nn\nn\nn\n\n"
    result = sij("run", "--speed", "1000", input=answers, interactive=True)
    assert result.exit_code == 0, result.output
    assert ("full", "none") in query(db_path, "SELECT kind, level FROM screening")


def test_run_needs_a_terminal_or_yes(sij, db_path: Path) -> None:
    sij("history")
    before = snapshot(db_path)
    result = sij("run")
    assert result.exit_code == 2 and "--yes", "--no-red-flags" in result.stderr
    # --yes was not given: a plain usage error, not "Invalid value for '--yes'".
    assert result.stderr.startswith("Error: sij run asks questions and needs a terminal; add --yes")
    assert "Invalid value" not in result.stderr
    assert snapshot(db_path) == before


def test_screen_needs_a_terminal_or_answers(sij, db_path: Path) -> None:
    sij("history")
    before = snapshot(db_path)
    result = sij("screen")
    assert result.exit_code == 2 and "--answers" in result.stderr
    assert result.stderr.startswith("Error: sij screen asks 13 questions and needs a terminal")
    assert "Invalid value" not in result.stderr
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--hold", "4"], "--hold"),
        (["--hold", "601"], "--hold"),
        (["--hold", "ten"], "--hold"),
        (["--speed", "0"], "--speed"),
        (["--speed", "fast"], "--speed"),
        (["--pain-before", "11"], "--pain-before"),
        (["--routine", "nope"], "No routine named 'nope'"),
        (["--get-ready", "61"], "--get-ready"),
    ],
)
def test_run_bad_input(sij, db_path: Path, args: list[str], needle: str) -> None:
    sij("history")
    before = snapshot(db_path)
    result = sij("run", "--yes", "--no-red-flags", *args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and "Traceback" not in result.output
    assert snapshot(db_path) == before


def test_resume_without_stopped_session_is_refused(sij) -> None:
    result = sij("run", "--yes", "--no-red-flags", "--resume")
    assert result.exit_code == 1 and "no routine stopped early today" in result.stderr


@pytest.mark.parametrize(
    ("answers", "level", "needle"),
    [
        ("nnnnnnnnnnnnn", "none", "No warning signs"),
        ("nnnnnn nnnyn nn", "same-day", "Contact a doctor today"),
        ("nynnnn nnnnnnn", "emergency", "emergency department"),
        ("YNNNNN,NNNNNNY", "emergency", "emergency department"),
    ],
)
def test_screen_with_answers(sij, answers: str, level: str, needle: str) -> None:
    result = sij("screen", "--answers", answers, "--json")
    assert result.exit_code == 0, result.output
    stored = json.loads(result.stdout)
    assert stored["level"] == level and len(stored["answers"]) == 13
    assert needle in flat(result.stderr)


@pytest.mark.parametrize("answers", ["nnn", "nnnnnnnnnnnnnx", "", "yes"])
def test_screen_bad_answers(sij, db_path: Path, answers: str) -> None:
    result = sij("screen", "--answers", answers)
    assert result.exit_code == 2 and "--answers" in result.stderr
    assert count_rows(db_path, "screening") == 0


def test_screen_interactive(sij) -> None:
    result = sij("screen", input="n\n" * 12 + "y\n", interactive=True)
    assert result.exit_code == 0
    assert "Contact a doctor today" in flat(result.stderr)


def test_today_reminds_about_the_screen(sij) -> None:
    assert "red-flag screen" in sij().stdout
    sij("screen", "--answers", "n" * 13)
    assert "red-flag screen" not in sij().stdout


def test_sigint_keeps_completed_holds_and_resume_finishes(db_path: Path) -> None:
    env = dict(os.environ, SIJ_DB=str(db_path))
    # Each hold takes 30 s / 10 = 3 s, after a 0.5 s get-ready countdown.
    proc = subprocess.Popen(
        [sij_executable(), "run", "--speed", "10", "--yes", "--no-red-flags", "--pain-before", "3"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait for the first saved hold however slowly a loaded machine starts the process (it used to give up after
    # 30 s and interrupt a run that had saved nothing yet); the interrupt then lands within a later hold.
    deadline = time.monotonic() + 300
    while count_rows(db_path, "hold") < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert count_rows(db_path, "hold") >= 1 and proc.poll() is None, "the run never saved its first hold"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert "Saved session #1" in err and "--resume" in err
    [(state,)] = query(db_path, "SELECT state FROM practice")
    holds = query(db_path, "SELECT completed FROM hold")
    assert state == "aborted"
    assert 1 <= len(holds) < 6 and all(c == 1 for (c,) in holds)

    resumed = subprocess.run(
        [sij_executable(), "run", "--resume", "--yes", "--no-red-flags", "--speed", "1000", "--pain-after", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    sessions = json.loads(
        subprocess.run(
            [sij_executable(), "history", "--json"], env=env, capture_output=True, text=True, timeout=60
        ).stdout
    )
    assert len(sessions) == 1
    assert sessions[0]["state"] == "completed" and sessions[0]["pain_after"] == 2
    assert [(s["slug"], s["side"]) for s in sessions[0]["stretches"]] == SIX


# ---- recent warnings: the advice given still applies ------------------------------------------


def test_after_a_sharp_stop_the_next_run_reminds_and_waits_for_a_decision(sij, db_path: Path) -> None:
    assert sij("run", "--speed", "1000", input="n\nn\n4\nn\ny\n\n", interactive=True).exit_code == 0
    # Later the same day: the reminder comes first, and "no" (the default) starts nothing.
    result = sij("run", "--speed", "1000", input="n\n\n", interactive=True)
    assert result.exit_code == 0, result.output
    text = flat(result.stderr)
    assert "In the last 24 hours you reported" in text and "stopped for sharp pain" in text
    assert "contact your doctor or physiotherapist before you stretch again" in text
    assert "Start the routine anyway? [y/N]" in text
    assert count_rows(db_path, "practice") == 1
    # Choosing to start anyway goes on to the routine as usual.
    result = sij("run", "--speed", "1000", input="n\ny\nn\n3\nn\nn\nn\nn\n2\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert count_rows(db_path, "practice") == 2


def test_the_reminder_lapses_after_a_day(sij, clock, db_path: Path) -> None:
    assert sij("pain", "8").exit_code == 0
    assert "In the last 24 hours" in flat(sij("run", "--yes", "--no-red-flags", "--speed", "1000").stderr)
    clock.sleep(24 * 3600 + 60)
    result = sij("run", "--yes", "--no-red-flags", "--speed", "1000")
    assert "In the last 24 hours" not in flat(result.stderr)
    assert count_rows(db_path, "practice") == 2  # --yes: reminded, then the routine ran both times


def test_same_day_screen_answer_pauses_the_first_run(sij, db_path: Path) -> None:
    # The screen offered on first use: U1 (fever) yes; then the reminder, and the person stops there.
    answers = "y\n" + "n\n" * 6 + "y\n" + "n\n" * 6 + "\n"
    result = sij("run", "--speed", "1000", input=answers, interactive=True)
    assert result.exit_code == 0, result.output
    assert "Contact a doctor today" in flat(result.stderr)
    assert "Start the routine anyway?" in result.stderr
    assert count_rows(db_path, "practice") == 0


def test_today_shows_a_recent_warning_instead_of_suggesting_a_run(sij) -> None:
    assert sij("log", "--pain-before", "3", "--pain-after", "2").exit_code == 0
    assert sij("pain", "7", "--note", "after lifting").exit_code == 0
    result = sij()
    assert "routine done" in result.stdout
    assert "check-in #" in flat(result.stderr) and "severe pain, 7/10" in flat(result.stderr)
    assert "contact your doctor or physiotherapist before you stretch again" in flat(result.stdout)
    assert "Next: rest, or record" not in result.stdout


def test_resume_asks_the_quick_red_flag_question_again(sij, db_path: Path) -> None:
    # Stop early with q is not scriptable here, so build the stopped session by quitting at the sharp question
    # through Ctrl-D (EOF) after the first stretch: the session is saved as aborted.
    result = sij("run", "--speed", "1000", input="n\nn\n3\nn\n", interactive=True)
    assert result.exit_code == 130
    assert _only_session(sij)["state"] == "aborted"
    result = sij("run", "--resume", "--speed", "1000", input="y\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "Any of these new symptoms?" in result.stderr
    assert "The routine was not continued." in result.stderr
    assert _only_session(sij)["state"] == "aborted"


# ---- a stopped session says how much of the routine it planned ---------------------------------------------------

# screen offer: no · heat: no · pain before: 4 · quick check: no · sharp after the 1st of 3 stretches: yes
STOP_AFTER_FIRST = "n\nn\n4\nn\ny\n\n"


def test_session_stopped_for_sharp_pain_shows_the_holds_the_routine_planned(sij) -> None:
    result = sij("run", "--speed", "1000", input=STOP_AFTER_FIRST, interactive=True)
    assert result.exit_code == 0, result.output
    assert "2 of 6 holds done; stopped for sharp pain" in flat(result.stdout)
    assert "2 of 2" not in result.stdout
    session = _only_session(sij)
    assert (session["holds_done"], session["holds_planned"]) == (2, 6)
    assert len(session["stretches"]) == 2  # the holds recorded, as before
    table = sij("history").stdout
    assert "2/6" in table and "2/2" not in table
    csv_text = sij("export", "--format", "csv").stdout
    (row,) = csv.DictReader(io.StringIO(csv_text))
    assert (row["Holds done"], row["Holds planned"]) == ("2", "6")
    fhir = json.loads(sij("export", "--format", "fhir").stdout)
    (procedure,) = [e["resource"] for e in fhir["entry"] if e["resource"]["resourceType"] == "Procedure"]
    notes = " ".join(n["text"] for n in procedure["note"])
    assert "Holds (2 of 6 done" in notes
    backup = json.loads(sij("export", "--format", "json").stdout)
    assert "holds_planned" not in json.dumps(backup)  # derived, never stored


def test_completed_and_hand_picked_sessions_plan_what_they_recorded(sij) -> None:
    assert sij("run", "--speed", "1000", "--yes", "--no-red-flags").exit_code == 0
    assert sij("log", "--stretch", "figure-4").exit_code == 0
    sessions = json.loads(sij("history", "--json").stdout)
    assert [(s["holds_done"], s["holds_planned"]) for s in sessions] == [(2, 2), (6, 6)]


def test_planned_follows_the_routine_now_but_never_below_what_was_recorded(sij) -> None:
    assert sij("run", "--speed", "1000", input=STOP_AFTER_FIRST, interactive=True).exit_code == 0
    steps = ["--step", "Kneel on all fours.", "--step", "Sit back slowly toward your heels."]
    assert sij("stretches", "add", "childs-pose", "--name", "Child's pose", *steps, "--both-sides").exit_code == 0
    # The routine now has one both-sides stretch only: fewer than the 2 holds recorded, so 2 is planned.
    assert sij("routines", "edit", "si-basics", "--stretch", "childs-pose").exit_code == 0
    assert (_only_session(sij)["holds_done"], _only_session(sij)["holds_planned"]) == (2, 2)
    edit = ("routines", "edit", "si-basics", "-s", "childs-pose", "-s", "figure-4", "-s", "supine-twist")
    assert sij(*edit).exit_code == 0
    assert _only_session(sij)["holds_planned"] == 5


# ---- gates that nothing skips (issue 11) -------------------------------------------------------------------------


def _screenings(db_path: Path) -> list[tuple[str, str, str]]:
    rows = query(db_path, "SELECT kind, level, answers FROM screening ORDER BY id")
    # Answers are JSON: text on SQLite, already parsed on PostgreSQL; compared as SQLite stores them.
    return [(k, lv, a if isinstance(a, str) else json.dumps(a)) for k, lv, a in rows]


def _panel_is_last(stderr: str, title: str) -> bool:
    """The last thing written to the screen is the panel with this title."""
    last_panel = stderr.rfind("╭")
    return title in stderr[last_panel:].splitlines()[0] and stderr.rstrip().endswith("╯")


@pytest.mark.parametrize("pain", ["3", "8"])
def test_yes_without_a_terminal_needs_no_red_flags(sij, db_path: Path, pain: str) -> None:
    sij("history")
    before = snapshot(db_path)
    result = sij("run", "--yes", "--speed", "1000", "--pain-before", pain)
    assert result.exit_code == 2
    assert "--no-red-flags" in result.stderr and "nothing was saved" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert snapshot(db_path) == before


def test_no_red_flags_is_recorded_like_an_answer_on_screen(sij, db_path: Path) -> None:
    result = sij("run", "--yes", "--no-red-flags", "--speed", "1000")
    assert result.exit_code == 0, result.output
    assert "Any of these new symptoms? no (--no-red-flags)" in flat(result.stderr)
    assert _screenings(db_path) == [("quick", "none", '{"emergency_symptoms": false}')]


def test_yes_on_a_terminal_still_asks_the_quick_question(sij, db_path: Path) -> None:
    result = sij("run", "--yes", "--speed", "1000", input="y\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "Any of these new symptoms? [y/N]" in result.stderr
    assert "emergency department" in flat(result.stderr)
    assert count_rows(db_path, "practice") == 0
    result = sij("run", "--yes", "--speed", "1000", input="n\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert _only_session(sij)["state"] == "completed"
    assert [row[:2] for row in _screenings(db_path)] == [("quick", "emergency"), ("quick", "none")]


def test_sharp_without_a_terminal_stops_there_and_shows_the_panel_last(sij) -> None:
    args = ("run", "--yes", "--no-red-flags", "--speed", "1000", "--pain-before", "3", "--pain-after", "5")
    result = sij(*args, "--sharp")
    assert result.exit_code == 0, result.output
    session = _only_session(sij)
    assert session["state"] == "stopped_sharp" and session["sharp"] and session["flagged"]
    assert [(s["slug"], s["side"], s["sharp"]) for s in session["stretches"]] == [
        ("knee-to-chest", "left", True),
        ("knee-to-chest", "right", True),
    ]
    assert (session["pain_before"], session["pain_after"]) == (3, 5)
    assert "sharp, stabbing or shooting pain, or new numbness or tingling? yes (--sharp" in flat(result.stderr)
    assert _panel_is_last(result.stderr, "See a doctor or physiotherapist")


def test_a_skipped_pain_before_is_asked_once_more_with_the_reason(sij) -> None:
    # screen offer: no · heat: no · pain before: Enter, then 4 · quick: no · sharp: no ×3 · pain after: Enter
    result = sij("run", "--speed", "1000", input="n\nn\n\n4\nn\nn\nn\nn\n\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "decides whether it is safe to start" in flat(result.stderr)
    assert _only_session(sij)["pain_before"] == 4


def test_a_pain_before_skipped_twice_is_recorded_as_not_given(sij) -> None:
    result = sij("run", "--speed", "1000", input="n\nn\n\n\nn\nn\nn\nn\n\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Pain before stretching:") == 2
    assert _only_session(sij)["pain_before"] is None and _only_session(sij)["state"] == "completed"


def test_the_first_full_screen_replaces_the_quick_question(sij, db_path: Path) -> None:
    answers = "y\n" + "n\n" * 13 + "n\n2\n" + "n\n" * 3 + "\n"
    result = sij("run", "--speed", "1000", input=answers, interactive=True)
    assert result.exit_code == 0, result.output
    assert "Any of these new symptoms?" not in result.stderr
    assert [row[:2] for row in _screenings(db_path)] == [("full", "none")]
    assert _only_session(sij)["state"] == "completed"
    # The next run asks the quick question again.
    result = sij("run", "--speed", "1000", input="n\n2\nn\n" + "n\n" * 3 + "\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "Any of these new symptoms? [y/N]" in result.stderr


def test_an_emergency_answer_on_the_first_screen_blocks_the_routine(sij, db_path: Path) -> None:
    result = sij("run", "--speed", "1000", input="y\ny\n" + "n\n" * 12, interactive=True)
    assert result.exit_code == 0, result.output
    assert "emergency department" in flat(result.stderr) and "The routine was not started." in result.stderr
    assert "Any of these new symptoms?" not in result.stderr and "Start the routine anyway" not in result.stderr
    assert count_rows(db_path, "practice") == 0


# self-paced: Enter = hold done, s = skip, q = stop (asks first)
START = "n\nn\n3\nn\n"  # screen offer: no · heat: no · pain before: 3 · quick question: no


def test_q_asks_before_stopping_and_no_goes_on(sij) -> None:
    answers = START + "q\nn\n" + "\n" + "q\ny\n"
    result = sij("run", "--self-paced", input=answers, interactive=True)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Stop here and save what you have done? [y/N]") == 2
    session = _only_session(sij)
    assert session["state"] == "aborted" and [s["completed"] for s in session["stretches"]] == [True]
    assert "sij run --resume" in result.stderr


def test_stopping_before_any_hold_keeps_only_the_pain_score(sij, db_path: Path) -> None:
    result = sij("run", "--self-paced", input=START + "q\ny\n\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "No hold was done yet. Save this as a session anyway? [y/N]" in result.stderr
    assert "no session was saved" in flat(result.stderr) and "check-in #1" in flat(result.stderr)
    assert count_rows(db_path, "practice") == 0
    assert query(db_path, "SELECT score, context, practice_id FROM pain_score") == [(3, "check-in", None)]
    assert "no routine stopped early today" in sij("run", "--resume", "--yes", "--no-red-flags").stderr


def test_stopping_before_any_hold_saves_the_session_when_asked_to(sij) -> None:
    result = sij("run", "--self-paced", input=START + "s\nq\ny\ny\n", interactive=True)
    assert result.exit_code == 0, result.output
    session = _only_session(sij)
    assert session["state"] == "aborted" and session["pain_before"] == 3
    assert [s["completed"] for s in session["stretches"]] == [False]


def test_resume_in_the_middle_of_a_stretch_shows_it_again(sij) -> None:
    assert sij("run", "--self-paced", input=START + "\nq\ny\n", interactive=True).exit_code == 0
    result = sij("run", "--resume", "--speed", "1000", input="n\n" + "n\n" * 3 + "\n", interactive=True)
    assert result.exit_code == 0, result.output
    text = flat(result.stderr)
    assert "Stretch 1 of 3: hold 30 s, each side" in text
    assert text.index("Knee to chest, right side. Get into position.") < text.index("Knee to chest, right side: held")
    assert "Switch sides" not in text.split("Figure 4")[0]
    assert _only_session(sij)["state"] == "completed"


def test_a_sharp_question_cut_off_is_asked_again_on_resume(sij) -> None:
    # Both sides of the first stretch done, then the input ends at the sharp-pain question (as Ctrl-C would).
    assert sij("run", "--self-paced", input=START + "\n\n", interactive=True).exit_code == 130
    result = sij("run", "--resume", "--speed", "1000", input="n\ny\n6\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "Before going on: about Knee to chest" in flat(result.stderr)
    session = _only_session(sij)
    assert session["state"] == "stopped_sharp" and session["pain_after"] == 6
    assert [s["sharp"] for s in session["stretches"]] == [True, True]


def test_sharp_pain_asks_pain_now_then_saves_then_shows_the_panel_last(sij) -> None:
    result = sij("run", "--speed", "1000", input="n\nn\n4\nn\ny\n3\n", interactive=True)
    assert result.exit_code == 0, result.output
    assert "Pain now: Rate your low-back or pelvic pain right now" in flat(result.stderr)
    assert _only_session(sij)["pain_after"] == 3
    assert "Saved session #1" in result.stdout
    assert _panel_is_last(result.stderr, "See a doctor or physiotherapist")
