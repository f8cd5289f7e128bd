"""Progress numbers from plain data: adherence, streaks, pain and the meaningful-change verdict.

Pure: stdlib and tracker.safety/records only; no database session, no printing. Every clinical
threshold comes from tracker.safety. `Progress.to_dict()` is the stable JSON of `sij progress --json`
and what reports for clinicians are built from.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tracker import safety
from tracker.records import ActivityRecord, AlertScore, DatedScore, DayTotals, ProgressData, RatingRecord
from tracker.text import signed_points

DEFAULT_TARGET_PER_WEEK = 7
SPARK_DAYS = 30
_SPARK_BARS = "▁▂▃▄▅▆▇█"


# ---- streaks and adherence ---------------------------------------------------------------------


def longest_streak(days: Iterable[date]) -> int:
    """The longest run of consecutive local days in `days`."""
    best = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        best = max(best, run)
        previous = day
    return best


def current_streak(days: Iterable[date], end: date, today: date | None = None) -> int:
    """Consecutive days done up to `end`. When `end` is today and today is not done yet, the streak
    running to yesterday still counts: the day is not over."""
    done = set(days)
    day = end
    if day not in done and day == today:
        day -= timedelta(days=1)
    count = 0
    while day in done:
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class Adherence:
    """How regularly the routine was done in the period (local days, start..end inclusive)."""

    target_per_week: int  # days a week the person aims to stretch (1-7)
    days_in_period: int
    days_done: int  # days with at least one completed session
    target_days: float  # days_counted * target_per_week / 7
    share_of_target: float | None  # days_done / target_days, at most 1.0 (None: no day has ended yet)
    sessions_completed: int
    sessions_stopped: int  # stopped for sharp pain or ended early
    sessions_per_week: float  # completed sessions per week (a period shorter than a week counts as one week)
    current_streak: int  # consecutive days done up to the end of the period (today may still be open)
    longest_streak: int
    today_open: bool = False  # today is in the period, not done yet and not over: not counted as missed

    @property
    def days_counted(self) -> int:
        """Days that count towards adherence: the period without today while today is still open."""
        return self.days_in_period - (1 if self.today_open else 0)


def adherence(data: ProgressData, target_per_week: int = DEFAULT_TARGET_PER_WEEK) -> Adherence:
    if not 1 <= target_per_week <= 7:
        raise ValueError("target_per_week must be from 1 to 7")
    done = [d.day for d in data.days if d.sessions_completed > 0]
    length = (data.end - data.start).days + 1
    # Today is not a missed day until it has ended (CLINICAL.md "Adherence").
    today_open = data.start <= data.today <= data.end and data.today not in done
    counted = length - (1 if today_open else 0)
    target_days = counted * target_per_week / 7
    completed = sum(d.sessions_completed for d in data.days)
    return Adherence(
        target_per_week=target_per_week,
        days_in_period=length,
        days_done=len(done),
        target_days=target_days,
        share_of_target=min(1.0, len(done) / target_days) if target_days else None,
        today_open=today_open,
        sessions_completed=completed,
        sessions_stopped=sum(d.sessions_stopped for d in data.days),
        sessions_per_week=completed * 7 / max(length, 7),
        current_streak=current_streak(done, data.end, data.today),
        longest_streak=longest_streak(done),
    )


# ---- pain ---------------------------------------------------------------------------------------


def _weighted_mean(pairs: Iterable[tuple[float | None, int]]) -> tuple[float | None, int]:
    total = count = 0.0
    for mean, n in pairs:
        if mean is not None and n:
            total += mean * n
            count += n
    return (total / count if count else None), int(count)


@dataclass(frozen=True)
class PainSummary:
    """Pain on the 0-10 scale over the period."""

    mean_before: float | None  # mean of every pre-session score
    scores_before: int
    mean_after: float | None  # mean of every post-session score
    scores_after: int
    mean_change: float | None  # mean of (after - before) within sessions; negative = less pain after
    sessions_with_both: int
    sharp_events: int  # sessions with sharp pain, and sharp check-ins
    severe_events: int  # scores of 7 or more
    severe_entries: int = 0  # sessions and check-ins holding those scores
    paired_before: float | None = None  # mean pain before, over the sessions with both scores only
    paired_after: float | None = None  # mean pain after, over the same sessions
    best_day: DatedScore | None = None  # the day whose highest score is lowest (ties: the most recent day)
    worst_day: DatedScore | None = None  # the day with the highest score of any kind (ties: the most recent)


def best_and_worst_day(days: Sequence[DayTotals]) -> tuple[DatedScore | None, DatedScore | None]:
    """Each day is judged by its highest score of any kind (check-ins and blocked runs included)."""
    scored = [DatedScore(d.day, d.max_score) for d in days if d.max_score is not None]
    if not scored:
        return None, None
    best = min(scored, key=lambda s: (s.score, -s.day.toordinal()))
    worst = max(scored, key=lambda s: (s.score, s.day.toordinal()))
    return best, worst


def pain_summary(data: ProgressData) -> PainSummary:
    mean_before, n_before = _weighted_mean((d.before_mean, d.before_count) for d in data.days)
    mean_after, n_after = _weighted_mean((d.after_mean, d.after_count) for d in data.days)
    return PainSummary(
        mean_before=mean_before,
        scores_before=n_before,
        mean_after=mean_after,
        scores_after=n_after,
        mean_change=data.mean_change,
        sessions_with_both=data.sessions_with_both,
        sharp_events=sum(d.sharp_events for d in data.days),
        severe_events=sum(d.severe_events for d in data.days),
        severe_entries=sum(d.severe_entries for d in data.days),
        paired_before=data.paired_before,
        paired_after=data.paired_after,
        best_day=best_and_worst_day(data.days)[0],
        worst_day=best_and_worst_day(data.days)[1],
    )


@dataclass(frozen=True)
class ScoreWindow:
    """The first or last three pre-session scores of the period, and their median."""

    scores: tuple[int, ...]
    median: float | None
    first_day: date | None
    last_day: date | None


def _window(scores: Sequence[DatedScore]) -> ScoreWindow:
    if not scores:
        return ScoreWindow((), None, None, None)
    return ScoreWindow(
        scores=tuple(s.score for s in scores),
        median=float(statistics.median(s.score for s in scores)),
        first_day=scores[0].day,
        last_day=scores[-1].day,
    )


@dataclass(frozen=True)
class Change:
    """Baseline (first three pre-session scores) against current (last three), by the rule in safety.py."""

    verdict: safety.Verdict
    baseline: ScoreWindow
    current: ScoreWindow
    span_days: int | None  # days from the first baseline score to the last current score
    improvement_target: float | None  # current must be at or below this for a meaningful improvement
    substantial_target: float | None  # ... and at or below this for a substantial one
    gap_days: int | None = None  # days from the last baseline day to the first current day (at least 14)
    alerts: tuple[AlertScore, ...] = ()  # severe or sharp reports on or after the first current day

    @property
    def code(self) -> str:
        return self.verdict.name

    @property
    def text(self) -> str:
        return safety.VERDICT_TEXT[self.verdict]

    @property
    def good_news(self) -> bool:
        """Shown as good news (green) only when it is an improvement and no caution stands beside it."""
        return self.verdict in (safety.Verdict.meaningful, safety.Verdict.substantial) and not self.alerts

    @property
    def caution(self) -> str | None:
        """A sentence naming the severe or sharp reports since the current window began, or None."""
        if not self.alerts:
            return None
        return f"{safety.CAUTION_LEAD} ({self.current.first_day}): {alert_list(self.alerts)}; {safety.CAUTION_ADVICE}"

    @property
    def points(self) -> float | None:
        """The improvement, baseline minus current: positive when pain before sessions has gone down.

        `--json` keeps this meaning for `points` (and `percent`); `difference` is the same change signed as the
        text shows it (current minus baseline)."""
        if self.verdict is safety.Verdict.not_enough_data:
            return None
        assert self.baseline.median is not None and self.current.median is not None
        return self.baseline.median - self.current.median + 0.0  # never -0

    @property
    def fraction(self) -> float | None:
        """`points` as a share of the baseline (None when the baseline is below 2: too low for a percentage)."""
        points = self.points
        if points is None or not safety.has_percent(self.baseline.median):
            return None
        assert self.baseline.median is not None
        return points / self.baseline.median

    def describe(self) -> str:
        """The change in words: `no change`, `-2 points (-29%)`, `+1 point` (no percentage from a low baseline)."""
        points = self.points
        if points is None:
            return ""
        if points == 0:
            return "no change"
        words = signed_points(-points)
        fraction = self.fraction
        return words if fraction is None else f"{words} ({-fraction:+.0%})"


ALERT_KIND = {
    "blocked run": "before a run that was not started",
    "before": "before a session",
    "after": "after a session",
    "during": "during a session",
    "check-in": "check-in",
    "session": "in a session",
}


def alert_list(alerts: Sequence[AlertScore]) -> str:
    """`8/10 check-in on 2026-11-22, sharp pain in a session on 2026-11-23`."""
    parts = []
    for a in alerts:
        what = f"{a.score}/10" if a.score is not None and safety.is_severe(a.score) else ""
        if a.sharp:
            what = f"{what} sharp pain".strip() if what else "sharp pain"
        parts.append(f"{what} {ALERT_KIND.get(a.kind, a.kind)} on {a.day}")
    return ", ".join(parts)


def _change(
    first: Sequence[DatedScore], last: Sequence[DatedScore], total: int, alerts: Sequence[AlertScore]
) -> Change:
    baseline, current = _window(first), _window(last)
    span = gap = None
    if baseline.first_day and current.last_day:
        span = (current.last_day - baseline.first_day).days
    if baseline.last_day and current.first_day:
        gap = (current.first_day - baseline.last_day).days
    verdict = safety.change_verdict([s.score for s in first], [s.score for s in last], gap or 0, total)
    target = substantial = None
    if baseline.median is not None and total >= safety.WINDOW and baseline.median >= safety.MIN_BASELINE:
        target = safety.improvement_target(baseline.median)
        substantial = safety.substantial_target(baseline.median)
    since = current.first_day
    caution = tuple(a for a in alerts if since is not None and a.day >= since)
    return Change(verdict, baseline, current, span, target, substantial, gap, caution)


def change(data: ProgressData) -> Change:
    """The change within the period: its first three pre-session scores against its last three."""
    return _change(data.first_before, data.last_before, sum(d.before_count for d in data.days), data.alerts)


def change_since_start(data: ProgressData) -> Change:
    """The person's first three pre-session scores ever against the period's last three."""
    if not data.first_ever:
        return change(data)
    return _change(data.first_ever, data.last_before, data.total_ever, data.alerts)


# ---- warnings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressWarning:
    code: str  # "stretching_seems_to_hurt" or "no_improvement"
    text: str


def warnings(data: ProgressData, verdict: Change, *, limited: bool = False) -> tuple[ProgressWarning, ...]:
    found: list[ProgressWarning] = []
    if safety.stretching_seems_to_hurt(data.recent_pairs, verdict.verdict):
        rise = None if verdict.points is None else -verdict.points
        text = safety.hurts_warning(data.recent_pairs, verdict.verdict, rise, within_period=limited)
        found.append(ProgressWarning("stretching_seems_to_hurt", text))
    if verdict.span_days is not None and verdict.baseline.first_day and verdict.current.last_day:
        first, last = verdict.baseline.first_day, verdict.current.last_day
        done = sum(1 for d in data.days if d.sessions_completed and first <= d.day <= last)
        if safety.no_improvement_after_regular_use(verdict.verdict, verdict.span_days, done):
            found.append(ProgressWarning("no_improvement", safety.NO_IMPROVEMENT_ADVICE))
    return tuple(found)


# ---- everything together ------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """All of `sij progress` for one period, ready to render, serialise or put in a report."""

    start: date
    end: date
    today: date
    has_records: bool
    adherence: Adherence
    pain: PainSummary
    change: Change
    warnings: tuple[ProgressWarning, ...]
    days: tuple[DayTotals, ...]  # days with a record, oldest first
    since_start: Change | None = None  # baseline from the first scores ever; None: the same as `change`
    limited: bool = False  # the period was chosen (--since), so `change` is the change within it

    @property
    def change_since_start(self) -> Change:
        return self.since_start or self.change

    def daily_pain(self, last: int = SPARK_DAYS) -> list[float | None]:
        """Mean pre-session pain (post-session if none) for each of the last `last` days of the period."""
        by_day = {d.day: d for d in self.days}
        values: list[float | None] = []
        for offset in range(last - 1, -1, -1):
            entry = by_day.get(self.end - timedelta(days=offset))
            if entry is None:
                values.append(None)
            else:
                values.append(entry.before_mean if entry.before_mean is not None else entry.after_mean)
        return values

    def to_dict(self) -> dict[str, Any]:
        """Stable snake_case JSON; dates as ISO strings, means rounded to 2 decimals."""
        a, p, c = self.adherence, self.pain, self.change
        return {
            "period": {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "today": self.today.isoformat(),
                "days": a.days_in_period,
            },
            "adherence": {
                "target_per_week": a.target_per_week,
                "days_done": a.days_done,
                "target_days": _round(a.target_days),
                "share_of_target": _round(a.share_of_target, 3),
                "days_counted": a.days_counted,
                "today_open": a.today_open,
                "sessions_completed": a.sessions_completed,
                "sessions_stopped": a.sessions_stopped,
                "sessions_per_week": _round(a.sessions_per_week),
                "current_streak": a.current_streak,
                "longest_streak": a.longest_streak,
            },
            "pain": {
                "mean_before": _round(p.mean_before),
                "scores_before": p.scores_before,
                "mean_after": _round(p.mean_after),
                "scores_after": p.scores_after,
                "mean_change": _round(p.mean_change),
                "sessions_with_both": p.sessions_with_both,
                "sharp_events": p.sharp_events,
                "severe_events": p.severe_events,
                "severe_entries": p.severe_entries,
                "paired_before": _round(p.paired_before),
                "paired_after": _round(p.paired_after),
                "best_day": _dated(p.best_day),
                "worst_day": _dated(p.worst_day),
            },
            "change": _change_dict(c),
            "change_since_start": _change_dict(self.change_since_start),
            "warnings": [{"code": w.code, "text": w.text} for w in self.warnings],
            "days": [
                {
                    "day": d.day.isoformat(),
                    "sessions": d.sessions_completed,
                    "sessions_stopped": d.sessions_stopped,
                    "pain_before": _round(d.before_mean),
                    "pain_after": _round(d.after_mean),
                    "sharp_events": d.sharp_events,
                    "severe_events": d.severe_events,
                }
                for d in self.days
            ],
        }


def half_up(value: float, digits: int = 1) -> Decimal:
    """`value` to `digits` decimals as people round (2.25 → 2.3, where Python's round gives 2.2), float noise first
    removed, so that a mean printed in a report is the one a reader would write down."""
    return Decimal(repr(round(value, 6))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _dated(score: DatedScore | None) -> dict[str, Any] | None:
    return None if score is None else {"date": score.day.isoformat(), "score": score.score}


def _change_dict(c: Change) -> dict[str, Any]:
    return {
        "verdict": c.code,
        "text": c.text,
        "baseline": _round(c.baseline.median),
        "current": _round(c.current.median),
        "points": _round(c.points),  # improvement: baseline - current (positive when pain went down)
        "percent": None if c.fraction is None else round(c.fraction * 100, 1) + 0.0,
        # The same change signed as every report writes it ("-2 points (-40%)"): current - baseline.
        "difference": None if c.points is None else _round(-c.points + 0.0),
        "difference_percent": None if c.fraction is None else round(-c.fraction * 100, 1) + 0.0,
        "span_days": c.span_days,
        "gap_days": c.gap_days,
        "baseline_window": _window_dict(c.baseline),
        "current_window": _window_dict(c.current),
        "improvement_target": _round(c.improvement_target),
        "substantial_target": _round(c.substantial_target),
        "caution": c.caution,
        "good_news": c.good_news,
        "note": safety.INFORMATION_ONLY,
    }


def _window_dict(window: ScoreWindow) -> dict[str, Any]:
    return {
        "scores": list(window.scores),
        "first_day": window.first_day.isoformat() if window.first_day else None,
        "last_day": window.last_day.isoformat() if window.last_day else None,
    }


def summarize(data: ProgressData, target_per_week: int = DEFAULT_TARGET_PER_WEEK, *, limited: bool = False) -> Progress:
    """`limited`: the period was chosen by --since, so the change within it is reported beside the change
    since the start (which always starts from the person's first scores)."""
    verdict = change(data)
    return Progress(
        start=data.start,
        end=data.end,
        today=data.today,
        has_records=data.has_records,
        adherence=adherence(data, target_per_week),
        pain=pain_summary(data),
        change=verdict,
        warnings=warnings(data, verdict, limited=limited),
        days=data.days,
        since_start=change_since_start(data) if limited else None,
        limited=limited,
    )


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value on the fixed 0-10 scale (a space where nothing was recorded)."""
    chars = []
    for value in values:
        if value is None:
            chars.append(" ")
        else:
            index = round(max(0.0, min(10.0, value)) / 10 * (len(_SPARK_BARS) - 1))
            chars.append(_SPARK_BARS[index])
    return "".join(chars)


# ---- function (PSFS-style) and the global impression of change (PGIC-style) --------------------


@dataclass(frozen=True)
class ActivityChange:
    """One activity's first and latest rating, the pair the function score compares."""

    id: int
    text: str
    first: int
    first_day: date
    latest: int
    latest_day: date


@dataclass(frozen=True)
class FunctionSummary:
    """The function score at the start and now: means over the same (active) activities' first and latest ratings."""

    activities: tuple[ActivityChange, ...]
    baseline: float | None
    current: float | None
    verdict: safety.FunctionVerdict
    rerated: int  # activities rated again on a later day than their first rating

    @property
    def points(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return round(self.current - self.baseline, 6)

    @property
    def text(self) -> str:
        return safety.FUNCTION_VERDICT_TEXT[self.verdict]

    @property
    def headline(self) -> str:
        """`3.0 → 6.3 (+3.3 points): meaningful improvement`, as reports show it (higher is better)."""
        if self.baseline is None or self.current is None:
            return "not rated yet"
        if self.verdict is safety.FunctionVerdict.not_enough_data:
            return f"{self.baseline:.1f} at the start: {self.verdict.value}"
        start, latest, change = self.shown
        return f"{start} → {latest} ({change}): {self.verdict.value}"

    @property
    def shown(self) -> tuple[Decimal, Decimal, str]:
        """The start and latest means as reports print them, and the change between the two numbers printed (what a
        reader works out, so that 2.75 → 5.25 never reads 2.8 → 5.2 (+2.5)). One decimal, halves rounded up; two
        where one decimal would put the change printed on the other side of the meaningful-change line."""
        assert self.baseline is not None and self.current is not None
        for digits in (1, 2):
            start, latest = half_up(self.baseline, digits), half_up(self.current, digits)
            if safety.function_verdict(float(start), float(latest), self.rerated) is self.verdict:
                break
        change = latest - start
        return start, latest, "no change" if change == 0 else f"{change:+} point{'' if abs(change) == 1 else 's'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": _round(self.baseline),
            "current": _round(self.current),
            "points": _round(self.points),  # current - baseline: positive when you can do more
            "difference": _round(self.points),  # the same, named as for pain's change (current - baseline)
            "verdict": self.verdict.name,
            "verdict_text": self.text,
            "activities": [
                {
                    "id": a.id,
                    "text": a.text,
                    "first": a.first,
                    "first_day": a.first_day.isoformat(),
                    "latest": a.latest,
                    "latest_day": a.latest_day.isoformat(),
                }
                for a in self.activities
            ],
        }


@dataclass(frozen=True)
class ImpressionSummary:
    value: int
    day: date

    @property
    def words(self) -> str:
        return safety.IMPRESSION_WORDS[self.value]

    @property
    def meaning(self) -> str:
        return safety.impression_meaning(self.value)

    @property
    def advice(self) -> str | None:
        return safety.IMPRESSION_REVIEW_ADVICE if safety.impression_needs_review(self.value) else None

    @property
    def headline(self) -> str:
        """`2 much better (2026-11-23): a clinically important improvement`."""
        return f"{self.value} {self.words} ({self.day.isoformat()}): {self.meaning}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "words": self.words,
            "day": self.day.isoformat(),
            "meaning": self.meaning,
            "advice": self.advice,
        }


def function_summary(ratings: Sequence[RatingRecord], active_ids: Iterable[int]) -> FunctionSummary:
    """Function at the start and now over the active activities that have been rated (ratings oldest first)."""
    active = set(active_ids)
    firsts: dict[int, RatingRecord] = {}
    latests: dict[int, RatingRecord] = {}
    for r in sorted(ratings, key=lambda r: (r.recorded_at, r.id)):
        if r.kind != "function" or r.activity_id not in active:
            continue
        firsts.setdefault(r.activity_id, r)
        latests[r.activity_id] = r
    changes = tuple(
        ActivityChange(
            id=aid,
            text=firsts[aid].activity_text or "",
            first=firsts[aid].value,
            first_day=firsts[aid].day,
            latest=latests[aid].value,
            latest_day=latests[aid].day,
        )
        for aid in sorted(firsts)
    )
    rerated = sum(1 for c in changes if c.latest_day > c.first_day)
    baseline = statistics.fmean(c.first for c in changes) if changes else None
    current = statistics.fmean(c.latest for c in changes) if changes else None
    return FunctionSummary(
        activities=changes,
        baseline=baseline,
        current=current,
        verdict=safety.function_verdict(baseline, current, rerated),
        rerated=rerated,
    )


def latest_impression(ratings: Sequence[RatingRecord]) -> ImpressionSummary | None:
    found = [r for r in ratings if r.kind == "impression"]
    if not found:
        return None
    last = max(found, key=lambda r: (r.recorded_at, r.id))
    return ImpressionSummary(value=last.value, day=last.day)


@dataclass(frozen=True)
class RatingsView:
    """Everything the reports show about ratings: the activities, the ratings of a period, and the summaries.

    The function summary and the latest impression always run from the person's first rating ("since the start"),
    whatever period the ratings list covers.
    """

    activities: tuple[ActivityRecord, ...]
    ratings: tuple[RatingRecord, ...]
    function: FunctionSummary
    impression: ImpressionSummary | None

    @property
    def empty(self) -> bool:
        return not self.activities and not self.ratings and self.impression is None
