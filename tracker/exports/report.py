"""What a clinician's report says, as plain values: safety events and their rank, counts, the per-stretch table,
notes and corrections. Computed once here from the export snapshot; the PDF (and any other format) renders it.

Pure: stdlib, tracker.safety and the snapshot types of tracker.exports.base. No drawing, no database session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from tracker import safety
from tracker.clock import utc_offset
from tracker.exports.base import (
    CONTEXT_ORDER,
    SIDE_TEXT,
    STATE_TEXT,
    ExportData,
    HoldItem,
    PainItem,
    ScreeningItem,
    SessionItem,
)
from tracker.text import plural

if TYPE_CHECKING:
    from tracker.stats import Change, Progress

LEVEL_TEXT = {"emergency": "emergency signs", "same-day": "see a doctor today"}
QUICK_KEY = "emergency_symptoms"  # the one answer of the quick check before a guided session

# Ranks, 0 the most serious (CLINICAL.md "Event order on a clinician's page").
EMERGENCY, SAME_DAY, SHARP, SEVERE, ADVICE_ONLY = range(5)


def event_rank(*, emergency: bool = False, same_day: bool = False, sharp: bool = False, severe: bool = False) -> int:
    """Emergency screen answers, then same-day answers, then sharp pain, then severe scores; then anything else
    whose see-a-doctor advice was shown (an entry corrected since)."""
    if emergency:
        return EMERGENCY
    if same_day:
        return SAME_DAY
    if sharp:
        return SHARP
    if severe:
        return SEVERE
    return ADVICE_ONLY


@dataclass(frozen=True)
class Event:
    """One safety event: a session, check-in or red-flag screen with severe or sharp pain or a screen needing action."""

    at: datetime  # local, as recorded
    what: str
    advice: str  # the advice as shown, without the correction lines
    rank: int  # event_rank
    correction: str = ""  # "advice shown at 8/10; corrected to 5 on 2026-11-24", when the entry was corrected
    time_known: bool = True  # False: only the date was given

    @property
    def when_text(self) -> str:
        """`2026-11-24 08:15`, or the date alone when no time was given."""
        return f"{self.at:%Y-%m-%d %H:%M}" if self.time_known else f"{self.at:%Y-%m-%d}"


def most_serious(events: Sequence[Event], count: int | None = None) -> list[Event]:
    """Events by rank, newest first within a rank; the first `count` of them (all when None)."""
    ordered = sorted(events, key=lambda e: (e.rank, -e.at.timestamp()))
    return ordered if count is None else ordered[:count]


@dataclass(frozen=True)
class Correction:
    what: str  # "pain before", "pain after", "pain"
    shown_at: int | None  # the score the advice was shown at
    now: int | None  # the score after the last correction
    day: str


def split_advice(advice: str) -> tuple[str, list[Correction]]:
    """The advice text as shown, and the corrections sij wrote under it (safety.correction_line)."""
    kept: list[str] = []
    found: list[Correction] = []
    for line in advice.splitlines():
        match = re.match(safety.CORRECTION_PATTERN, line.strip())
        if match:
            day, what, old, new = match.groups()
            found.append(
                Correction(what, None if old == "none" else int(old), None if new == "none" else int(new), day)
            )
        else:
            kept.append(line)
    return "\n".join(kept).strip(), found


def correction_text(corrections: Sequence[Correction]) -> str:
    """`advice shown at 8/10; corrected to 5 on 2026-11-24` (several corrections of one score: first to last)."""
    parts = []
    for what in dict.fromkeys(c.what for c in corrections):
        mine = [c for c in corrections if c.what == what]
        first, last = mine[0], mine[-1]
        shown = f"{first.shown_at}/10" if first.shown_at is not None else "no score"
        now = "removed" if last.now is None else f"corrected to {last.now}"
        parts.append(f"advice shown at {shown} ({what}); {now} on {last.day}")
    return "; ".join(parts)


def advice_shown(advice: str) -> str:
    """`See-a-doctor advice shown.`, with the correction beside it when the entry was corrected since."""
    _, corrections = split_advice(advice)
    if not corrections:
        return "See-a-doctor advice shown."
    text = correction_text(corrections)
    return f"See-a-doctor {text[0].lower()}{text[1:]}."


def scale_text() -> str:
    """The pain scale as it was asked, and its bands as tracker.safety.band labels them (`1-3 mild, ...`)."""
    groups: list[tuple[str, int, int]] = []
    for score in range(safety.PAIN_MIN, safety.PAIN_MAX + 1):
        label = safety.band(score).value
        if groups and groups[-1][0] == label:
            groups[-1] = (label, groups[-1][1], score)
        else:
            groups.append((label, score, score))
    bands = ", ".join(f"{lo}-{hi} {label}" if lo != hi else f"{lo} {label}" for label, lo, hi in groups)
    return (
        f"Pain scale: numeric rating {safety.PAIN_MIN}-{safety.PAIN_MAX}, asked the same way each time "
        f"(“{safety.PAIN_QUESTION}”): {safety.PAIN_SCALE}. Bands: {bands}."
    )


def headline(c: Change) -> str:
    """`5 → 3: meaningful improvement (-2 points, -40%)`; `no change` when the points are zero."""
    if c.verdict is safety.Verdict.not_enough_data or c.baseline.median is None or c.current.median is None:
        return c.verdict.value.capitalize()
    described = c.describe()
    head = f"{c.baseline.median:g} → {c.current.median:g}: {c.verdict.value}"
    return head + (f" ({described.replace(' (', ', ').rstrip(')')})" if described else "")


def windows_text(c: Change) -> str:
    """Which scores the starting and latest medians are, and their days; empty without a verdict."""
    first, last, start, end = c.baseline, c.current, c.baseline.first_day, c.current.last_day
    if start is None or end is None or c.verdict is safety.Verdict.not_enough_data:
        return ""
    return (
        f"Starting = median of the first {safety.WINDOW} pre-session scores ({', '.join(map(str, first.scores))}; "
        f"{short_day(start)}–{short_day(first.last_day or start)}); latest sessions = median of the "
        f"last {safety.WINDOW} ({', '.join(map(str, last.scores))}; "
        f"{short_day(last.first_day or end)}–{short_day(end)})."
    )


def _long(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def short_day(day: date) -> str:
    """`24 Nov`."""
    return f"{day.day} {day:%b}"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def screen_words(screen: ScreeningItem) -> str:
    """The yes answers of a red-flag screen in short plain words, never codes alone."""
    flags = {f.code: f for f in safety.RED_FLAGS}
    level = LEVEL_TEXT.get(screen.level, screen.level)
    if screen.kind == "quick":
        return f"Quick check before a session: a new emergency warning sign reported ({level})"
    yes = [flags[code].short if code in flags else code for code, answer in screen.answers.items() if answer]
    return f"Red-flag screen ({level}): " + ("; ".join(yes) or "answers needing action")


@dataclass(frozen=True)
class StretchRow:
    """One stretch in the period: holds done, their mean length, holds stopped early or never started, and how
    many times sharp pain was reported after it (once per report, whatever the number of sides)."""

    name: str
    sides: str  # "left, right" or "both"
    done: int
    mean_seconds: float | None
    stopped_early: int
    sharp_reports: int


@dataclass(frozen=True)
class LogEntry:
    """One entry of the chronological log in words: a session, a check-in or a red-flag screen. The lists hold one
    line each; a session's stretches, sides and seconds line up, one line per stretch in the order it was held."""

    at: datetime  # local, as recorded
    time_known: bool  # False: only the date was given
    alert: bool  # it reports a safety event
    what: list[str]
    stretches: list[str]
    sides: list[str]
    seconds: list[str]
    pain: list[str]
    note: str = ""  # the person's own words, in full
    added: list[str] = field(default_factory=list)  # what sij adds below the note: advice shown, a screen's answers


class Report:
    """The snapshot sorted into what a clinician's report shows."""

    def __init__(self, data: ExportData) -> None:
        if data.progress is None:
            raise ValueError("the report needs the progress numbers (build_export(with_progress=True))")
        self.data = data
        self.progress: Progress = data.progress
        self.sessions = [s for s in data.sessions if s.deleted_at is None]
        self.pains = [p for p in data.pain_scores if p.deleted_at is None]
        self.screenings = list(data.screenings)
        self.by_session: dict[str, list[PainItem]] = {}
        for pain in self.pains:
            if pain.session is not None:
                self.by_session.setdefault(pain.session, []).append(pain)
        self.check_ins = [p for p in self.pains if p.session is None]
        self._log: list[LogEntry] | None = None  # made once: the PDF reads it twice (its words, then its log)

    @property
    def empty(self) -> bool:
        """Nothing recorded in the period: no session, pain score, screen or rating."""
        view = self.data.rating_summary
        return not (self.sessions or self.pains or self.screenings or (view is not None and view.ratings))

    def pain_days(self) -> int:
        p = self.progress
        days = {self.data.day_of(x.recorded_at, x.offset_minutes) for x in self.pains}
        return sum(1 for d in days if p.start <= d <= p.end)

    def screens_text(self) -> str:
        """`2 red-flag screens, 5 quick checks`: a quick check before a session is not a full screen."""
        full = sum(1 for s in self.screenings if s.kind == "full")
        quick = len(self.screenings) - full
        text = plural(full, "red-flag screen")
        return text + (f", {plural(quick, 'quick check')}" if quick else "")

    def period_text(self) -> str:
        """`26 Aug 2026 – 24 Nov 2026 (91 days)`."""
        p = self.progress
        return f"{_long(p.start)} – {_long(p.end)} ({plural(p.adherence.days_in_period, 'day')})"

    def generated_text(self) -> str:
        """`Generated 24 Nov 2026 09:30 UTC+00:00 (GMT)`: when, in the exporting computer's time zone."""
        at = self.data.exported_at
        text = f"Generated {_long(at.date())} {at:%H:%M} UTC{utc_offset(at)}"
        zone = at.tzname()
        return text + (f" ({zone})" if zone and not zone.startswith(("UTC", "+", "-")) else "")

    def completeness(self) -> tuple[str, str]:
        a = self.progress.adherence
        stopped = len(self.sessions) - a.sessions_completed
        sessions = plural(len(self.sessions), "session")
        if self.sessions:
            sessions += f" ({a.sessions_completed} completed, {stopped} stopped early)"
        return (
            f"Pain logged on {self.pain_days()} of {plural(a.days_in_period, 'day')}",
            f"· {sessions} · {plural(len(self.pains), 'pain score')} · {self.screens_text()}",
        )

    def events(self) -> list[Event]:
        """Every severe score, sharp pain, stop for sharp pain, red-flag screen needing action, and entry whose
        see-a-doctor advice was shown, most serious first (newest first within a rank)."""
        found: list[Event] = []
        for s in self.sessions:
            pains = self.by_session.get(s.uuid, [])
            parts: list[str] = []
            if s.state == "stopped_sharp":
                parts.append("stopped for sharp pain")
            sharp_holds = [h for h in s.holds if h.sharp]
            if sharp_holds:
                names = sorted({self._stretch_name(h) for h in sharp_holds})
                parts.append(f"sharp pain in {', '.join(names)}")
            elif s.sharp or any(p.sharp for p in pains):
                parts.append("sharp pain or new numbness")
            for p in pains:
                if safety.is_severe(p.score):
                    parts.append(f"pain {p.score}/10 {p.context}")
            sharp = s.state == "stopped_sharp" or s.sharp or bool(sharp_holds) or any(p.sharp for p in pains)
            severe = any(safety.is_severe(p.score) for p in pains)
            event = self._event(
                s.local_start, "Session", parts, s.advice or _first_advice(pains), s.flagged, s.time_known
            )
            if event is not None:
                found.append(_ranked(event, min(event.rank, event_rank(sharp=sharp, severe=severe))))
        for p in self.check_ins:
            parts = []
            if safety.is_severe(p.score):
                parts.append(f"pain {p.score}/10 (severe)")
            if p.sharp:
                parts.append("sharp pain or new numbness")
            kind = "Check-in before a run that was not started" if p.note == safety.BLOCKED_RUN_NOTE else "Check-in"
            event = self._event(p.local_time, kind, parts, p.advice, p.flagged, p.time_known)
            if event is not None:
                rank = event_rank(sharp=p.sharp, severe=safety.is_severe(p.score))
                found.append(_ranked(event, min(event.rank, rank)))
        for screen in self.screenings:
            if screen.level == safety.Level.none.value:
                continue
            rank = event_rank(
                emergency=screen.level == safety.Level.emergency.value,
                same_day=screen.level == safety.Level.same_day.value,
            )
            found.append(Event(screen.local_time, screen_words(screen), screen.advice, rank))
        return most_serious(found)

    @staticmethod
    def _event(
        at: datetime, kind: str, parts: list[str], advice: str, flagged: bool, time_known: bool = True
    ) -> Event | None:
        shown, corrections = split_advice(advice)
        correction = correction_text(corrections) if flagged else ""
        if not parts and not flagged:
            return None
        rank = ADVICE_ONLY
        if not parts:  # advice was shown, and the entry has been corrected since: the event stays, with both values
            parts = [correction or "see-a-doctor advice shown; the entry was corrected since"]
            # It ranks by what the advice was shown for, as it did before the correction.
            if any(safety.is_severe(c.shown_at) for c in corrections):
                rank = SEVERE
        elif correction:
            parts.append(correction)
        return Event(at, f"{kind}: " + "; ".join(parts), shown, rank, correction, time_known)

    def _stretch_name(self, hold: HoldItem) -> str:
        stretch = self.data.stretch(hold.stretch)
        return stretch.name if stretch else "unknown stretch"

    def stretch_rows(self) -> list[StretchRow]:
        """One row per stretch, in name order. Holds a stopped session never started count as stopped early."""
        holds: dict[str, list[HoldItem]] = {}
        sides: dict[str, set[str]] = {}
        sharp: dict[str, int] = {}
        not_started: dict[str, int] = {}
        for s in self.sessions:
            mine: dict[str, list[HoldItem]] = {}
            for hold in s.holds:
                mine.setdefault(hold.stretch, []).append(hold)
            for uuid, group in mine.items():
                holds.setdefault(uuid, []).extend(group)
                sides.setdefault(uuid, set()).update(h.side for h in group)
                if any(h.sharp for h in group):  # one report after the stretch, however many sides it marked
                    sharp[uuid] = sharp.get(uuid, 0) + 1
            for uuid, missing in _never_started(self.data, s, mine).items():
                not_started[uuid] = not_started.get(uuid, 0) + missing
                holds.setdefault(uuid, [])
                sides.setdefault(uuid, set())
        rows = []
        for uuid, group in holds.items():
            stretch = self.data.stretch(uuid)
            done = [h.seconds for h in group if h.completed]
            side_text = ", ".join(x for x in ("left", "right", "both") if x in sides[uuid]) or (
                "left, right" if stretch and stretch.per_side else "both"
            )
            rows.append(
                StretchRow(
                    name=stretch.name if stretch else "unknown stretch",
                    sides=side_text,
                    done=len(done),
                    mean_seconds=sum(done) / len(done) if done else None,
                    stopped_early=sum(1 for h in group if not h.completed) + not_started.get(uuid, 0),
                    sharp_reports=sharp.get(uuid, 0),
                )
            )
        return sorted(rows, key=lambda r: r.name)

    def notes(self) -> list[tuple[datetime, str, str]]:
        """(local time, where, text) of every note the person wrote, newest first (never sij's own words)."""
        found = [(s.started_at, s.local_start, "session", s.note) for s in self.sessions if s.note.strip()]
        found += [(p.recorded_at, p.local_time, p.context, p.note) for p in self.pains if person_note(p.note)]
        found.sort(key=lambda f: f[0], reverse=True)
        return [(local, where, text) for _, local, where, text in found]

    def persons_words(self) -> Iterator[str]:
        """Every text in the report that the person wrote: the name, notes, stretch and activity names, screen
        answers (and sij's own words beside them in the log)."""
        yield self.data.name or ""
        for entry in self.log_entries():
            yield from (entry.note, *entry.stretches, *entry.added)
        view = self.data.rating_summary
        yield from (r.activity_text or "" for r in (view.ratings if view else ()))

    def log_entries(self) -> list[LogEntry]:
        """Every session, check-in and red-flag screen of the period, oldest first (at one instant: in that order)."""
        if self._log is None:
            self._log = self._make_log_entries()
        return self._log

    def _make_log_entries(self) -> list[LogEntry]:
        entries: list[tuple[datetime, int, LogEntry]] = []
        for s in self.sessions:
            entries.append((s.started_at, 0, self._session_entry(s)))
        for p in self.check_ins:
            own = person_note(p.note)
            added = ["Before a guided run; not started."] if p.note and not own else []
            added += [advice_shown(p.advice)] if p.flagged else []
            score = [f"{p.score}" + (", sharp" if p.sharp else "")]
            alert = p.sharp or safety.is_severe(p.score)
            entry = LogEntry(p.local_time, p.time_known, alert, ["Check-in"], [], [], [], score, own, added)
            entries.append((p.recorded_at, 1, entry))
        for screen in self.screenings:
            alert = screen.level != "none"
            what = ["Red-flag screen" if screen.kind == "full" else "Quick red-flag check"]
            added = [screen_words(screen).split(": ", 1)[-1], "Advice shown (see above)."]
            entry = LogEntry(screen.local_time, True, alert, what, [], [], [], [], "", added if alert else [])
            entries.append(
                (screen.taken_at, 2, entry if alert else replace(entry, added=["No warning signs reported."]))
            )
        return [entry for _, _, entry in sorted(entries, key=lambda e: (e[0], e[1]))]

    def _session_entry(self, s: SessionItem) -> LogEntry:
        what = [
            "Session",
            STATE_TEXT.get(s.state, s.state),
            f"{s.holds_done} of {plural(s.holds_planned, 'hold')} done",
        ]
        entry = LogEntry(
            s.local_start, s.time_known, s.flagged, what + (["heat before"] if s.heat else []), [], [], [], []
        )
        alert = s.flagged
        for hold in sorted(s.holds, key=lambda h: (h.position, h.uuid)):
            name, side = self._stretch_name(hold), SIDE_TEXT.get(hold.side, hold.side)
            seconds = str(hold.seconds) + ("" if hold.completed else " stopped") + (", sharp" if hold.sharp else "")
            if entry.stretches and entry.stretches[-1] == name:  # the same stretch's holds on one line
                entry.sides[-1] += " " + side
                entry.seconds[-1] += ", " + seconds
            else:
                entry.stretches.append(name)
                entry.sides.append(side)
                entry.seconds.append(seconds)
            alert = alert or hold.sharp
        for p in sorted(self.by_session.get(s.uuid, []), key=lambda p: (p.recorded_at, CONTEXT_ORDER[p.context])):
            entry.pain.append(f"{p.context} {p.score}" + (", sharp" if p.sharp else ""))
            alert = alert or p.sharp or safety.is_severe(p.score)
        return replace(entry, alert=alert, note=s.note, added=[advice_shown(s.advice)] if s.flagged else [])

    def key_numbers(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(label, words) of the period's pain and of its adherence, three of each, side by side on page 1."""
        p, a = self.progress.pain, self.progress.adherence
        # Before and after are compared over the same sessions, so the means and the change agree.
        if p.sessions_with_both:
            within = "no change" if round(p.mean_change or 0, 1) == 0 else f"{p.mean_change:+.1f}"
            pain = (
                f"{_number(p.paired_before)} → {_number(p.paired_after)} (mean, 0-10) in the "
                f"{plural(p.sessions_with_both, 'session')} with both; {within} within a session"
            )
        elif p.scores_before or p.scores_after:
            pain = f"before {_number(p.mean_before)} · after {_number(p.mean_after)}; no session has both scores"
        else:
            pain = "no pain scores before or after sessions"
        extremes = "no pain scores"
        if p.best_day and p.worst_day:
            best, worst = p.best_day, p.worst_day
            extremes = f"{short_day(best.day)} ({best.score}) / {short_day(worst.day)} ({worst.score})"
            extremes += "; each day by its highest score"
        # Scores are counted one by one here; the safety events count records (a session counts once).
        severe = f"{plural(p.severe_events, 'pain score')} of {safety.SEVERE_AT}+"
        if p.severe_events:
            severe += f" in {plural(p.severe_entries, 'entry', 'entries')}"
        days = f"{a.days_done} of {a.days_counted}" + (" (today not over)" if a.today_open else "")
        if a.share_of_target is not None:
            days += f" · {a.share_of_target:.0%} of the target"
        sessions = f"{a.sessions_completed} completed, {a.sessions_stopped} stopped early"
        return [
            ("Pain before → after", pain),
            ("Best / worst day", extremes),
            ("Severe, sharp", f"{severe} · {plural(p.sharp_events, 'sharp-pain report')}"),
        ], [
            ("Sessions", f"{sessions} · {a.sessions_per_week:.1f} a week"),
            ("Days done", f"{days} ({plural(a.target_per_week, 'day')} a week)"),
            ("Streaks", f"current {plural(a.current_streak, 'day')} · longest {plural(a.longest_streak, 'day')}"),
        ]


def person_note(note: str) -> str:
    """The note as the person wrote it; empty when the text is sij's own (the blocked-run check-in)."""
    return "" if note.strip() == safety.BLOCKED_RUN_NOTE else note.strip()


def _first_advice(pains: Sequence[PainItem]) -> str:
    return next((p.advice for p in pains if p.advice), "")


def _ranked(event: Event, rank: int) -> Event:
    return Event(event.at, event.what, event.advice, rank, event.correction, event.time_known)


def _never_started(data: ExportData, session: SessionItem, recorded: dict[str, list[HoldItem]]) -> dict[str, int]:
    """Holds of the session's routine that a stopped session never reached, per stretch uuid."""
    routine = data.routine(session.routine)
    if session.state == "completed" or routine is None:
        return {}
    missing: dict[str, int] = {}
    for uuid in routine.stretches:
        stretch = data.stretch(uuid)
        planned = 2 if stretch is None or stretch.per_side else 1
        left = planned - len(recorded.get(uuid, []))
        if left > 0:
            missing[uuid] = missing.get(uuid, 0) + left
    return missing
