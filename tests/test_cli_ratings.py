"""Function (`sij activities`) and the impression of change (`sij impression`): recording, refusing, correcting,
the verdict's edge, when `sij` asks, and how progress reports them."""

from __future__ import annotations

import json
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import NOW, count_rows, flat
from tracker import safety


def _rows(db_path: Path) -> tuple[int, int]:
    return count_rows(db_path, "activity"), count_rows(db_path, "rating")


def _add(sij, *texts: str) -> None:
    for text in texts:
        result = sij("activities", "add", text)
        assert result.exit_code == 0, result.output


def _progress(sij) -> dict:
    result = sij("progress", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---- recording ---------------------------------------------------------------------------------


def test_add_list_rate_and_retire(sij) -> None:
    _add(sij, "Putting on socks", "Sitting through a film")
    result = sij("activities", "rate", "1=4", "2=6")
    assert result.exit_code == 0, result.output
    assert "Saved rating #1: Putting on socks 4/10." in result.stdout
    listed = json.loads(sij("activities", "--json").stdout)
    assert [(a["id"], a["text"], a["latest"], a["latest_day"]) for a in listed] == [
        (1, "Putting on socks", 4, "2026-11-24"),
        (2, "Sitting through a film", 6, "2026-11-24"),
    ]
    table = sij("activities").stdout
    assert "Putting on socks" in table and "4/10" in table
    retired = sij("activities", "retire", "2")
    assert retired.exit_code == 0 and "Its ratings stay in history" in retired.stdout
    assert [a["id"] for a in json.loads(sij("activities", "--json").stdout)] == [1]
    assert [a["active"] for a in json.loads(sij("activities", "--all", "--json").stdout)] == [True, False]
    # The retired activity's rating stays in history.
    assert len(json.loads(sij("history", "--ratings", "--json").stdout)) == 2


def test_rate_asks_each_activity_on_a_terminal_and_enter_skips(sij) -> None:
    _add(sij, "Putting on socks", "Sitting through a film")
    result = sij("activities", "rate", interactive=True, input="11\n5\n\n")
    assert result.exit_code == 0, result.output
    assert "0 = cannot do it at all … 10 = as well as before the problem" in result.stderr
    assert "Please type a whole number from 0 to 10" in result.stderr
    ratings = json.loads(sij("history", "--ratings", "--json").stdout)
    assert [(r["activity_id"], r["value"]) for r in ratings] == [(1, 5)]


def test_rate_without_a_terminal_needs_pairs(sij, db_path: Path) -> None:
    _add(sij, "Walking 20 minutes")
    before = _rows(db_path)
    result = sij("activities", "rate")
    assert result.exit_code == 2
    assert "sij activities rate 1=4 2=6" in result.stderr
    assert _rows(db_path) == before


def test_impression_records_the_words_and_meaning(sij) -> None:
    result = sij("impression", "2")
    assert result.exit_code == 0, result.output
    assert "2 much better" in flat(result.stdout) and "clinically important improvement" in flat(result.stdout)
    worse = sij("impression", "6")
    assert worse.exit_code == 0
    assert "Ask your GP or physiotherapist for a review" in flat(worse.stderr)
    impression = _progress(sij)["impression"]
    assert impression == {
        "value": 6,
        "words": "much worse",
        "day": "2026-11-24",
        "meaning": "worse: ask for a review",
        "advice": safety.IMPRESSION_REVIEW_ADVICE,
    }


def test_impression_asked_on_a_terminal_shows_the_scale(sij) -> None:
    result = sij("impression", interactive=True, input="9\n3\n")
    assert result.exit_code == 0, result.output
    assert safety.IMPRESSION_QUESTION in flat(result.stderr)
    for n, words in safety.IMPRESSION_WORDS.items():
        assert f"{n} {words}" in flat(result.stderr)
    assert "Please type a whole number from 1 to 7" in result.stderr
    assert json.loads(sij("history", "--ratings", "--json").stdout)[0]["value"] == 3


@pytest.mark.parametrize(
    "text",
    [
        "\u0646\u0634\u0633\u062a\u0646\u200c\u0647\u0627",  # Persian: a zero-width non-joiner inside a word
        "Playing with \U0001f468\u200d\U0001f469\u200d\U0001f467",  # an emoji joined with zero-width joiners
        "\u05d4\u05dc\u05d9\u05db\u05d4\u200f 20 min",  # Hebrew with a right-to-left mark
    ],
)
def test_an_activity_may_hold_what_a_note_may(sij, text: str) -> None:
    """Joiners and direction marks are part of some languages' words (and a note accepts them): an activity keeps
    them exactly, and the backup brings them back."""
    result = sij("activities", "add", text)
    assert result.exit_code == 0, result.stderr
    assert [a["text"] for a in json.loads(sij("activities", "--json").stdout)] == [text]


# ---- refusing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["activities", "add", ""], "The activity is empty"),
        (["activities", "add", "   "], "The activity is empty"),
        (["activities", "add", "x" * 121], "the limit is 120"),
        (["activities", "add", "bad\x07bell"], "control character"),
        (["activities", "add", "walking \u202eskcos"], "control character (U+202E)"),  # a direction override
        (["activities", "add", "putting on SOCKS"], "already"),
        (["activities", "rate", "1=11"], "outside the scale"),
        (["activities", "rate", "1=-1"], "outside the scale"),
        (["activities", "rate", "1=four"], "is not ID=N"),
        (["activities", "rate", "1"], "is not ID=N"),
        (["activities", "rate", "1=4", "1=5"], "rated twice"),
        (["activities", "rate", "9=4"], "No activity with id 9"),
        (["activities", "rate", "1=4", "9=4"], "No activity with id 9"),
        (["activities", "retire", "9"], "No activity with id 9"),
        (["activities", "retire", "x"], "is not an id"),
        (["activities", "rate", "0=4"], "'0=4' is not ID=N: '0' is not an id; give the whole number shown by"),
        (["activities", "rate", "-1=4"], "'-1=4' is not ID=N: '-1' is not an id; give the whole number shown by"),
        (["activities", "rate", "1=4", "-2=4"], "'-2=4' is not ID=N: '-2' is not an id"),
        (["activities", "rate", "99999999999999999999=4"], "'99999999999999999999' is not an id"),
        (["activities", "retire", "99999999999999999999"], "'99999999999999999999' is not an id"),
        (["edit", "--rating", "0", "--value", "3"], "shown by `sij history --ratings` or `sij trash`"),
        (["impression", "0"], "outside the scale"),
        (["impression", "8"], "outside the scale"),
        (["impression", "three"], "is not a rating"),
        (["impression", "3", "--at", "2099-01-01"], "--at"),
        (["edit", "--rating", "1", "--value", "11"], "outside the scale"),
        (["edit", "--rating", "99", "--value", "3"], "No rating with id 99"),
        (["edit", "--rating", "1"], "Nothing to change"),
        (["edit", "--rating", "1", "--score", "3"], "not part of a rating"),
        (["edit", "12", "--value", "3"], "--value is for ratings"),
        (["delete", "--rating", "99", "--yes"], "No rating with id 99"),
        (["restore", "--rating", "1"], "not in the trash"),
    ],
)
def test_bad_input_is_refused_with_exit_2_and_nothing_written(sij, db_path: Path, args, message) -> None:
    _add(sij, "Putting on socks")
    assert sij("activities", "rate", "1=4").exit_code == 0
    before = _rows(db_path)
    ratings_before = sij("history", "--ratings", "--json").stdout
    result = sij(*args)
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
    assert "Traceback" not in result.output
    assert _rows(db_path) == before
    assert sij("history", "--ratings", "--json").stdout == ratings_before


def test_a_sixth_activity_is_refused(sij, db_path: Path) -> None:
    _add(sij, *(f"activity {n}" for n in range(1, 6)))
    result = sij("activities", "add", "a sixth one")
    assert result.exit_code == 2
    assert "retire one first" in flat(result.stderr)
    assert count_rows(db_path, "activity") == 5
    assert sij("activities", "retire", "1").exit_code == 0
    assert sij("activities", "add", "a sixth one").exit_code == 0  # room again after retiring one


def test_a_retired_activity_cannot_be_rated(sij, db_path: Path) -> None:
    _add(sij, "Putting on socks", "Walking")
    assert sij("activities", "retire", "1").exit_code == 0
    result = sij("activities", "rate", "1=4", "2=5")
    assert result.exit_code == 2
    assert "Activity #1 is retired" in result.stderr
    assert count_rows(db_path, "rating") == 0  # all or nothing


def test_rating_with_no_activities_says_how_to_add_one(sij) -> None:
    result = sij("activities", "rate", "1=4")
    assert result.exit_code == 2
    assert "sij activities add" in result.stderr


# ---- correcting --------------------------------------------------------------------------------


def test_edit_delete_trash_restore_and_undo_a_rating(sij, clock) -> None:
    _add(sij, "Putting on socks")
    assert sij("activities", "rate", "1=4").exit_code == 0
    edited = sij("edit", "--rating", "1", "--value", "6", "--at", "2026-11-23T18:00")
    assert edited.exit_code == 0, edited.output
    assert "Corrected rating #1" in flat(edited.stdout)
    (rating,) = json.loads(sij("history", "--ratings", "--json").stdout)
    assert (rating["value"], rating["recorded_at"]) == (6, "2026-11-23T18:00:00+00:00")

    deleted = sij("delete", "--rating", "1", "--yes")
    assert deleted.exit_code == 0 and "sij restore --rating 1" in flat(deleted.stdout)
    assert json.loads(sij("history", "--ratings", "--json").stdout) == []
    trash = json.loads(sij("trash", "--json").stdout)
    assert [(t["kind"], t["id"], t["what"]) for t in trash] == [("rating", 1, "Putting on socks: 6/10")]
    assert "sij restore --rating 1" in sij("trash").stdout
    assert sij("restore", "--rating", "1").exit_code == 0
    assert len(json.loads(sij("history", "--ratings", "--json").stdout)) == 1

    clock.current = NOW + timedelta(minutes=1)
    assert sij("impression", "3").exit_code == 0
    undone = sij("undo", "--yes")
    assert undone.exit_code == 0, undone.output
    assert "impression of change: 3 a little better" in flat(undone.stdout)
    assert [r["kind"] for r in json.loads(sij("history", "--ratings", "--json").stdout)] == ["function"]


def test_undo_takes_a_check_in_made_after_a_rating(sij, clock) -> None:
    assert sij("impression", "3").exit_code == 0
    clock.current = NOW + timedelta(minutes=1)
    assert sij("pain", "4").exit_code == 0
    undone = sij("undo", "--yes")
    assert "check-in" in undone.stdout
    assert len(json.loads(sij("history", "--ratings", "--json").stdout)) == 1


def test_delete_without_a_terminal_needs_yes(sij) -> None:
    assert sij("impression", "3").exit_code == 0
    result = sij("delete", "--rating", "1")
    assert result.exit_code == 2
    assert "add --yes" in result.stderr


# ---- the function verdict ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "current", "verdict"),
    [
        (3.0, 4.9, safety.FunctionVerdict.no_meaningful_change),
        (3.0, 5.0, safety.FunctionVerdict.meaningful),
        (3.0, 1.1, safety.FunctionVerdict.no_meaningful_change),
        (3.0, 1.0, safety.FunctionVerdict.worse),
        (5 / 3, 11 / 3, safety.FunctionVerdict.meaningful),  # 1.666… → 3.666…: exactly 2 despite float noise
    ],
)
def test_function_verdict_edges(baseline: float, current: float, verdict: safety.FunctionVerdict) -> None:
    assert safety.function_verdict(baseline, current, 1) is verdict
    assert safety.function_verdict(baseline, current, 0) is safety.FunctionVerdict.not_enough_data


@given(
    first=st.lists(st.integers(0, 10), min_size=1, max_size=5),
    rises=st.lists(st.integers(-10, 10), min_size=5, max_size=5),
)
def test_function_verdict_is_exact_for_any_ratings(first: list[int], rises: list[int]) -> None:
    from statistics import fmean

    later = [max(0, min(10, v + r)) for v, r in zip(first, rises, strict=False)]
    exact = Fraction(sum(later) - sum(first), len(first))
    verdict = safety.function_verdict(fmean(first), fmean(later), 1)
    assert (verdict is safety.FunctionVerdict.meaningful) == (exact >= 2)
    assert (verdict is safety.FunctionVerdict.worse) == (exact <= -2)


def test_progress_reports_function_at_1_9_and_2_points(sij, clock) -> None:
    """Means of 1.9 and 2.0 points cannot come from up to 5 whole ratings and 0.1 steps; 1.8 and 2.0 can."""
    _add(sij, *(f"activity {n}" for n in range(1, 6)))
    assert sij("activities", "rate", "1=3", "2=3", "3=3", "4=3", "5=3", "--at", "2026-11-01").exit_code == 0
    assert sij("activities", "rate", "1=5", "2=5", "3=5", "4=5", "5=4", "--at", "2026-11-10").exit_code == 0
    function = _progress(sij)["function"]
    assert (function["baseline"], function["current"], function["points"]) == (3.0, 4.8, 1.8)
    assert function["difference"] == function["points"]  # current - baseline, as for pain's `difference`
    assert function["verdict"] == "no_meaningful_change"
    assert sij("activities", "rate", "5=5").exit_code == 0
    function = _progress(sij)["function"]
    assert (function["points"], function["verdict"]) == (2.0, "meaningful")
    assert function["activities"][4] == {
        "id": 5,
        "text": "activity 5",
        "first": 3,
        "first_day": "2026-11-01",
        "latest": 5,
        "latest_day": "2026-11-24",
    }
    shown = flat(sij("progress").stdout)
    assert "Function starting 3.0 (first ratings, from 2026-11-01) → now 5.0" in shown
    assert "· +2.0 points" in shown
    assert "What you can do has improved by a meaningful amount" in shown


def test_function_means_are_printed_so_that_they_add_up(sij, clock, tmp_path: Path) -> None:
    """Four activities give means in quarters: 2.75 → 5.25 is printed 2.8 → 5.3 (+2.5), never 2.8 → 5.2 (+2.5), in the
    terminal and in the PDF; the JSON keeps the exact means."""
    from pypdf import PdfReader

    _add(sij, *(f"activity {n}" for n in range(1, 5)))
    assert sij("activities", "rate", "1=2", "2=3", "3=5", "4=1", "--at", "2026-11-01").exit_code == 0
    assert sij("log", "--pain-before", "5", "--pain-after", "4", "--at", "2026-11-02").exit_code == 0
    assert sij("activities", "rate", "1=4", "2=6", "3=5", "4=6").exit_code == 0
    function = _progress(sij)["function"]
    assert (function["baseline"], function["current"], function["points"]) == (2.75, 5.25, 2.5)
    shown = flat(sij("progress").stdout)
    assert "starting 2.8 (first ratings, from 2026-11-01) → now 5.3" in shown and "· +2.5 points" in shown
    report = tmp_path / "report.pdf"
    assert sij("export", "--format", "pdf", "--output", str(report)).exit_code == 0
    page = flat(PdfReader(report).pages[0].extract_text())
    assert "2.8 → 5.3 (+2.5 points): meaningful improvement" in page
    assert "Impression: 1-2" not in page  # no impression given, so no note about its scale


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (2.75, 5.25, "2.8 → 5.3 (+2.5 points): meaningful improvement"),
        (7 / 3, 14 / 3, "2.3 → 4.7 (+2.4 points): meaningful improvement"),
        (2.34, 4.3, "2.34 → 4.30 (+1.96 points): no meaningful change"),  # 2.3 → 4.3 would read as +2.0
        (4.0, 4.0, "4.0 → 4.0 (no change): no meaningful change"),
        (6.25, 3.0, "6.3 → 3.0 (-3.3 points): lower than at the start"),
        (2.0, 3.0, "2.0 → 3.0 (+1.0 point): no meaningful change"),
    ],
)
def test_function_headline_numbers_add_up_and_agree_with_the_verdict(
    baseline: float, current: float, expected: str
) -> None:
    from tracker.stats import FunctionSummary

    verdict = safety.function_verdict(baseline, current, 1)
    assert FunctionSummary((), baseline, current, verdict, rerated=1).headline == expected


def test_function_needs_a_second_rating_day(sij) -> None:
    _add(sij, "Walking")
    assert sij("activities", "rate", "1=3").exit_code == 0
    assert sij("activities", "rate", "1=9").exit_code == 0  # the same day: nothing to compare yet
    assert _progress(sij)["function"]["verdict"] == "not_enough_data"


def test_progress_without_ratings_has_empty_function_and_no_impression(sij) -> None:
    document = _progress(sij)
    assert document["function"]["activities"] == [] and document["function"]["verdict"] == "not_enough_data"
    assert document["impression"] is None


# ---- when `sij` asks ---------------------------------------------------------------------------


def test_first_use_offers_to_name_activities_once(sij) -> None:
    result = sij(interactive=True, input="Putting on socks\n\n")
    assert result.exit_code == 0, result.output
    assert "name up to 5 activities" in flat(result.stderr)
    assert "Added activity #1: Putting on socks." in result.stdout
    again = sij(interactive=True, input="")
    assert "name up to 5 activities" not in flat(again.stderr)
    assert "rate your activities for the first time" in flat(again.stdout)


def test_skipping_the_offer_is_remembered(sij) -> None:
    assert sij(interactive=True, input="\n").exit_code == 0
    again = sij(interactive=True, input="")
    assert "name up to 5 activities" not in flat(again.output)


def test_without_a_terminal_sij_only_suggests_naming_activities(sij, db_path: Path) -> None:
    result = sij()
    assert result.exit_code == 0
    assert 'sij activities add "putting on socks"' in flat(result.stdout)
    assert count_rows(db_path, "activity") == 0


def test_reminds_when_ratings_are_7_days_old(sij, clock) -> None:
    _add(sij, "Walking")
    assert sij("activities", "rate", "1=4").exit_code == 0
    clock.current = NOW + timedelta(days=6)
    assert "rate them again" not in flat(sij().stdout)
    clock.current = NOW + timedelta(days=7)
    assert "your last activity ratings are from 2026-11-24" in flat(sij().stdout)


def test_impression_is_asked_from_day_14_at_most_once_a_day(sij, clock) -> None:
    assert sij("log", "--pain-before", "5", "--pain-after", "4").exit_code == 0  # the first session, day 0
    clock.current = NOW + timedelta(days=13)
    assert safety.IMPRESSION_QUESTION not in flat(sij(interactive=True, input="\n").stderr)
    assert "sij impression" not in flat(sij().stdout)
    clock.current = NOW + timedelta(days=14)
    assert "record your overall impression of change" in flat(sij().stdout)  # no terminal: a line, not asked
    asked = sij(interactive=True, input="\n")  # Enter skips
    assert safety.IMPRESSION_QUESTION in flat(asked.stderr)
    clock.current += timedelta(hours=3)
    later = sij(interactive=True, input="\n")
    assert safety.IMPRESSION_QUESTION not in flat(later.stderr)  # not twice on one day
    clock.current = NOW + timedelta(days=15)
    answered = sij(interactive=True, input="2\n")
    assert safety.IMPRESSION_QUESTION in flat(answered.stderr)
    assert "2 much better" in flat(answered.stdout)
    clock.current = NOW + timedelta(days=15 + 13)
    assert safety.IMPRESSION_QUESTION not in flat(sij(interactive=True, input="\n").stderr)
    clock.current = NOW + timedelta(days=15 + 14)
    assert safety.IMPRESSION_QUESTION in flat(sij(interactive=True, input="\n").stderr)


def test_impression_is_not_asked_before_any_session(sij, clock) -> None:
    assert sij("pain", "4").exit_code == 0
    clock.current = NOW + timedelta(days=30)
    assert safety.IMPRESSION_QUESTION not in flat(sij(interactive=True, input="\n").stderr)


def test_a_ratings_csv_names_the_ratings_it_wrote(sij) -> None:
    assert sij("activities", "add", "putting on socks").exit_code == 0
    assert sij("activities", "add", "walking to the shop").exit_code == 0
    assert sij("activities", "rate", "1=4", "2=6").exit_code == 0
    result = sij("export", "--format", "csv", "--table", "ratings")
    assert result.exit_code == 0, result.output
    assert "Exported 2 ratings as CSV." in result.stderr


def test_undo_without_a_terminal_states_what_needs_confirmation(sij) -> None:
    assert sij("activities", "add", "putting on socks").exit_code == 0
    assert sij("activities", "rate", "1=4").exit_code == 0
    result = sij("undo")
    assert result.exit_code == 2
    assert "?" not in result.stderr
    assert "needs confirmation (it goes to the trash); add --yes" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["edit", "--rating", "3000000000", "--value", "3"],
        ["delete", "--rating", "3000000000", "--yes"],
        ["restore", "--rating", "3000000000"],
        ["activities", "retire", "3000000000"],
        ["activities", "rate", "3000000000=4"],
    ],
)
def test_an_id_past_32_bits_is_simply_not_found(sij, command: list[str]) -> None:
    """PostgreSQL's integer ids stop at 2**31 - 1: a larger typed id is "not found" there too, never a server error."""
    assert sij("activities", "add", "walking").exit_code == 0
    result = sij(*command)
    assert result.exit_code == 2, result.output
    assert "No rating with id 3000000000" in result.stderr or "No activity with id 3000000000" in result.stderr
    assert "could not be used" not in result.stderr


# ---- wording ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("session_command", "activity_command"),
    [
        (["edit", "0", "--note", "x"], ["activities", "retire", "0"]),
        (["edit", "99999999999999999999", "--note", "x"], ["activities", "unretire", "99999999999999999999"]),
        (["edit", "99999999999", "--note", "x"], ["activities", "retire", "99999999999"]),
    ],
)
def test_activity_ids_are_refused_as_session_ids_are(sij, session_command, activity_command) -> None:
    _add(sij, "Putting on socks")
    for_session, for_activity = sij(*session_command), sij(*activity_command)
    assert for_session.exit_code == for_activity.exit_code == 2
    # The same first words: "'0' is not an id; give the whole number shown by ..." or "No ... with id N; ...".
    said = flat(for_session.stderr).split(";")[0].replace("No session with id", "No activity with id")
    assert flat(for_activity.stderr).startswith(said), (for_session.stderr, for_activity.stderr)


def test_rate_usage_line_reads_as_typed(sij) -> None:
    text = sij("activities", "rate", "--help").stdout
    assert "Usage: sij activities rate [OPTIONS] [ID=N]..." in text
    assert "]...]" not in text


@pytest.mark.parametrize(
    "command", [["activities", "rate"], ["impression"], ["activities", "add"], ["activities", "retire"]]
)
def test_at_help_is_the_same_as_logs(sij, command: list[str]) -> None:
    said = "When: 9am, 18:00, yesterday 9am, monday 8am, 2026-11-30 9:00, or a day alone (default: now)."
    assert said in flat(sij("log", "--help").stdout)
    text = flat(sij(*command, "--help").stdout)
    assert said in text and "ISO date or date-time" not in text


@pytest.mark.parametrize(
    ("command", "echoed"),
    [
        (["activities", "rate", "1=4", "--at", "yesterday 9am"], "socks 4/10 at 2026-11-23 09:00 (UTC+00:00)."),
        (["activities", "rate", "1=4", "--at", "monday 8am"], "socks 4/10 at 2026-11-23 08:00 (UTC+00:00)."),
        (["activities", "rate", "1=4", "--at", "yesterday"], "Saved rating #1: Putting on socks 4/10 on 2026-11-23."),
        (["activities", "rate", "1=4"], "Saved rating #1: Putting on socks 4/10."),
        (["impression", "3", "--at", "2026-11-20 18:30"], "Saved rating #1: impression of change 3 "),
    ],
)  # fmt: skip
def test_rating_echoes_the_time_given_with_at(sij, command: list[str], echoed: str) -> None:
    _add(sij, "Putting on socks")
    result = sij(*command)
    assert result.exit_code == 0, result.output
    assert echoed in flat(result.stdout)
    if command[0] == "impression":
        assert flat(result.stdout).endswith("at 2026-11-20 18:30 (UTC+00:00).")


def test_input_ending_partway_through_rating_says_nothing_was_saved(sij, db_path: Path) -> None:
    _add(sij, "Putting on socks", "Sitting through a film")
    before = _rows(db_path)
    result = sij("activities", "rate", interactive=True, input="4\n")  # the second question gets no answer
    assert result.exit_code == 130
    assert "Interrupted; nothing was saved." in result.stderr and "nothing more" not in result.stderr
    assert "Traceback" not in result.output
    assert _rows(db_path) == before


def test_history_of_ratings_names_a_period_only_when_one_was_given(sij) -> None:
    plain = sij("history", "--ratings")
    assert plain.exit_code == 0
    assert "No ratings recorded. Rate your activities" in plain.stderr and "period" not in plain.output
    since = sij("history", "--ratings", "--since", "yesterday")
    assert "No ratings recorded in this period." in since.stderr
    assert "period" not in sij("history").output and "period" not in sij("history", "--check-ins").output


def test_progress_never_says_not_rated_when_every_rated_activity_is_retired(sij) -> None:
    assert sij("activities", "add", "Sitting", "--at", "2026-11-01").exit_code == 0
    assert sij("activities", "rate", "1=3", "--at", "2026-11-01").exit_code == 0
    assert sij("activities", "rate", "1=5", "--at", "2026-11-20").exit_code == 0
    assert sij("activities", "retire", "1").exit_code == 0
    text = flat(sij("progress").stdout)
    assert "not rated yet" not in text
    assert "no activity followed now (all retired); their ratings are in `sij history --ratings`" in text
    assert sij("activities", "add", "Walking").exit_code == 0
    assert "not rated yet: `sij activities rate`" in flat(sij("progress").stdout)
