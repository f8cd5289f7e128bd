"""Ratings everywhere the record goes: CSV, the JSON backup and import, FHIR (validated with the R4B models), the
plot, the PDF report; and the calendar reminder of `sij remind`, parsed back with icalendar."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW, count_rows, flat
from tracker import safety
from tracker.exports import json_backup


def _history(sij, clock) -> None:
    """Two activities rated on three days (one retired later), two impressions, one rating in the trash."""
    assert sij("log", "--pain-before", "6", "--pain-after", "5", "--at", "2026-10-01T08:00").exit_code == 0
    for text in ("Putting on socks", "Walking, 20 minutes"):
        assert sij("activities", "add", text, "--at", "2026-10-01T08:05").exit_code == 0
    assert sij("activities", "rate", "1=3", "2=4", "--at", "2026-10-01T08:10").exit_code == 0
    assert sij("activities", "rate", "1=4", "2=5", "--at", "2026-10-20T19:00").exit_code == 0
    assert sij("impression", "4", "--at", "2026-10-15T20:00").exit_code == 0
    assert sij("activities", "rate", "1=6", "2=6", "--at", "2026-11-20T19:00").exit_code == 0
    assert sij("impression", "2", "--at", "2026-11-20T19:30").exit_code == 0
    assert sij("delete", "--rating", "3", "--yes").exit_code == 0  # the second rating of activity 1
    assert sij("activities", "retire", "2").exit_code == 0


# ---- CSV ---------------------------------------------------------------------------------------


def test_csv_ratings_table(sij, clock) -> None:
    _history(sij, clock)
    result = sij("export", "--format", "csv", "--table", "ratings")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0] == [*("Rating #", "Date", "Time", "UTC offset", "Measure", "Activity", "Rating", "Scale", "Meaning")]
    body = rows[1:]
    assert len(body) == 7  # the trashed rating is left out
    assert body[0][:7] == ["1", "2026-10-01", "08:10", "UTC+01:00", "Function (activity)", "Putting on socks", "3"]
    impression = next(r for r in body if r[0] == "8")
    assert impression[4:7] == ["Impression of change", "", "2"]
    assert impression[8] == "much better: a clinically important improvement"


# ---- JSON backup -------------------------------------------------------------------------------


def _document(sij, db: Path | None = None) -> dict:
    result = sij("export", "--format", "json", db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_round_trip_with_ratings_is_exact(sij, clock, tmp_path: Path) -> None:
    _history(sij, clock)
    first = _document(sij)
    assert len(first["activities"]) == 2 and len(first["ratings"]) == 8
    retired = {a["text"]: a["retired_at"] is not None for a in first["activities"]}
    assert retired == {"Putting on socks": False, "Walking, 20 minutes": True}
    trashed = [r for r in first["ratings"] if r["deleted_at"]]
    assert len(trashed) == 1
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(first), encoding="utf-8")
    other = tmp_path / "other" / "sij.db"
    imported = sij("import", str(backup), "--json", db=other)
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["added"]["ratings"] == 8
    second = _document(sij, other)
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second
    again = sij("import", str(backup), "--json", db=other)
    assert set(json.loads(again.stdout)["added"].values()) == {0}
    # What progress reports is the same in both databases.
    a = json.loads(sij("progress", "--json").stdout)
    b = json.loads(sij("progress", "--json", db=other).stdout)
    for document in (a, b):  # ids are local to each database; everything else must agree
        for activity in document["function"]["activities"]:
            del activity["id"]
    assert a["function"] == b["function"] and a["impression"] == b["impression"]


def test_backup_without_ratings_still_imports(sij, tmp_path: Path) -> None:
    document = _document(sij)
    del document["activities"], document["ratings"]
    backup = tmp_path / "old.json"
    backup.write_text(json.dumps(document), encoding="utf-8")
    assert sij("import", str(backup), db=tmp_path / "x" / "sij.db").exit_code == 0


RATING = {
    "uuid": "00000000-0000-4000-8000-000000000002",
    "kind": "function",
    "activity": "00000000-0000-4000-8000-000000000001",
    "value": 5,
    "recorded_at": "2026-11-20T19:00:00+00:00",
    "offset_minutes": 0,
    "created_at": None,
    "deleted_at": None,
}
ACTIVITY = {
    "uuid": "00000000-0000-4000-8000-000000000001",
    "text": "Putting on socks",
    "added_at": "2026-11-01T08:00:00+00:00",
    "offset_minutes": 0,
    "retired_at": None,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rating": {"value": 11}}, "ratings[0].value should be a whole number from 0 to 10"),
        ({"rating": {"value": -1}}, "from 0 to 10"),
        ({"rating": {"kind": "impression", "activity": None, "value": 0}}, "from 1 to 7"),
        ({"rating": {"kind": "impression", "activity": None, "value": 8}}, "from 1 to 7"),
        ({"rating": {"kind": "impression"}}, "should be null for an impression"),
        ({"rating": {"kind": "mood"}}, "expected one of function, impression"),
        ({"rating": {"value": True}}, "whole number"),
        ({"rating": {"activity": "00000000-0000-4000-8000-000000000009"}}, "not in the file's activities"),
        ({"rating": {"recorded_at": "2026-11-20T19:00:00+01:00"}}, "offset_minutes is 0"),
        ({"activity": {"text": ""}}, "activities[0].text is empty"),
        ({"activity": {"text": "x" * 121}}, "the limit is 120"),
        ({"activity": {"text": "bad\x07bell"}}, "control character"),
    ],
)
def test_import_refuses_bad_ratings_and_writes_nothing(sij, tmp_path: Path, change, message) -> None:
    document = _document(sij)
    activity, rating = copy.deepcopy(ACTIVITY), copy.deepcopy(RATING)
    activity.update(change.get("activity", {}))
    rating.update(change.get("rating", {}))
    document["activities"], document["ratings"] = [activity], [rating]
    backup = tmp_path / "bad.json"
    backup.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "t" / "sij.db"
    result = sij("import", str(backup), db=target)
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
    assert count_rows(target, "rating") == 0 and count_rows(target, "activity") == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["function", "impression"]), value=st.integers(-3, 12))
def test_parse_accepts_exactly_each_scale(kind: str, value: int) -> None:
    rating = dict(RATING, kind=kind, value=value, activity=RATING["activity"] if kind == "function" else None)
    document = {
        "format": "sij-export",
        "version": 1,
        "exported_at": "2026-11-24T09:30:00+00:00",
        "sij_version": "0",
        "period": {"since": None, "until": None},
        "settings": {},
        "stretches": [],
        "routines": [],
        "sessions": [],
        "pain_scores": [],
        "screenings": [],
        "activities": [ACTIVITY],
        "ratings": [rating],
    }
    low, high = (0, 10) if kind == "function" else (1, 7)
    if low <= value <= high:
        assert json_backup.from_document(document).ratings[0].value == value
    else:
        with pytest.raises(json_backup.BackupError):
            json_backup.from_document(document)


# ---- FHIR --------------------------------------------------------------------------------------


def test_fhir_ratings_validate_with_the_r4b_models(sij, clock) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.observation import Observation

    _history(sij, clock)
    result = sij("export", "--format", "fhir")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    Bundle.model_validate(document)
    observations = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Observation"]
    for resource in observations:
        Observation.model_validate(resource)
    ratings = [o for o in observations if "ratings" in json.dumps(o.get("code", {}))]
    by_code: dict[str, list[dict]] = {}
    for o in ratings:
        by_code.setdefault(o["code"]["coding"][0]["code"], []).append(o)
    activity = by_code["activity-rating"]
    assert len(activity) == 5  # the trashed one is left out
    socks = sorted((o["effectiveDateTime"], o["valueInteger"]) for o in activity if "socks" in o["code"]["text"])
    assert socks == [("2026-10-01T08:10:00+01:00", 3), ("2026-11-20T19:00:00+00:00", 6)]
    assert all(o["category"][0]["coding"][0]["code"] == "survey" for o in ratings)
    scores = by_code["function-score"]
    assert [s["valueQuantity"]["value"] for s in scores] == [3.5, 5.0, 6.0]
    assert scores[0]["valueQuantity"]["code"] == "{score}"
    assert len(scores[0]["derivedFrom"]) == 2
    impressions = by_code["impression-of-change"]
    assert [i["valueInteger"] for i in impressions] == [4, 2]
    assert "2 = much better" in impressions[1]["note"][0]["text"]
    assert impressions[1]["code"]["text"] == safety.IMPRESSION_QUESTION
    ids = [e["resource"]["id"] for e in document["entry"]]
    assert len(ids) == len(set(ids))
    again = json.loads(sij("export", "--format", "fhir").stdout)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in document["entry"]]  # stable ids


# ---- plot and PDF ------------------------------------------------------------------------------


def test_plot_gains_a_function_panel_with_impressions(sij, clock, db_path: Path, tmp_path: Path) -> None:
    from tracker import charts
    from tracker.config import resolve_database
    from tracker.db import open_database, unit_of_work
    from tracker.records import StretchHolds
    from tracker.services.progress import progress_data
    from tracker.services.ratings import ratings_view
    from tracker.stats import summarize

    _history(sij, clock)
    assert sij("log", "--pain-before", "4", "--pain-after", "3", "--at", "2026-11-20T08:00").exit_code == 0
    db = open_database(resolve_database(str(db_path)))  # the test's file or server schema
    try:
        with unit_of_work(db, readonly=True) as session:
            progress = summarize(progress_data(session=session, now=NOW, since=None, until=None))
            ratings = ratings_view(session=session)
    finally:
        db.close()
    holds = [StretchHolds("knee-to-chest", "Knee to chest", 4, 0)]
    figure = charts.build_figure(progress, holds, charts.Kind.all, ratings)
    pain, function, calendar, holds = figure.axes
    assert "What you can do (higher is better)" in function.get_title(loc="left")
    labels = function.get_legend_handles_labels()[1]
    assert "Function score (mean of the activities rated)" in labels
    assert any(label.startswith("Impression of change") for label in labels)
    assert [t.get_text() for t in function.texts] == ["4", "2"]  # the impressions, marked above the scale
    written = sij("plot", "--kind", "function", "--output", str(tmp_path / "f.png"))
    assert written.exit_code == 0, written.output
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_function_without_ratings_says_so(sij, tmp_path: Path) -> None:
    result = sij("plot", "--kind", "function", "--output", str(tmp_path / "f.png"))
    assert result.exit_code == 1
    assert "sij activities rate" in result.stderr
    assert not (tmp_path / "f.png").exists()


def test_pdf_page_one_and_the_ratings_page(sij, clock, tmp_path: Path) -> None:
    from pypdf import PdfReader

    _history(sij, clock)
    target = tmp_path / "report.pdf"
    result = sij("export", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 0, result.output
    pages = [flat(p.extract_text()) for p in PdfReader(target).pages]
    # Activity 2 was retired, so the function score follows activity 1 alone: 3 → 6 on its live ratings.
    assert "Function (0-10, higher is better) 3.0 → 6.0 (+3.0 points): meaningful improvement" in pages[0]
    assert "Impression of change (1-7) 2 much better (2026-11-20): a clinically important improvement" in pages[0]
    assert "Function and impression-of-change ratings" in pages[-1] and "every rating, oldest first" in pages[-1]
    assert pages[-1].count("Putting on socks") == 2 and "4 no change" in pages[-1]
    assert "first ratings (from 2026-10-01, whatever the period) vs latest" in pages[0]
    assert "No notes in this period." in pages[0]


def test_pdf_states_a_rating_before_the_period_and_the_review_advice_for_its_reader(sij, clock, tmp_path: Path) -> None:
    """A rating before the first session is not listed as "in the period"; the review advice of an impression of 6 is
    stated for the clinician who reads the report, in full, not addressed to them."""
    from pypdf import PdfReader

    assert sij("activities", "add", "Walking").exit_code == 0
    assert sij("activities", "rate", "1=3", "--at", "2026-09-01").exit_code == 0
    assert sij("log", "--pain-before", "6", "--pain-after", "5", "--at", "2026-11-01").exit_code == 0
    assert sij("activities", "rate", "1=6").exit_code == 0
    assert sij("impression", "6").exit_code == 0
    whole, period = tmp_path / "whole.pdf", tmp_path / "period.pdf"
    assert sij("export", "--format", "pdf", "--output", str(whole)).exit_code == 0
    assert sij("export", "--format", "pdf", "--since", "2026-11-01", "--output", str(period)).exit_code == 0
    pages = [flat(p.extract_text()) for p in PdfReader(whole).pages]
    assert "Period 1 Nov 2026" in pages[0] and "every rating, oldest first" in pages[-1]
    assert "2026-09-01" in pages[-1] and "every rating in the period" not in pages[-1]
    assert safety.IMPRESSION_REVIEW_REPORTED.format(words="much worse") in pages[0] and "You feel" not in pages[0]
    limited = [flat(p.extract_text()) for p in PdfReader(period).pages]
    assert "every rating in the period, oldest first" in limited[-1] and "2026-09-01" not in limited[-1]
    assert "first ratings (from 2026-09-01, whatever the period) vs latest" in limited[0]


def test_a_period_with_ratings_only_still_gets_a_report(sij, clock, tmp_path: Path) -> None:
    """Function ratings go on when a person stops logging pain, and they are what the clinician follows then: a
    period that holds only ratings gets its report (page 1's function line, a log that says it is empty, and the
    ratings page), where before it wrote nothing."""
    from pypdf import PdfReader

    assert sij("log", "--pain-before", "5", "--at", "2026-09-01T08:00").exit_code == 0
    assert sij("activities", "add", "Putting on socks", "--at", "2026-09-01").exit_code == 0
    assert sij("activities", "rate", "1=3", "--at", "2026-09-01").exit_code == 0
    assert sij("activities", "rate", "1=7", "--at", "2026-11-20").exit_code == 0
    target = tmp_path / "november.pdf"
    result = sij("export", "--format", "pdf", "--since", "2026-11-01", "--until", "2026-11-24", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "Wrote 0 sessions, 0 pain scores and 1 rating as PDF report" in flat(result.stderr)
    assert "There are no sessions or pain scores" not in result.stderr  # the report holds what there is
    pages = [flat(p.extract_text()) for p in PdfReader(target).pages]
    assert "Function (0-10, higher is better) 3.0 → 7.0 (+4.0 points): meaningful improvement" in pages[0]
    assert "mean of the person's 1 activity, first ratings" in pages[0]
    assert "No sessions, check-ins or red-flag screens in this period." in pages[1]
    assert "every rating in the period, oldest first" in pages[-1] and "2026-11-20" in pages[-1]
    assert "2026-09-01 no time given" not in pages[-1]


def test_a_diary_of_ratings_only_is_reported_from_its_first_rating(sij, clock, tmp_path: Path) -> None:
    """With no session or pain score at all, the whole diary's period starts at the first rating (it was today, so
    the report listed ratings from outside the period it named); ratings before a first session do not stretch the
    period whose adherence is counted."""
    from pypdf import PdfReader

    assert sij("activities", "add", "Putting on socks", "--at", "2026-09-01").exit_code == 0
    assert sij("activities", "rate", "1=3", "--at", "2026-09-01").exit_code == 0
    assert sij("activities", "rate", "1=6", "--at", "2026-11-20").exit_code == 0
    assert json.loads(sij("progress", "--json").stdout)["period"]["start"] == "2026-09-01"
    target = tmp_path / "whole.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    pages = [flat(p.extract_text()) for p in PdfReader(target).pages]
    assert "Period 1 Sep 2026" in pages[0] and "3.0 → 6.0 (+3.0 points)" in pages[0]
    assert "2026-09-01" in pages[-1] and "2026-11-20" in pages[-1]
    plotted = sij("plot", "--output", str(tmp_path / "all.png"))
    assert plotted.exit_code == 1 and "`sij plot --kind function` draws your ratings" in flat(plotted.stderr)
    function = sij("plot", "--kind", "function", "--output", str(tmp_path / "function.png"))
    assert function.exit_code == 0 and (tmp_path / "function.png").stat().st_size > 0
    assert sij("log", "--pain-before", "5", "--at", "2026-11-01T08:00").exit_code == 0
    assert json.loads(sij("progress", "--json").stdout)["period"]["start"] == "2026-11-01"


# ---- the calendar reminder ---------------------------------------------------------------------


def _calendar(path: Path):
    import icalendar

    return icalendar.Calendar.from_ical(path.read_bytes())


def test_remind_writes_a_weekly_event_with_an_alarm_in_the_local_zone(sij, tmp_path: Path) -> None:
    import icalendar

    assert sij("pain", "8", "--note", "private note").exit_code == 0
    target = tmp_path / "stretches.ics"
    result = sij("remind", "--at", "08:00", "--days", "mon,wed,fri", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    calendar = _calendar(target)
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Europe/London"))  # the first chosen day from today
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    rule = event["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO", "WE", "FR"]
    (alarm,) = event.walk("VALARM")
    assert alarm["action"] == "DISPLAY" and alarm.decoded("trigger") == timedelta(0)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/London"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}  # its DST rules travel with it
    description = str(event["description"])
    assert "Knee to chest" in description and "Figure 4" in description and "sij run" in description
    text = target.read_text(encoding="utf-8")
    assert "private note" not in text and "8/10" not in text.replace("\r\n ", "") and "pain 8" not in text
    # The same wall-clock time after the clocks change: 08:00 in summer too.
    summer = [o for o in icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")][0]
    first = summer.decoded("dtstart")
    july = datetime.combine(date(2027, 7, 5), time(8, 0), tzinfo=first.tzinfo)
    assert july.utcoffset() == timedelta(hours=1) and july.hour == 8


def test_remind_every_day_by_default_and_to_the_screen(sij) -> None:
    import icalendar

    result = sij("remind", "--at", "18:30")
    assert result.exit_code == 0, result.output
    (event,) = icalendar.Calendar.from_ical(result.stdout.encode()).walk("VEVENT")
    assert event["rrule"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    assert event.decoded("dtstart").time() == time(18, 30)


def test_remind_alone_explains_itself_in_two_lines(sij) -> None:
    result = sij("remind")
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 2
    assert "--at 08:00" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "8am"], "is not a time"),
        (["--at", "24:00"], "is not a time"),
        (["--at", "08:00", "--days", "mon,funday"], "'funday' is not a day"),
        (["--days", "mon"], "give the time of the reminder"),
        (["--at", "08:00", "--output", "x.txt"], "must end in .ics"),
    ],
)
def test_remind_refuses_bad_input(sij, tmp_path: Path, args, message) -> None:
    result = sij("remind", *args)
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)


def test_remind_never_overwrites_without_force(sij, tmp_path: Path) -> None:
    target = tmp_path / "r.ics"
    target.write_text("mine", encoding="utf-8")
    result = sij("remind", "--at", "08:00", "--output", str(target))
    assert result.exit_code == 2 and target.read_text(encoding="utf-8") == "mine"
    assert sij("remind", "--at", "08:00", "--output", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
