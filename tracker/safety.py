"""The clinical rules of sij and the advice texts that go with them (CLINICAL.md, "Decisions for sij").

Pure: no database, no printing. Commands and services call these; nobody else holds a threshold.
Texts are written in plain words, never a diagnosis, and are stored with the entry they were shown for.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PAIN_MIN = 0
PAIN_MAX = 10
SEVERE_AT = 7  # a score at or above this is severe: see-a-doctor panel, routine does not start

PAIN_QUESTION = "Rate your low-back or pelvic pain right now"
PAIN_QUESTION_THEN = "Rate your low-back or pelvic pain as it was at that time"  # for a session logged afterwards
# `sij log` records a session after it: the question before it cannot be about "right now".
PAIN_BEFORE_STARTED = "Rate your low-back or pelvic pain before you started"
PAIN_AFTER_NOW = "Rate your low-back or pelvic pain now"
PAIN_AFTER_THEN = "Rate your low-back or pelvic pain after stretching, at that time"
PAIN_SCALE = "0 = no pain … 10 = worst pain you can imagine"

SHARP_QUESTION = "Did you feel sharp, stabbing or shooting pain, or new numbness or tingling?"

SCREEN_REMINDER_DAYS = 7
NO_IMPROVEMENT_DAYS = 14


class Band(str, enum.Enum):
    none = "none"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


def validate_pain(score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not PAIN_MIN <= score <= PAIN_MAX:
        raise ValueError(f"pain must be a whole number from {PAIN_MIN} to {PAIN_MAX}")
    return score


def band(score: int) -> Band:
    """The label for a 0-10 score: 0 none, 1-3 mild, 4-6 moderate, 7-10 severe. A label, not a diagnosis."""
    validate_pain(score)
    if score == 0:
        return Band.none
    if score <= 3:
        return Band.mild
    if score < SEVERE_AT:
        return Band.moderate
    return Band.severe


def is_severe(score: int | None) -> bool:
    return score is not None and validate_pain(score) >= SEVERE_AT


def needs_doctor(scores: Sequence[int | None], sharp: bool) -> bool:
    """Any severe score or any sharp pain: stop stretching for now and see a doctor or physiotherapist."""
    return sharp or any(is_severe(s) for s in scores)


# ---- red flags ---------------------------------------------------------------------------------


class Level(str, enum.Enum):
    none = "none"
    same_day = "same-day"
    emergency = "emergency"


@dataclass(frozen=True)
class RedFlag:
    code: str
    level: Level
    short: str  # a few plain words, for panels and the quick question
    question: str  # the full screen's question, in sij's own words


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "E1",
        Level.emergency,
        "numbness between the legs or around the genitals or back passage",
        "New numbness, tingling or less feeling between your legs, around your genitals or back passage, "
        "or on your inner thighs (for example, wiping feels different)?",
    ),
    RedFlag(
        "E2",
        Level.emergency,
        "new trouble peeing, or leaking without noticing",
        "New trouble starting to pee, a weak stream, not being able to pee, or leaking urine without noticing?",
    ),
    RedFlag(
        "E3",
        Level.emergency,
        "loss of bowel control",
        "Lost control of your bowels, or can no longer tell when you need to go?",
    ),
    RedFlag(
        "E4",
        Level.emergency,
        "pain, numbness or weakness in both legs, or legs getting weaker",
        "Pain, numbness or weakness in both legs, or a leg getting weaker (foot dragging, legs giving way)?",
    ),
    RedFlag(
        "E5",
        Level.emergency,
        "a new change in sexual function or genital feeling",
        "A new change in sexual function or in feeling in the genitals?",
    ),
    RedFlag(
        "E6",
        Level.emergency,
        "pain that began after a serious accident or fall",
        "Did this pain begin after a serious accident or fall, such as a car crash or a fall from a height?",
    ),
    RedFlag(
        "U1",
        Level.same_day,
        "fever, chills or sweats, or feeling generally unwell",
        "A fever (38 °C / 100.4 °F or higher), chills or sweats, or feeling generally unwell?",
    ),
    RedFlag("U2", Level.same_day, "ever diagnosed with cancer", "Have you ever been diagnosed with cancer?"),
    RedFlag("U3", Level.same_day, "weight loss without trying", "Lost weight recently without trying?"),
    RedFlag(
        "U4",
        Level.same_day,
        "pain that stays or worsens at rest or wakes you at night",
        "Does the pain stay or get worse when you rest or lie down, or wake you at night?",
    ),
    RedFlag(
        "U5",
        Level.same_day,
        "a minor fall or lift with osteoporosis or long-term steroids",
        "Did a minor fall or lift bring this on, and do you have osteoporosis or take steroid tablets long term?",
    ),
    RedFlag(
        "U6",
        Level.same_day,
        "a weakened immune system, injecting drugs, or a recent infection",
        "Is your immune system weakened (steroids, chemotherapy, HIV, transplant drugs), do you inject drugs, "
        "or have you had a recent infection such as a urine infection?",
    ),
    RedFlag(
        "U7",
        Level.same_day,
        "a new lump or change of shape in your back",
        "A new lump or swelling in your back, or a change in its shape?",
    ),
)
EMERGENCY_FLAGS = tuple(f for f in RED_FLAGS if f.level is Level.emergency)
SCREEN_CODES = tuple(f.code for f in RED_FLAGS)

EMERGENCY_MESSAGE = (
    "These symptoms can be an emergency. Go to an emergency department or call your local "
    "emergency number now. Do not stretch."
)
SAME_DAY_MESSAGE = (
    "Contact a doctor today about these symptoms, before you carry on stretching. "
    "This is not a diagnosis; they need a clinician to look at them."
)
# Reminders of a recent warning, shown by `sij` and before `sij run` (the advice a panel gave still applies).
RECENT_WARNING_HOURS = 24
RECENT_DOCTOR_ADVICE = (
    "You were advised to stop stretching for now and contact your doctor or physiotherapist before you stretch again."
)


def recent_warning_advice(level: Level | None) -> str:
    """What to remind the person of after a recent warning: a screen's level, or None for a see-a-doctor flag."""
    if level is Level.emergency:
        return EMERGENCY_MESSAGE
    if level is Level.same_day:
        return SAME_DAY_MESSAGE
    return RECENT_DOCTOR_ADVICE


SCREEN_CLEAR_MESSAGE = (
    "No warning signs reported. If anything on this list appears later, stop and seek help as it says."
)
QUICK_SCREEN_QUESTION = "Any of these new symptoms?"


def screening_level(answers: Mapping[str, bool]) -> Level:
    """Any emergency 'yes' outranks any same-day 'yes'; otherwise nothing to act on."""
    unknown = set(answers) - set(SCREEN_CODES)
    if unknown:
        raise ValueError(f"unknown red-flag codes: {sorted(unknown)}")
    flags = {f.code: f for f in RED_FLAGS}
    yes = [flags[code] for code, answer in answers.items() if answer]
    if any(f.level is Level.emergency for f in yes):
        return Level.emergency
    if yes:
        return Level.same_day
    return Level.none


def screening_advice(level: Level) -> str:
    return {
        Level.emergency: EMERGENCY_MESSAGE,
        Level.same_day: SAME_DAY_MESSAGE,
        Level.none: SCREEN_CLEAR_MESSAGE,
    }[level]


def parse_screen_answers(text: str) -> dict[str, bool]:
    """Thirteen y/n characters, in the order E1-E6, U1-U7 (spaces and commas ignored)."""
    cleaned = [c for c in text.lower() if c not in " ,"]
    if len(cleaned) != len(SCREEN_CODES) or any(c not in "yn" for c in cleaned):
        raise ValueError(
            f"give {len(SCREEN_CODES)} answers as y or n, in the order {', '.join(SCREEN_CODES)} "
            "(for example nnnnnnnnnnnnn)"
        )
    return {code: c == "y" for code, c in zip(SCREEN_CODES, cleaned, strict=True)}


# ---- the see-a-doctor panel -------------------------------------------------------------------


@dataclass(frozen=True)
class Advice:
    title: str
    lines: tuple[str, ...]
    urgent_title: str
    urgent_items: tuple[str, ...]
    urgent_action: str

    def as_text(self) -> str:
        """The whole advice as plain text, as it is stored with the entry and shown in reports."""
        parts = [self.title, *self.lines, self.urgent_title]
        parts += [f"- {item}" for item in self.urgent_items]
        parts.append(self.urgent_action)
        return "\n".join(parts)


def doctor_advice(*, severe: bool, sharp: bool) -> Advice:
    """What to tell a person after a severe score or sharp pain. Red flags are always listed; no option removes them."""
    reasons = []
    if severe:
        reasons.append(f"your pain is severe ({SEVERE_AT} or more out of 10)")
    if sharp:
        reasons.append("you felt sharp pain, or new numbness or tingling")
    why = " and ".join(reasons) if reasons else "of what you reported"
    return Advice(
        title="Stop stretching for now.",
        lines=(
            f"Because {why}, please contact your doctor or physiotherapist before you stretch again.",
            "Rest in a comfortable position; do not push through the pain.",
        ),
        urgent_title="Go to an emergency department or call your local emergency number now if you have:",
        urgent_items=tuple(f.short for f in EMERGENCY_FLAGS),
        urgent_action="These can be signs of a problem that needs urgent care.",
    )


# ---- corrections after advice was shown ---------------------------------------------------------

# A correction to an entry whose advice was shown is written under that advice, so that every report can say
# "advice shown at 8/10; corrected to 5 on DATE" (CLINICAL.md "Corrections"). Reports read it back with
# CORRECTION_PATTERN; the words are sij's own, never the person's note.
CORRECTION_PATTERN = r"^Corrected on (\d{4}-\d{2}-\d{2}): (.+?) (\d+|none) → (\d+|none)\.$"


def correction_line(day: str, what: str, old: int | None, new: int | None) -> str:
    """`Corrected on 2026-11-24: pain before 8 → 5.`"""
    return f"Corrected on {day}: {what} {'none' if old is None else old} → {'none' if new is None else new}."


# ---- guided routine gates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    may_start: bool
    reason: str = ""


def gate_before_routine(pain_before: int | None, emergency_symptoms: bool) -> Gate:
    """Before a guided routine: severe pain or any emergency symptom means do not start."""
    if emergency_symptoms:
        return Gate(False, EMERGENCY_MESSAGE)
    if is_severe(pain_before):
        return Gate(False, "Your pain is severe. Please contact your doctor or physiotherapist before stretching.")
    return Gate(True)


# ---- first use ---------------------------------------------------------------------------------

FIRST_USE_NOTICE = (
    "Before you start a new stretching routine, check with your doctor or physiotherapist that it "
    "suits you, especially after an injury, with sciatica, with osteoporosis (knee-to-chest), after "
    "a hip replacement, or in pregnancy. Move slowly, stretch only to gentle tension, never force a "
    "stretch, and stop if you feel sharp pain. Warmth beforehand (a warm shower or heat pad) can help. "
    "sij keeps a record and gives general advice; it does not diagnose."
)

# ---- change over time (the numbers come from tracker.stats) ------------------------------------

MEANINGFUL_POINTS = 2
MEANINGFUL_FRACTION = 0.30
SUBSTANTIAL_FRACTION = 0.50
WORSENING_POINTS = 2
MIN_BASELINE = 2
WINDOW = 3
MIN_SPAN_DAYS = 14
HURT_WINDOW = 5
# "Regular use" for the no-improvement advice: a design choice following ACSM's "at least 2-3 days a
# week" for flexibility work. Fewer days than this per week is not a fair trial of the routine.
REGULAR_DAYS_PER_WEEK = 3


class Verdict(str, enum.Enum):
    not_enough_data = "not enough data yet"
    too_low = "too low to interpret"
    substantial = "substantial improvement"
    meaningful = "meaningful improvement"
    no_meaningful_change = "no meaningful change"
    worsening = "worsening"


def classify_change(baseline: float, current: float) -> Verdict:
    """The meaningful-change rule on two medians already known to be at least 14 days apart."""
    # Worsening is checked first: a rise of 2 or more matters even from a low start.
    if current - baseline >= WORSENING_POINTS:
        return Verdict.worsening
    if baseline < MIN_BASELINE:
        return Verdict.too_low
    delta = baseline - current
    if delta >= MEANINGFUL_POINTS and delta / baseline >= SUBSTANTIAL_FRACTION:
        return Verdict.substantial
    if delta >= MEANINGFUL_POINTS and delta / baseline >= MEANINGFUL_FRACTION:
        return Verdict.meaningful
    return Verdict.no_meaningful_change


def improvement_target(baseline: float) -> float:
    """The highest current score that still counts as a meaningful improvement on `baseline`."""
    return baseline - max(MEANINGFUL_POINTS, MEANINGFUL_FRACTION * baseline)


def substantial_target(baseline: float) -> float:
    """The highest current score that counts as a substantial improvement on `baseline`."""
    return baseline - max(MEANINGFUL_POINTS, SUBSTANTIAL_FRACTION * baseline)


def change_verdict(first: Sequence[int], last: Sequence[int], gap_days: int, total: int) -> Verdict:
    """The whole meaningful-change rule on the pre-session scores of a period.

    `first` and `last` are the first and last WINDOW pre-session scores, `total` how many there are
    in all (the two windows must not share a score), and `gap_days` the days from the last day of the
    baseline window to the first day of the current window, which must be at least MIN_SPAN_DAYS.
    """
    if len(first) < WINDOW or len(last) < WINDOW or total < 2 * WINDOW or gap_days < MIN_SPAN_DAYS:
        return Verdict.not_enough_data
    return classify_change(statistics.median(first[:WINDOW]), statistics.median(last[-WINDOW:]))


def has_percent(baseline: float | None) -> bool:
    """A change is given as a percentage of the baseline only from MIN_BASELINE up (1 -> 3 is not "+200%")."""
    return baseline is not None and baseline >= MIN_BASELINE


def worse_after(recent: Sequence[tuple[float, float]]) -> int:
    """How many of the last HURT_WINDOW sessions (newest first) had pain after above pain before."""
    return sum(1 for before, after in recent[:HURT_WINDOW] if after > before)


def stretching_seems_to_hurt(recent: Sequence[tuple[float, float]], verdict: Verdict) -> bool:
    """Pain after above pain before in most of the last HURT_WINDOW sessions (newest first), or a worsening."""
    return verdict is Verdict.worsening or worse_after(recent) > HURT_WINDOW // 2


def hurts_warning(
    recent: Sequence[tuple[float, float]], verdict: Verdict, rise: float | None, *, within_period: bool = False
) -> str:
    """The "stretching seems to hurt" advice, led by what triggered it (never a claimed cause). `within_period`:
    the verdict compares the first and last scores of a chosen period, not of the whole record."""
    reasons = []
    worse = worse_after(recent)
    if worse > HURT_WINDOW // 2:
        sessions = min(len(recent), HURT_WINDOW)
        reasons.append(f"Pain after sessions was higher than before in {worse} of your last {sessions} sessions.")
    if verdict is Verdict.worsening and rise is not None:
        since = "within this period" if within_period else "since the start"
        reasons.append(f"Pain before sessions has risen by {rise:g} points {since}.")
    return " ".join([*reasons, HURTS_ADVICE])


def no_improvement_after_regular_use(verdict: Verdict, span_days: int, days_done: int) -> bool:
    """No meaningful change after at least NO_IMPROVEMENT_DAYS of regular stretching: suggest a review."""
    if verdict is not Verdict.no_meaningful_change or span_days < NO_IMPROVEMENT_DAYS:
        return False
    return days_done * 7 >= REGULAR_DAYS_PER_WEEK * (span_days + 1)


VERDICT_TEXT: dict[Verdict, str] = {
    Verdict.not_enough_data: (
        "Not enough data yet: the comparison needs at least three pain scores taken before sessions "
        "at the start and three at the end, 14 or more days apart."
    ),
    Verdict.too_low: "Starting pain was below 2 out of 10, too low to interpret a change.",
    Verdict.substantial: "Pain before sessions has dropped substantially (by half or more) since the start.",
    Verdict.meaningful: "Pain before sessions has dropped by a meaningful amount (2 points and 30% or more).",
    Verdict.no_meaningful_change: (
        "No meaningful change in pain before sessions so far (a meaningful improvement needs both 2 points "
        "and 30% below the starting pain)."
    ),
    Verdict.worsening: "Pain before sessions is 2 or more points higher than at the start.",
}

REVIEW_ADVICE = "Consider a review with your GP or physiotherapist."
HURTS_ADVICE = "Pause the routine and ask your GP or physiotherapist to review it."
NO_IMPROVEMENT_ADVICE = (
    "After 14 days or more of regular stretching, pain before sessions shows no meaningful improvement yet. "
    "Ask your GP or physiotherapist to review the plan."
)
CAUTION_LEAD = "Caution: severe or sharp pain was recorded since the latest sessions began"
CAUTION_ADVICE = "read the verdict with these in mind and discuss them with your GP or physiotherapist."

# Written by sij itself (not the person's words) on the check-in saved when `sij run` did not start.
BLOCKED_RUN_NOTE = "Before a guided routine; the routine was not started."

INFORMATION_ONLY = "This is information for you and your clinician, not a diagnosis."


# ---- function (PSFS-style) and global impression of change (PGIC-style): CLINICAL.md "Decisions added" -------
# Own wording throughout; never a licensed questionnaire's text.

FUNCTION_MIN, FUNCTION_MAX = 0, 10
ACTIVITIES_MAX = 5
ACTIVITY_TEXT_MAX = 120
FUNCTION_MEANINGFUL_POINTS = 2  # a rise of the mean by this much since the first rating (higher is better)
FUNCTION_REMIND_DAYS = 7
FUNCTION_QUESTION = "How well can you do this now?"
FUNCTION_SCALE = "0 = cannot do it at all … 10 = as well as before the problem"
ACTIVITY_PROMPT = "Name an activity your pain makes hard (e.g. 'sitting through a film')"

IMPRESSION_MIN, IMPRESSION_MAX = 1, 7
IMPRESSION_FIRST_DAYS = 14  # first asked this many days after the first session
IMPRESSION_EVERY_DAYS = 14  # then again from this many days after the last answer (and by day 28 at the latest)
IMPRESSION_QUESTION = (
    "Since you started these stretches, how would you describe the change in your back or pelvic pain overall?"
)
IMPRESSION_WORDS: dict[int, str] = {
    1: "very much better",
    2: "much better",
    3: "a little better",
    4: "no change",
    5: "a little worse",
    6: "much worse",
    7: "very much worse",
}
IMPRESSION_REVIEW_ADVICE = (
    "You feel your pain is much worse than when you started. Ask your GP or physiotherapist for a review."
)
# The same, as the clinician's report states it (the person is not the reader there); {words}: 6 or 7 in words.
IMPRESSION_REVIEW_REPORTED = (
    "The person described the change in their pain since starting as '{words}'; sij advised them to ask their GP "
    "or physiotherapist for a review."
)


class FunctionVerdict(str, enum.Enum):
    not_enough_data = "not enough data yet"
    meaningful = "meaningful improvement"
    no_meaningful_change = "no meaningful change"
    worse = "lower than at the start"


FUNCTION_VERDICT_TEXT: dict[FunctionVerdict, str] = {
    FunctionVerdict.not_enough_data: "Not enough data yet: rate the same activities again on another day.",
    FunctionVerdict.meaningful: "What you can do has improved by a meaningful amount (2 points or more).",
    FunctionVerdict.no_meaningful_change: "No meaningful change in what you can do so far.",
    FunctionVerdict.worse: "What you can do is 2 or more points lower than at the start.",
}


def function_verdict(baseline: float | None, current: float | None, rerated: int) -> FunctionVerdict:
    """The meaningful-change rule for function: higher is better, a rise of 2 points or more is meaningful.

    `rerated` is how many activities were rated again on a later day; without one there is nothing to compare.
    Means of whole numbers are compared after rounding away float noise, so that 2.0 is never read as 1.99….
    """
    if baseline is None or current is None or rerated < 1:
        return FunctionVerdict.not_enough_data
    rise = round(current - baseline, 6)
    if rise >= FUNCTION_MEANINGFUL_POINTS:
        return FunctionVerdict.meaningful
    if rise <= -FUNCTION_MEANINGFUL_POINTS:
        return FunctionVerdict.worse
    return FunctionVerdict.no_meaningful_change


def impression_meaning(value: int) -> str:
    """What an impression of change means for the person and their clinician, in plain words."""
    if value <= 2:
        return "a clinically important improvement"
    if value == 3:
        return "a small improvement, below what counts as clinically important"
    if value == 4:
        return "no change"
    if value == 5:
        return "a little worse"
    return "worse: ask for a review"


def impression_needs_review(value: int) -> bool:
    return value >= 6


def impression_label(value: int) -> str:
    return f"{value} {IMPRESSION_WORDS[value]}"
