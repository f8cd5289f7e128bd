"""`sij export --format pdf`: the one-page clinician summary and the log pages, read back with pypdf."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from tests.conftest import NOW, ZONE
from tracker import __version__, safety
from tracker.cli import app as cli_app
from tracker.cli.context import AppContext
from tracker.clock import ManualClock

FIRST_DAY = datetime(2026, 8, 26, tzinfo=ZONE)
DAYS = 90  # 26 Aug .. 23 Nov 2026, across the October daylight-saving change
LONG_NOTE = (
    "Long drive to see family on Saturday, then a stiff morning; the figure-4 felt tight on the right side "
    "but eased after the second hold. Heat pad for ten minutes beforehand helped a lot. " * 3
)


def _missed(i: int) -> bool:
    return i % 9 == 4


def pain_before(i: int) -> int:
    """6 at the start falling to 4 at the end: a meaningful (not substantial) improvement."""
    return 6 - round(2.2 * i / (DAYS - 1)) - (1 if i % 11 == 7 else 0)


def write_history(db_path: Path, clock: ManualClock) -> None:
    """Three months through the real services in one unit of work: quick to build, same records as the CLI."""
    from tracker import safety
    from tracker.models import PracticeState
    from tracker.services.catalog import get_routine
    from tracker.services.guided import finish_practice, mark_sharp, record_screening, save_hold, start_practice
    from tracker.services.pain import record_check_in
    from tracker.services.practices import record_practice

    context = AppContext(db_option=str(db_path), clock=clock, interactive=False)
    try:
        with context.work() as session:
            routine = get_routine(session=session)
            for i in range(DAYS):
                day = FIRST_DAY + timedelta(days=i)
                morning = day.replace(hour=8, minute=0)
                if i == 0:
                    answers = dict.fromkeys(safety.SCREEN_CODES, False)
                    record_screening(
                        session=session,
                        at=morning - timedelta(minutes=5),
                        kind="full",
                        answers=answers,
                        level=safety.Level.none,
                    )
                if i == 40:  # a guided session stopped for sharp pain in the second stretch
                    pid = start_practice(
                        session=session, at=morning, routine_id=routine.id, heat=False, pain_before=pain_before(i)
                    )
                    stretches = [s for s in routine.stretches for _ in s.sides]
                    sides = [side for s in routine.stretches for side in s.sides]
                    for position, (stretch, side) in enumerate(zip(stretches[:3], sides[:3], strict=True), 1):
                        save_hold(
                            session=session,
                            practice_id=pid,
                            position=position,
                            stretch_id=stretch.id,
                            side=side,
                            seconds=30 if position < 3 else 12,
                            completed=position < 3,
                        )
                    mark_sharp(session=session, practice_id=pid, stretch_id=stretches[2].id, at=morning)
                    finish_practice(
                        session=session,
                        practice_id=pid,
                        at=morning + timedelta(minutes=6),
                        state=PracticeState.aborted,
                        pain_after=7,
                    )
                    continue
                if not _missed(i):
                    note = None
                    if i % 10 == 3:
                        note = f"day {i}: felt stiff getting out of the car"
                    if i == 62:
                        note = LONG_NOTE
                    after = pain_before(i) + 1 if i % 6 == 0 and pain_before(i) < 6 else pain_before(i) - 1
                    record_practice(
                        session=session,
                        at=morning + timedelta(minutes=i % 7),
                        pain_before=pain_before(i),
                        pain_after=after,
                        heat=i % 4 == 0,
                        note=note,
                    )
                if i % 7 == 2:
                    record_check_in(session=session, at=day.replace(hour=20), score=3, note=f"evening {i}")
                if i == 30:
                    record_check_in(session=session, at=day.replace(hour=21), score=8, note="after lifting boxes")
                if i == 50:
                    record_check_in(session=session, at=day.replace(hour=13), score=5, sharp=True)
                if i == 45:
                    answers = dict.fromkeys(safety.SCREEN_CODES, False) | {"U2": True}
                    record_screening(
                        session=session,
                        at=day.replace(hour=19),
                        kind="full",
                        answers=answers,
                        level=safety.Level.same_day,
                    )
                if i == 60:
                    record_screening(
                        session=session,
                        at=day.replace(hour=7, minute=55),
                        kind="quick",
                        answers={"emergency_symptoms": True},
                        level=safety.Level.emergency,
                    )
    finally:
        context.close()


def run(db_path: Path, clock: ManualClock, *args: str) -> tuple[int, str]:
    obj = AppContext(db_option=str(db_path), clock=clock, interactive=False)
    result = CliRunner().invoke(cli_app, list(args), obj=obj)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


class Report:
    def __init__(self, path: Path, output: str) -> None:
        self.path = path
        self.output = output
        self.raw = path.read_bytes()
        self.reader = PdfReader(io.BytesIO(self.raw))
        self.pages = [flat(page.extract_text()) for page in self.reader.pages]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    folder = tmp_path_factory.mktemp("pdf")
    db_path, clock = folder / "sij.db", ManualClock(NOW)
    write_history(db_path, clock)
    target = folder / "report.pdf"
    code, output = run(db_path, clock, "export", "--format", "pdf", "--name", "Ann Example", "--output", str(target))
    assert code == 0, output
    yield Report(target, output)


def test_page_one_holds_the_header_period_scale_and_completeness(report: Report) -> None:
    page = report.pages[0]
    assert "SI joint stretching record" in page and "Ann Example" in page
    assert "26 Aug 2026 – 24 Nov 2026 (91 days)" in page
    assert "Generated 24 Nov 2026 09:30 UTC+00:00 (GMT)" in page
    assert f"sij {__version__}" in page
    assert flat(safety.PAIN_SCALE) in page and "7-10 severe" in page
    pain_days = sum(1 for i in range(DAYS) if not _missed(i) or i == 40 or i % 7 == 2 or i in (30, 50))
    assert f"Pain logged on {pain_days} of 91 days" in page
    assert "81 sessions (80 completed, 1 stopped early)" in page
    assert "2 red-flag screens, 1 quick check" in page  # a quick check is not counted as a full screen


def test_page_one_holds_the_verdict_and_key_numbers(report: Report) -> None:
    page = report.pages[0]
    assert "6 → 4: meaningful improvement (-2 points, -33%)" in page
    assert flat(safety.VERDICT_TEXT[safety.Verdict.meaningful]) in page
    assert "Pain before → after" in page and "Best / worst day" in page
    assert "80 completed, 1 stopped early" in page
    assert re.search(r"Days done \d+ of 90 \(today not over\)", page)
    assert "Streaks current" in page


def test_page_one_lists_every_safety_event_with_its_advice(report: Report) -> None:
    page = report.pages[0]
    assert "SAFETY EVENTS: 5" in page
    assert "2026-09-25 21:00 Check-in: pain 8/10 (severe)" in page
    assert "2026-10-05 08:00 Session: stopped for sharp pain; sharp pain in Knee to chest" in page or (
        "2026-10-05 08:00 Session: stopped for sharp pain" in page
    )
    assert "Red-flag screen (see a doctor today): ever diagnosed with cancer" in page
    assert "Quick check before a session: a new emergency warning sign reported (emergency signs)" in page
    assert "Advice shown: Stop stretching for now." in page
    assert "Advice shown: Contact a doctor today" in page
    assert "Advice shown: These symptoms can be an emergency." in page


def test_page_one_has_the_stretch_table_notes_and_footer(report: Report) -> None:
    page = report.pages[0]
    assert "STRETCHES" in page and "Holds done" in page and "Mean hold" in page
    # the sharp report after Figure 4 counts once; the holds the stopped session never reached count as stopped
    assert "Figure 4 (lying piriformis stretch) left, right 160 30 s 2 1" in page
    assert "Supine twist (knee rolls) left, right 160 30 s 2 0" in page
    assert "MOST RECENT NOTES" in page and "day 83: felt stiff" in page
    total = len(report.pages)
    assert total > 1
    for number, text in enumerate(report.pages, start=1):
        assert f"Patient-reported data, not diagnostic. Generated by sij {__version__}." in text
        assert f"Page {number} of {total}" in text


def test_later_pages_hold_the_events_in_full_and_the_log_in_order(report: Report) -> None:
    later = report.pages[1:]
    assert "Safety events and the advice shown" in later[0]
    assert flat(safety.EMERGENCY_MESSAGE) in " ".join(later)
    log_pages = [p for p in later if "Date, time What Stretch Side Hold (s) Pain (0-10) Note" in p]
    assert len(log_pages) >= 2
    for text in later:
        assert "SI joint stretching record" in text  # the header on every page
    log = " ".join(later).split("Chronological log", 1)[1]
    stamps = re.findall(r"(20\d\d-\d\d-\d\d) (\d\d:\d\d) ([+-]\d\d:\d\d)", log)
    instants = [datetime.fromisoformat(f"{d}T{t}{o}") for d, t, o in stamps]
    assert len(instants) > DAYS
    assert instants == sorted(instants)
    assert {o for _, _, o in stamps} == {"+01:00", "+00:00"}  # before and after the clocks went back


def test_no_log_row_is_split_across_pages(report: Report) -> None:
    for i in range(3, DAYS, 10):
        if _missed(i) or i == 40:
            continue
        day = (FIRST_DAY + timedelta(days=i)).date().isoformat()
        holding = [n for n, p in enumerate(report.pages[1:]) if f"day {i}: felt stiff" in p]
        assert len(holding) == 1, i
        assert day in report.pages[1 + holding[0]]
    long_start = " ".join(LONG_NOTE.split()[:6])
    page = next(p for p in report.pages[1:] if long_start in p)
    assert (FIRST_DAY + timedelta(days=62)).date().isoformat() in page
    assert flat(LONG_NOTE) in " ".join(report.pages[1:])  # the log keeps the whole note


# A note of the longest length allowed, and one in Japanese with an emoji (DejaVu Sans has neither the kana nor
# the kanji; a font found on the system draws them, or the report shows the marker in their place).
NOTE_2000 = ("Stiff after the drive; eased by the second hold. " * 41)[:2000]
JAPANESE = "長時間の運転の後、腰が痛い😀 ストレッチで楽になった"
RARE = "flamingo 🦩 here"  # an emoji few fonts have: drawn if one does, else the marker


def test_full_notes_in_any_script_reach_the_pdf_without_warnings(sij_process, tmp_path: Path) -> None:
    for day, note in ((20, NOTE_2000), (21, JAPANESE), (22, RARE)):
        done = sij_process("log", "--at", f"2026-11-{day}T08:00", "--pain-before", "4", "--note", note)
        assert done.returncode == 0, done.stderr
    target = tmp_path / "notes.pdf"
    done = sij_process("export", "--format", "pdf", "--since", "2026-11-01", "--until", "2026-11-30", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().startswith("Wrote 3 sessions") and len(done.stderr.strip().splitlines()) == 1
    log = "".join("".join(page.extract_text().split()) for page in PdfReader(target).pages[1:])
    assert "".join(NOTE_2000.split()) in log
    from tracker.exports.pdf_fonts import MISSING

    shown = "".join(c if c in log else MISSING for c in JAPANESE.replace(" ", ""))
    assert "".join(JAPANESE.split()) in log or shown in log  # every character, or the marker where no font has it
    assert "長時間の運転" in log  # this machine has a CJK font (Droid Sans Fallback or Noto CJK)
    assert "flamingo🦩here" in log or f"flamingo{MISSING}here" in log


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_a_font_in_a_collection_draws_what_the_others_lack(sij_process, tmp_path: Path) -> None:
    """Korean: Debian's Noto CJK comes as font collections (.ttc), which the report's font search takes too."""
    korean = "허리가 좀 나아졌어요"
    assert sij_process("log", "--pain-before", "4", "--note", korean).returncode == 0
    target = tmp_path / "korean.pdf"
    done = sij_process("export", "--format", "pdf", "-o", str(target))
    assert done.returncode == 0 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    # pdftotext (poppler), which reads the CFF-based Noto CJK cleanly; pypdf puts a NUL before each of its characters
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    fc_list = shutil.which("fc-list")
    listed = subprocess.run([fc_list, ":lang=ko", "file"], capture_output=True, text=True).stdout if fc_list else ""
    if listed.strip():  # a font on this machine has Hangul: it draws the note
        assert korean in text
    else:
        assert korean in text or "\ufffd" in text


ARABIC = "ألم أقل اليوم بعد التمارين"  # "less pain today after the exercises"
HEBREW = "כאב פחות היום"  # "less pain today"


def test_right_to_left_notes_are_shaped_and_read_in_their_own_order(sij_process, tmp_path: Path) -> None:
    """Arabic letters joined and both scripts right to left (fpdf2's text shaping): a reader, and text extraction,
    get the words in the order they were written, not reversed letter by letter."""
    for day, note in ((20, ARABIC), (21, f"{HEBREW}, 3 stretches")):
        done = sij_process("log", "--at", f"2026-11-{day}T08:00", "--pain-before", "4", "--note", note)
        assert done.returncode == 0, done.stderr
    target = tmp_path / "rtl.pdf"
    done = sij_process("export", "--format", "pdf", "--since", "2026-11-01", "--until", "2026-11-30", "-o", str(target),
                       "--name", "דנה כהן")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1  # "Wrote ...", no warning
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert ARABIC in text and HEBREW in text and "דנה כהן" in text
    assert ARABIC[::-1] not in text and HEBREW[::-1] not in text
    starts: list[float] = []  # where the Arabic note begins on the log page: at the right of its column, not the left
    log_page = PdfReader(target).pages[1]
    log_page.extract_text(visitor_text=lambda text, cm, tm, *_: starts.extend([tm[4]] if "ألم" in text else []))
    assert starts and min(starts) > 450  # the Note column runs from 420 to 555 points


@pytest.mark.parametrize(
    ("text", "shaped"),
    [
        ("Stiff after the drive", False),
        ("Café, naïve, Ωmega, Привет", False),  # precomposed letters: drawn right without shaping
        ("長時間の運転 😀 🦩", False),
        (ARABIC, True),
        (HEBREW, True),
        ("आज दर्द कम है", True),  # Devanagari: vowel signs and the virama combine
        ("Cafe\u0301", True),  # a combining accent is placed by shaping
    ],
)
def test_only_text_that_needs_it_turns_shaping_on(text: str, shaped: bool) -> None:
    from tracker.exports.pdf_fonts import needs_shaping

    assert needs_shaping(["plain words", text]) is shaped


def test_file_is_an_owner_only_pdf_with_metadata(report: Report) -> None:
    assert report.raw.startswith(b"%PDF-")
    assert stat.S_IMODE(os.stat(report.path).st_mode) == 0o600
    meta = report.reader.metadata
    assert meta is not None
    assert meta.get("/Creator") == f"sij {__version__}"
    assert meta.get("/Title", "").startswith("SI joint stretching record")
    assert meta.get("/CreationDate", "").startswith("D:20261124093000")
    assert f"as PDF report to {report.path}" in flat(report.output)


@pytest.fixture
def small(sij) -> None:
    assert sij("log", "--at", "2026-11-20T08:00", "--pain-before", "6", "--pain-after", "4").exit_code == 0
    assert sij("pain", "3", "--at", "2026-11-23T12:00", "--note", "$5 parking, =SUM(A1)").exit_code == 0


def test_same_data_gives_the_same_bytes(sij, small, tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert sij("export", "--format", "pdf", "-o", str(first)).exit_code == 0
    assert sij("export", "--format", "pdf", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    text = flat(PdfReader(first).pages[1].extract_text())
    assert "$5 parking, =SUM(A1)" in text  # a dollar sign stays text, not mathematics


def test_refuses_to_overwrite_without_force(sij, small, tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    target.write_bytes(b"precious")
    result = sij("export", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 2
    assert "already exists; add --force" in flat(result.stderr)
    assert target.read_bytes() == b"precious"
    assert sij("export", "--format", "pdf", "--output", str(target), "--force").exit_code == 0
    assert target.read_bytes().startswith(b"%PDF-")


def test_without_output_writes_a_dated_report_here_under_a_free_name(sij, small) -> None:
    first = sij("export", "--format", "pdf")
    assert first.exit_code == 0, first.output
    here = Path.cwd()
    assert first.stdout == f"{here / 'sij-report-2026-11-24.pdf'}\n"
    second = sij("export", "--format", "pdf")
    assert second.exit_code == 0, second.output
    assert second.stdout == f"{here / 'sij-report-2026-11-24-2.pdf'}\n"
    assert (here / "sij-report-2026-11-24.pdf").read_bytes().startswith(b"%PDF-")
    assert (here / "sij-report-2026-11-24-2.pdf").stat().st_mode & 0o777 == 0o600
    result = sij("export", "--format", "pdf", "--output", "-")
    assert result.exit_code == 2 and "give --output FILE" in flat(result.stderr)


@pytest.mark.parametrize("period", [[], ["--since", "2026-10-01", "--until", "2026-10-31"]])
def test_empty_period_writes_nothing_and_exits_1(sij, small, tmp_path: Path, period: list[str]) -> None:
    if not period:
        target = tmp_path / "empty-db.pdf"
        result = sij("export", "--format", "pdf", "-o", str(target), db=tmp_path / "other.db")
    else:
        target = tmp_path / "october.pdf"
        result = sij("export", "--format", "pdf", "-o", str(target), *period)
    assert result.exit_code == 1, result.output
    assert "No sessions or pain scores between" in flat(result.stderr) and "no report to make" in flat(result.stderr)
    assert "Traceback" not in result.output
    assert not target.exists()
    assert [p for p in tmp_path.iterdir() if p.suffix == ".tmp" or p.name.endswith(".tmp")] == []


def test_many_events_and_notes_still_fit_on_page_one(sij, tmp_path: Path) -> None:
    for day in range(1, 21):
        at = f"2026-11-{day:02d}T09:00"
        assert sij("pain", "8", "--at", at, "--note", f"bad day {day} " + "x" * 150).exit_code == 0
    target = tmp_path / "busy.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    pages = [flat(p.extract_text()) for p in PdfReader(target).pages]
    assert "SAFETY EVENTS: 20" in pages[0]
    assert "and 15 more on page 2" in pages[0]
    assert "and 16 more (see log pages)" in pages[0]  # notes
    assert "Safety events and the advice shown" in pages[1]
    assert "bad day 20" in pages[0] and "Page 1 of" in pages[0]


# ---- which safety events page 1 shows, and how it words the counts ------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "rank"),
    [
        ({"emergency": True}, 0),
        ({"emergency": True, "sharp": True, "severe": True}, 0),
        ({"same_day": True}, 1),  # a same-day ("contact a doctor today") screen
        ({"same_day": True, "sharp": True}, 1),
        ({"sharp": True}, 2),
        ({"sharp": True, "severe": True}, 2),
        ({"severe": True}, 3),
        ({}, 4),  # advice shown, and the entry corrected since
    ],
)
def test_event_rank_order(flags: dict[str, bool], rank: int) -> None:
    from tracker.exports.report import event_rank

    assert event_rank(**flags) == rank


def test_most_serious_goes_by_rank_then_newest_first() -> None:
    from tracker.exports.report import Event, most_serious

    def event(day: int, rank: int) -> Event:
        return Event(datetime(2026, 11, day, 9, 0, tzinfo=ZONE), f"day {day}", "", rank)

    events = [event(1, 2), event(2, 3), event(3, 1), event(4, 2), event(5, 0), event(6, 3)]  # time order
    assert [e.what for e in most_serious(events, 4)] == ["day 5", "day 3", "day 4", "day 1"]


SCREEN_U1 = "n" * 6 + "y" + "n" * 6
SCREEN_E1 = "y" + "n" * 12


def test_page_one_orders_emergency_same_day_sharp_then_severe_newest_first(sij, tmp_path: Path) -> None:
    for day in (1, 2, 3):  # pain higher after the session each time: "stretching seems to hurt"
        assert sij("log", "--at", f"2026-11-0{day}T08:00", "--pain-before", "3", "--pain-after", "5").exit_code == 0
    assert sij("pain", "7", "--at", "2026-11-10T09:00").exit_code == 0
    assert sij("pain", "4", "--sharp", "--at", "2026-11-12T09:00").exit_code == 0
    # two severe scores in one session: one event
    assert sij("log", "--at", "2026-11-14T08:00", "--pain-before", "8", "--pain-after", "7").exit_code == 0
    # screen offer: no · heat: no · pain before: 4 · quick check: no · sharp after the 1st stretch: yes
    assert sij("run", "--speed", "1000", input="n\nn\n4\nn\ny\n\n", interactive=True).exit_code == 0
    assert sij("screen", "--answers", SCREEN_E1).exit_code == 0
    assert sij("screen", "--answers", SCREEN_U1).exit_code == 0
    target = tmp_path / "mixed.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    pages = [flat(p.extract_text()) for p in PdfReader(target).pages]
    page = pages[0]
    assert "SAFETY EVENTS: 6 records flagged" in page
    assert "most serious first" in page
    # screen answers in short words, never codes alone
    assert "Red-flag screen (emergency signs): numbness between the legs" in page
    assert "Red-flag screen (see a doctor today): fever, chills or sweats" in page
    assert "E1 yes" not in page and "U1 yes" not in page
    # emergency, then same-day, then sharp (the stopped run, then the older sharp check-in), then severe
    order = [
        page.index(t)
        for t in (
            "emergency signs): numbness",
            "see a doctor today): fever",
            "stopped for sharp pain",
            "Check-in: sharp",
        )
    ]
    order.append(page.index("pain 8/10"))
    assert order == sorted(order)
    assert "Check-in: pain 7/10 (severe)" not in page  # the oldest of the least serious: left for page 2
    assert "Check-in: pain 7/10 (severe)" in pages[1]
    assert "and 1 more on page 2" in page
    # the advice on page 1 is whole: the warning wraps, the events' advice stops at the end of a sentence
    assert "Review suggested: Pain after sessions was higher than before in 3 of your last 4 sessions." in page
    assert flat(safety.HURTS_ADVICE) in page
    assert "Advice shown: Stop stretching for now. (in full on page 2)" in page
    # scores and records are labelled so they do not seem to contradict each other
    assert "Severe, sharp 3 pain scores of 7+" in page
    assert "1 severe scores" not in page and " 1 points" not in page
    # the stopped session is not a full routine in the log
    assert "2 of 6 holds done" in " ".join(pages[1:])


def test_a_date_without_a_time_shows_the_date_alone(sij, tmp_path: Path) -> None:
    assert sij("pain", "8", "--at", "2026-11-20", "--note", "no time").exit_code == 0
    assert sij("pain", "8", "--at", "2026-11-21 9:05").exit_code == 0
    target = tmp_path / "dates.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    text = " ".join(flat(p.extract_text()) for p in PdfReader(target).pages)
    assert "2026-11-20 12:00" not in text and "no time given" in text
    assert "2026-11-21 09:05" in text


def test_a_corrected_score_keeps_the_advice_and_says_why(sij, tmp_path: Path) -> None:
    assert sij("pain", "8", "--at", "2026-11-20 9:00").exit_code == 0
    assert sij("edit", "--check-in", "1", "--score", "3").exit_code == 0
    target = tmp_path / "corrected.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    text = " ".join(flat(p.extract_text()) for p in PdfReader(target).pages)
    assert "advice shown at 8/10" in text and "corrected to 3" in text


# ---- issue 10: corrections, sharp stops and a same-day answer, as page 1 and the log tell them ---------------


def test_a_corrected_entry_keeps_its_event_with_both_values(sij, tmp_path: Path) -> None:
    assert sij("log", "--at", "2026-11-20T08:00", "--pain-before", "8", "--pain-after", "6").exit_code == 0
    assert sij("edit", "1", "--pain-before", "5").exit_code == 0
    assert sij("pain", "9", "--at", "2026-11-21T08:00").exit_code == 0
    assert sij("edit", "--check-in", "1", "--score", "4").exit_code == 0  # check-ins are numbered among check-ins
    assert sij("log", "--at", "2026-11-22T08:00", "--pain-before", "3", "--pain-after", "2").exit_code == 0
    target = tmp_path / "corrected.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    pages = [flat(p.extract_text()) for p in PdfReader(target).pages]
    assert "SAFETY EVENTS: 2 records flagged" in pages[0]
    assert "Session: advice shown at 8/10 (pain before); corrected to 5 on 2026-11-24" in pages[0]
    assert "Check-in: advice shown at 9/10 (pain); corrected to 4 on 2026-11-24" in pages[0]
    log = " ".join(pages[1:]).split("Chronological log", 1)[1]
    assert "See-a-doctor advice shown at 8/10 (pain before); corrected to 5 on 2026-11-24." in log
    assert "Corrected on" not in " ".join(pages)  # sij's own bookkeeping line is rendered, never shown raw


def test_a_same_day_screen_answer_ranks_above_a_sharp_twinge(sij, tmp_path: Path) -> None:
    for day in range(1, 7):  # six sharp check-ins fill page 1 if they outrank the screen
        assert sij("pain", "3", "--sharp", "--at", f"2026-11-{10 + day}T09:00").exit_code == 0
    assert sij("screen", "--answers", "n" * 9 + "y" + "n" * 3).exit_code == 0  # U4: a same-day answer
    target = tmp_path / "ranked.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    page = flat(PdfReader(target).pages[0].extract_text())
    words = "Red-flag screen (see a doctor today): pain that stays or worsens at rest or wakes you at night"
    assert words in page
    assert page.index(words) < page.index("Check-in: sharp pain")


def test_stretch_table_counts_a_sharp_report_once_and_unreached_holds_as_stopped(sij, tmp_path: Path) -> None:
    # screen offer: no · heat: no · pain before: 4 · quick check: no · sharp after the 1st stretch: yes
    assert sij("run", "--speed", "1000", input="n\nn\n4\nn\ny\n\n", interactive=True).exit_code == 0
    assert sij("log", "--at", "2026-11-20T08:00", "--pain-before", "3").exit_code == 0
    target = tmp_path / "table.pdf"
    assert sij("export", "--format", "pdf", "-o", str(target)).exit_code == 0
    page = flat(PdfReader(target).pages[0].extract_text())
    table = page.split("Sharp reports", 1)[1]
    assert "Knee to chest left, right 4 30 s 0 1" in table  # both sides marked sharp: one report
    assert "Figure 4 (lying piriformis stretch) left, right 2 30 s 2 0" in table  # two holds never reached
    assert "Supine twist (knee rolls) left, right 2 30 s 2 0" in table


def test_page_one_puts_the_caution_beside_the_verdict_and_both_changes_in_a_period_report(sij, tmp_path: Path) -> None:
    for day in ("2025-11-01", "2025-11-02", "2025-11-03"):
        assert sij("log", "--at", f"{day}T08:00", "--pain-before", "7").exit_code == 0
    for day in ("2026-09-01", "2026-09-02", "2026-09-03", "2026-11-20", "2026-11-21", "2026-11-22"):
        assert sij("log", "--at", f"{day}T08:00", "--pain-before", "3").exit_code == 0
    assert sij("pain", "8", "--at", "2026-11-23T18:00").exit_code == 0
    target = tmp_path / "period.pdf"
    assert sij("export", "--format", "pdf", "--since", "2026-08-26", "-o", str(target)).exit_code == 0
    page = flat(PdfReader(target).pages[0].extract_text())
    assert "CHANGE IN PAIN BEFORE SESSIONS SINCE THE START (starting → latest sessions)" in page
    assert "7 → 3: substantial improvement (-4 points, -57%)" in page
    assert (
        "Caution: severe or sharp pain was recorded since the latest sessions began (2026-11-20): 8/10 check-in" in page
    )
    assert "WITHIN THIS PERIOD (26 Aug–24 Nov): 3 → 3: no meaningful change (no change)" in page
    assert "latest sessions = median of the last 3 (3, 3, 3; 20 Nov–22 Nov)" in page
