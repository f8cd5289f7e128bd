"""FHIR R4 as a JSON Bundle of type `collection`, as decided in CLINICAL.md ("Decisions for sij", default 7).

Stdlib only: plain dictionaries (the tests validate them with fhir.resources' R4B models). A bare Patient (a name
only when the person gives one); a Procedure per session (SNOMED CT 229070002); an Observation per pain score
(LOINC 72514-3, category survey, valueInteger) linked to its session with `partOf`; an Observation per red-flag
screen with the answers as components. Every fullUrl is `urn:uuid:` + the record's stable uuid.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tracker import safety
from tracker.exports.base import ExportData, Exporter, ExportOptions, PainItem, ScreeningItem, SessionItem

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
QUICK_TEXT = {"emergency_symptoms": "Any new emergency warning sign (E1-E6: numbness, bladder, bowel, both legs)"}
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
    period = {"start": _iso(session.local_start, session.time_known)}
    if session.local_end is not None and session.time_known:
        period["end"] = _iso(session.local_end)
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": session.uuid,
        "status": "completed" if session.state == "completed" else "stopped",
        "code": {"coding": [STRETCHING], "text": PROCEDURE_TEXT},
        "subject": _ref(data.patient_id),
        "performedPeriod": period,
        "performer": [{"actor": _ref(data.patient_id)}],
    }
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
        f"sij showed this advice: {session.advice}" if session.flagged and session.advice else "",
        f"Note from the person: {session.note}" if session.note else "",
    )
    return resource


def _pain(data: ExportData, pain: PainItem, sessions: set[str]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": pain.uuid,
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [PAIN_CODE], "text": "Pain severity 0-10"},
        "subject": _ref(data.patient_id),
        "effectiveDateTime": _iso(pain.local_time, pain.time_known),
        "valueInteger": pain.score,
    }
    if pain.session is not None and pain.session in sessions:
        resource["partOf"] = [_ref(pain.session)]
    if pain.sharp:
        # Shown twice on purpose: the component is machine-readable, the note is what a reader sees first.
        resource["component"] = [{"code": {"text": SHARP_TEXT}, "valueBoolean": True}]
    resource["note"] = _notes(
        CONTEXT_NOTE.get(pain.context, pain.context),
        f"Band: {safety.band(pain.score).value} (0 none, 1-3 mild, 4-6 moderate, 7-10 severe).",
        f"{SHARP_TEXT} reported." if pain.sharp else "",
        f"sij showed this advice: {pain.advice}" if pain.flagged and pain.advice else "",
        f"Note from the person: {pain.note}" if pain.note else "",
    )
    return resource


def _screening(data: ExportData, screening: ScreeningItem) -> dict[str, Any]:
    flags = {f.code: f for f in safety.RED_FLAGS}
    kind = "all 13 questions" if screening.kind == "full" else "quick check before a session"
    return {
        "resourceType": "Observation",
        "id": screening.uuid,
        "status": "final",
        "category": [SURVEY],
        "code": {"text": f"Red-flag screen for low back or pelvic pain (sij, {kind})"},
        "subject": _ref(data.patient_id),
        "effectiveDateTime": _iso(screening.local_time),
        "valueString": f"Result: {screening.level}",
        "component": [
            {
                "code": {"text": f"{code}: {flags[code].short}" if code in flags else QUICK_TEXT.get(code, code)},
                "valueBoolean": answer,
            }
            for code, answer in sorted(screening.answers.items())
        ],
        "note": _notes(f"sij showed this advice: {screening.advice}" if screening.advice else ""),
    }


def to_bundle(data: ExportData) -> dict[str, Any]:
    sessions = [s for s in data.sessions if s.deleted_at is None]
    session_uuids = {s.uuid for s in sessions}
    resources = [_patient(data)]
    resources += [_procedure(data, s) for s in sessions]
    resources += [_pain(data, p, session_uuids) for p in data.pain_scores if p.deleted_at is None]
    resources += [_screening(data, s) for s in data.screenings]
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
