"""FHIR R4 as a JSON Bundle of type `collection`, as decided in CLINICAL.md ("Decisions for sij", default 7).

Stdlib only: plain dictionaries (the tests validate them with fhir.resources' R4B models). A bare Patient (a name
only when the person gives one); a Procedure per session (SNOMED CT 229070002); an Observation per pain score
(LOINC 72514-3, category survey, valueInteger) linked to its session with `partOf`; an Observation per red-flag
screen with the answers as components, coded in sij's own code system (RED_FLAG_SYSTEM). Ratings are `survey`
Observations coded in another local code system: one per activity rating (valueInteger 0-10, the activity's
text in `code.text`), one per rating occasion with the function score (their mean) as valueQuantity, and the
impression of change as valueInteger 1-7 with its words. Every fullUrl is `urn:uuid:` + the record's stable
uuid (a function score's uuid derives from the ratings it is the mean of). A session whose end is not known
(logged afterwards) has `performedDateTime`, not an open-ended period (which FHIR reads as "still going on").
"""

from __future__ import annotations

import json
import statistics
import uuid as uuidlib
from collections import defaultdict
from datetime import datetime
from typing import Any

from tracker import safety
from tracker.exports.base import ExportData, Exporter, ExportOptions, PainItem, RatingItem, ScreeningItem, SessionItem
from tracker.exports.report import QUICK_KEY, correction_text, person_note, split_advice

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

STRETCHING = {"system": SNOMED, "code": "229070002", "display": "Stretching exercises"}
PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}

PROCEDURE_TEXT = "Stretching exercises (SI joint routine)"
CONTEXT_NOTE = {"before": "pre-session", "after": "post-session", "during": "during session", "check-in": "check-in"}
SHARP_TEXT = "Sharp, stabbing or shooting pain, or new numbness or tingling"
STOP_REASON = {
    "stopped_sharp": "Stopped early: sharp, stabbing or shooting pain, or new numbness or tingling, was reported.",
    "aborted": "Stopped early by the person before all holds were done.",
}
# sij's own code system for the red-flag screen: one code per question (E1-E6 emergency, U1-U7 same day), the quick
# check before a guided session, and the two kinds of screen. The `.invalid` domain is reserved (RFC 2606), so the URI
# is stable and can never point at anyone else's site; it names the codes, it is not meant to resolve.
RED_FLAG_SYSTEM = "https://sij.invalid/fhir/CodeSystem/red-flag-screen"
QUICK_TEXT = "Any of these new: " + "; ".join(f.short for f in safety.EMERGENCY_FLAGS)
SCREEN_CODES = {
    "full": ("screen-full", "Red-flag screen for low back or pelvic pain (all 13 questions)"),
    "quick": ("screen-quick", "Red-flag quick check before a guided session (any new emergency sign)"),
}
RESULT_TEXT = {
    "none": "No warning signs reported.",
    "same-day": "Warning signs reported that need a doctor today.",
    "emergency": "Emergency warning signs reported.",
}
# A local code system (the .invalid domain can never resolve): these measures are sij's own wording, not PSFS or PGIC.
RATINGS_SYSTEM = "https://sij.invalid/fhir/CodeSystem/ratings"
ACTIVITY_CODE = {"system": RATINGS_SYSTEM, "code": "activity-rating", "display": "Activity rating, 0-10 (PSFS-style)"}
FUNCTION_CODE = {
    "system": RATINGS_SYSTEM,
    "code": "function-score",
    "display": "Function score: mean of activity ratings, 0-10 (PSFS-style)",
}
IMPRESSION_CODE = {
    "system": RATINGS_SYSTEM,
    "code": "impression-of-change",
    "display": "Global impression of change, 1-7 (PGIC-style)",
}
FUNCTION_SCALE = "0 = cannot do it at all, 10 = as well as before the problem"
SCORE_UNIT: dict[str, Any] = {"unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}
SIDE_TEXT = {"left": "left", "right": "right", "both": "both sides"}


def _ref(uuid: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{uuid}"}


def _iso(moment: datetime, time_known: bool = True) -> str:
    """A FHIR dateTime: the instant with its offset, or the date alone when no time was given (FHIR allows it)."""
    return moment.isoformat() if time_known else moment.date().isoformat()


def _notes(*texts: str) -> list[dict[str, str]]:
    return [{"text": t} for t in texts if t]


def _patient(data: ExportData) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": data.patient_id}
    if data.name:
        patient["name"] = [{"text": data.name}]
    return patient


def _holds_text(data: ExportData, session: SessionItem) -> str:
    if not session.holds:
        return "No holds recorded."
    parts = []
    for hold in sorted(session.holds, key=lambda h: (h.position, h.uuid)):
        stretch = data.stretch(hold.stretch)
        name = stretch.name if stretch else "unknown stretch"
        status = "" if hold.completed else ", not completed"
        sharp = ", sharp pain" if hold.sharp else ""
        parts.append(f"{name}, {SIDE_TEXT.get(hold.side, hold.side)}, {hold.seconds} s{status}{sharp}")
    return f"Holds ({session.holds_done} of {session.holds_planned} done): " + "; ".join(parts) + "."


def _procedure(data: ExportData, session: SessionItem) -> dict[str, Any]:
    routine = data.routine(session.routine)
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": session.uuid,
        "status": "completed" if session.state == "completed" else "stopped",
        "code": {"coding": [STRETCHING], "text": PROCEDURE_TEXT},
        "subject": _ref(data.patient_id),
    }
    if session.local_end is not None:
        resource["performedPeriod"] = {
            "start": _iso(session.local_start, session.time_known),
            "end": _iso(session.local_end, session.time_known),
        }
    else:  # logged afterwards: when it was done is known, how long it took is not
        resource["performedDateTime"] = _iso(session.local_start, session.time_known)
    resource["performer"] = [{"actor": _ref(data.patient_id)}]
    if session.state in STOP_REASON:
        resource["statusReason"] = {"text": STOP_REASON[session.state]}
    sharp = session.sharp or any(h.sharp for h in session.holds)
    if sharp:
        resource["complication"] = [{"text": SHARP_TEXT}]
    resource["note"] = _notes(
        f"Routine: {routine.name}." if routine else "Hand-picked stretches.",
        _holds_text(data, session),
        STOP_REASON.get(session.state, ""),
        "Heat applied before stretching." if session.heat else "",
        "Guided with the sij timer." if session.guided else "Logged afterwards without the timer.",
        *_advice_notes(session.flagged, session.advice),
        f"Note from the person: {session.note}" if session.note else "",
    )
    return resource


def _advice_notes(flagged: bool, advice: str) -> list[str]:
    """The advice as shown, and any correction made after it was shown (CLINICAL.md "Corrections")."""
    if not flagged or not advice:
        return []
    shown, corrections = split_advice(advice)
    notes = [f"sij showed this advice: {shown}"] if shown else []
    if corrections:
        text = correction_text(corrections)
        notes.append(f"Corrected after the advice was shown: {text}.")
    return notes


def _pain(data: ExportData, pain: PainItem, sessions: set[str]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": pain.uuid,
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [PAIN_CODE], "text": "Pain severity 0-10"},
        "subject": _ref(data.patient_id),
        "effectiveDateTime": _iso(pain.local_time, pain.time_known),
        "performer": [_ref(data.patient_id)],
        "valueInteger": pain.score,
    }
    if pain.session is not None and pain.session in sessions:
        resource["partOf"] = [_ref(pain.session)]
    if pain.sharp:
        # Shown twice on purpose: the component is machine-readable, the note is what a reader sees first.
        resource["component"] = [{"code": {"text": SHARP_TEXT}, "valueBoolean": True}]
    own = person_note(pain.note)
    resource["note"] = _notes(
        CONTEXT_NOTE.get(pain.context, pain.context),
        f"Band: {safety.band(pain.score).value} (0 none, 1-3 mild, 4-6 moderate, 7-10 severe).",
        f"{SHARP_TEXT} reported." if pain.sharp else "",
        f"sij recorded: {pain.note.strip()}" if pain.note.strip() and not own else "",
        *_advice_notes(pain.flagged, pain.advice),
        f"Note from the person: {own}" if own else "",
    )
    return resource


def _answer_code(code: str) -> dict[str, Any]:
    flags = {f.code: f for f in safety.RED_FLAGS}
    if code in flags:
        short = flags[code].short
        return {"coding": [{"system": RED_FLAG_SYSTEM, "code": code, "display": short}], "text": short}
    if code == QUICK_KEY:
        return {"coding": [{"system": RED_FLAG_SYSTEM, "code": "quick", "display": QUICK_TEXT}], "text": QUICK_TEXT}
    return {"text": code}


def _screening(data: ExportData, screening: ScreeningItem) -> dict[str, Any]:
    code, text = SCREEN_CODES.get(screening.kind, SCREEN_CODES["full"])
    return {
        "resourceType": "Observation",
        "id": screening.uuid,
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [{"system": RED_FLAG_SYSTEM, "code": code, "display": text}], "text": text},
        "subject": _ref(data.patient_id),
        "effectiveDateTime": _iso(screening.local_time),
        "performer": [_ref(data.patient_id)],
        "valueString": RESULT_TEXT.get(screening.level, screening.level),
        "component": [
            {"code": _answer_code(code), "valueBoolean": answer} for code, answer in sorted(screening.answers.items())
        ],
        "note": _notes(f"sij showed this advice: {screening.advice}" if screening.advice else ""),
    }


def _activity_rating(data: ExportData, rating: RatingItem) -> dict[str, Any]:
    activity = data.activity(rating.activity)
    return {
        "resourceType": "Observation",
        "id": rating.uuid,
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [ACTIVITY_CODE], "text": activity.text if activity else "Activity"},
        "subject": _ref(data.patient_id),
        "effectiveDateTime": _iso(rating.local_time, rating.time_known),
        "valueInteger": rating.value,
        "note": _notes(f"Scale: {FUNCTION_SCALE}."),
    }


def _score(value: float) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": round(value, 2)}
    quantity.update(SCORE_UNIT)
    return quantity


def _function_scores(data: ExportData, ratings: list[RatingItem]) -> list[dict[str, Any]]:
    """One Observation per rating occasion (ratings given together): their mean, derived from them."""
    occasions: dict[tuple[datetime, int], list[RatingItem]] = defaultdict(list)
    for r in ratings:
        occasions[(r.recorded_at, r.offset_minutes)].append(r)
    resources = []
    for _, group in sorted(occasions.items(), key=lambda kv: kv[0][0]):
        joined = ",".join(sorted(r.uuid for r in group))
        mean = statistics.fmean(r.value for r in group)
        resources.append(
            {
                "resourceType": "Observation",
                "id": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"sij:function-score:{joined}")),
                "status": "final",
                "category": [SURVEY],
                "code": {"coding": [FUNCTION_CODE], "text": "Function score (mean of the activities rated)"},
                "subject": _ref(data.patient_id),
                "effectiveDateTime": _iso(group[0].local_time, group[0].time_known),
                "valueQuantity": _score(mean),
                "derivedFrom": [_ref(r.uuid) for r in sorted(group, key=lambda r: r.uuid)],
                "note": _notes(
                    f"Mean of {len(group)} activity rating{'s' if len(group) != 1 else ''}; {FUNCTION_SCALE}; "
                    f"a rise of {safety.FUNCTION_MEANINGFUL_POINTS} points or more since the first rating is a "
                    "meaningful improvement."
                ),
            }
        )
    return resources


def _impression(data: ExportData, rating: RatingItem) -> dict[str, Any]:
    words = safety.IMPRESSION_WORDS[rating.value]
    return {
        "resourceType": "Observation",
        "id": rating.uuid,
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [IMPRESSION_CODE], "text": safety.IMPRESSION_QUESTION},
        "subject": _ref(data.patient_id),
        "effectiveDateTime": _iso(rating.local_time, rating.time_known),
        "valueInteger": rating.value,
        "note": _notes(
            f"{rating.value} = {words} (1 very much better … 4 no change … 7 very much worse).",
            f"Reads as: {safety.impression_meaning(rating.value)}.",
        ),
    }


def to_bundle(data: ExportData) -> dict[str, Any]:
    sessions = [s for s in data.sessions if s.deleted_at is None]
    session_uuids = {s.uuid for s in sessions}
    resources = [_patient(data)]
    resources += [_procedure(data, s) for s in sessions]
    resources += [_pain(data, p, session_uuids) for p in data.pain_scores if p.deleted_at is None]
    resources += [_screening(data, s) for s in data.screenings]
    ratings = [r for r in data.ratings if r.deleted_at is None]
    function = [r for r in ratings if r.kind == "function"]
    resources += [_activity_rating(data, r) for r in function]
    resources += _function_scores(data, function)
    resources += [_impression(data, r) for r in ratings if r.kind == "impression"]
    for resource in resources:
        if not resource.get("note"):
            resource.pop("note", None)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(data.exported_at),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def render(data: ExportData, options: ExportOptions) -> str:
    return json.dumps(to_bundle(data), ensure_ascii=False, indent=2) + "\n"


EXPORTER = Exporter(
    name="fhir",
    title="FHIR R4 bundle",
    render=render,
    options=frozenset({"name"}),
    needs_patient_id=True,
)
