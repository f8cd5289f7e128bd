"""The FHIR R4 export: every bundle validates against fhir.resources' R4B models, and says what CLINICAL.md decides."""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from tests.conftest import execute
from tracker import safety
from tracker.exports import fhir

PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"


def _export(sij, *args: str) -> dict[str, Any]:
    result = sij("export", "--format", "fhir", *args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    Bundle.model_validate(document)  # raises on anything R4B does not accept
    return document


def _resources(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def test_empty_database_gives_a_valid_bundle_with_a_bare_patient(sij) -> None:
    document = _export(sij)
    assert document["type"] == "collection"
    assert document["timestamp"] == "2026-11-24T09:30:00+00:00"
    (patient,) = _resources(document, "Patient")
    assert set(patient) == {"resourceType", "id"}  # no name, no identifier
    assert document["entry"][0]["fullUrl"] == f"urn:uuid:{patient['id']}"


def test_logged_session_is_a_procedure_with_linked_pain_observations(sij) -> None:
    assert sij("log", "--at", "2026-07-01T07:00", "--pain-before", "6", "--pain-after", "4", "--heat").exit_code == 0
    document = _export(sij)
    (patient,) = _resources(document, "Patient")
    (procedure,) = _resources(document, "Procedure")
    session = json.loads(sij("history", "--json").stdout)[0]
    assert procedure["id"] == session["uuid"]
    assert procedure["status"] == "completed"
    assert procedure["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "229070002",
        "display": "Stretching exercises",
    }
    assert procedure["code"]["text"] == "Stretching exercises (SI joint routine)"
    assert procedure["subject"] == {"reference": f"urn:uuid:{patient['id']}"}
    assert procedure["performer"][0]["actor"] == procedure["subject"]
    # Logged afterwards: the time is known, the end is not; an open period would read as "still going on".
    assert procedure["performedDateTime"] == "2026-07-01T07:00:00+01:00" and "performedPeriod" not in procedure
    notes = " ".join(n["text"] for n in procedure["note"])
    assert "Knee to chest, left, 30 s" in notes and "Heat applied" in notes
    before, after = sorted(_resources(document, "Observation"), key=lambda o: o["note"][0]["text"] != "pre-session")
    assert before["status"] == "final"
    assert before["code"]["coding"] == [{"system": "http://loinc.org", "code": "72514-3", "display": PAIN_DISPLAY}]
    assert before["category"][0]["coding"][0]["code"] == "survey"
    assert before["valueInteger"] == 6 and after["valueInteger"] == 4
    assert before["effectiveDateTime"] == "2026-07-01T07:00:00+01:00"
    assert before["partOf"] == [{"reference": f"urn:uuid:{procedure['id']}"}]
    assert before["note"][0]["text"] == "pre-session" and after["note"][0]["text"] == "post-session"
    urls = [e["fullUrl"] for e in document["entry"]]
    assert urls == [f"urn:uuid:{e['resource']['id']}" for e in document["entry"]]
    assert len(set(urls)) == len(urls)


def test_sharp_check_in_is_visible_and_not_linked_to_a_session(sij) -> None:
    assert sij("pain", "8", "--sharp", "--note", "stairs").exit_code == 0
    (observation,) = _resources(_export(sij), "Observation")
    assert observation["valueInteger"] == 8
    assert "partOf" not in observation
    texts = [n["text"] for n in observation["note"]]
    assert texts[0] == "check-in"
    assert any("Sharp, stabbing or shooting pain" in t for t in texts)
    assert any(t.startswith("sij showed this advice: Stop stretching for now.") for t in texts)
    assert "Note from the person: stairs" in texts
    assert observation["component"] == [
        {"code": {"text": "Sharp, stabbing or shooting pain, or new numbness or tingling"}, "valueBoolean": True}
    ]


def test_guided_session_stopped_for_sharp_pain_is_a_stopped_procedure(sij) -> None:
    # screen offer: no · heat: no · pain before: 4 · quick check: no · sharp after 1st stretch: yes
    result = sij("run", "--speed", "1000", input="n\nn\n4\nn\ny\n\n", interactive=True)
    assert result.exit_code == 0, result.output
    document = _export(sij)
    (procedure,) = _resources(document, "Procedure")
    assert procedure["status"] == "stopped"
    assert "sharp" in procedure["statusReason"]["text"]
    assert procedure["complication"][0]["text"].startswith("Sharp")
    assert "end" in procedure["performedPeriod"]


def test_screening_is_an_observation_with_one_component_per_answer(sij) -> None:
    assert sij("screen", "--answers", "nnnnnnnynnnnn").exit_code == 0
    document = _export(sij)
    (screen,) = [o for o in _resources(document, "Observation") if "Red-flag screen" in o["code"]["text"]]
    assert len(screen["component"]) == 13
    yes = [c["code"] for c in screen["component"] if c["valueBoolean"]]
    assert yes == [
        {
            "coding": [{"system": fhir.RED_FLAG_SYSTEM, "code": "U2", "display": "ever diagnosed with cancer"}],
            "text": "ever diagnosed with cancer",
        }
    ]
    assert screen["code"]["coding"][0] == {
        "system": fhir.RED_FLAG_SYSTEM,
        "code": "screen-full",
        "display": "Red-flag screen for low back or pelvic pain (all 13 questions)",
    }
    assert screen["valueString"] == "Warning signs reported that need a doctor today."
    assert screen["performer"] == [screen["subject"]]
    assert "Contact a doctor today" in screen["note"][0]["text"]


def test_patient_is_stable_per_database_and_named_only_on_request(sij) -> None:
    first = _resources(_export(sij), "Patient")[0]
    named = _resources(_export(sij, "--name", "Ann Example"), "Patient")[0]
    assert named["id"] == first["id"]
    assert named["name"] == [{"text": "Ann Example"}]


def test_trashed_sessions_are_left_out(sij, db_path) -> None:
    assert sij("log", "--pain-before", "3").exit_code == 0
    execute(db_path, "UPDATE practice SET deleted_at = '2026-11-24 09:00:00'")
    execute(db_path, "UPDATE pain_score SET deleted_at = '2026-11-24 09:00:00'")
    document = _export(sij)
    assert _resources(document, "Procedure") == [] and _resources(document, "Observation") == []


def test_a_full_history_validates(sij) -> None:
    assert sij("log", "--at", "2026-11-01T08:00", "--pain-before", "6", "--pain-after", "4").exit_code == 0
    assert sij("run", "--speed", "1000", input="n\nn\n4\nn\nn\nn\nn\n2\n", interactive=True).exit_code == 0
    assert sij("pain", "2", "--note", "=cmd").exit_code == 0
    assert sij("screen", "--answers", "nnnnnnnnnnnnn").exit_code == 0
    document = _export(sij, "--name", "Zoë Example")
    kinds = [e["resource"]["resourceType"] for e in document["entry"]]
    assert kinds.count("Procedure") == 2 and kinds.count("Patient") == 1
    quick = [o for o in _resources(document, "Observation") if "quick check" in o["code"]["text"]]
    assert quick and quick[0]["component"][0]["valueBoolean"] is False


def test_a_date_without_a_time_is_exported_as_a_date(sij) -> None:
    assert sij("log", "--at", "2026-11-20", "--pain-before", "5").exit_code == 0
    assert sij("pain", "3", "--at", "9am").exit_code == 0
    document = _export(sij)
    procedure = _resources(document, "Procedure")[0]
    assert procedure["performedDateTime"] == "2026-11-20"  # logged afterwards: no end; no time given
    times = sorted(o["effectiveDateTime"] for o in _resources(document, "Observation"))
    assert times == ["2026-11-20", "2026-11-24T09:00:00+00:00"]


def test_every_screen_question_has_its_own_code_and_the_quick_check_names_all_six_signs(sij) -> None:
    assert sij("run", "--speed", "1000", input="n\nn\n4\ny\n", interactive=True).exit_code == 0  # quick: yes
    assert sij("screen", "--answers", "y" * 13).exit_code == 0
    document = _export(sij)
    screens = [
        o
        for o in _resources(document, "Observation")
        if o["code"].get("coding", [{}])[0].get("code", "").startswith("screen")
    ]
    full = next(o for o in screens if o["code"]["coding"][0]["code"] == "screen-full")
    codes = [c["code"]["coding"][0]["code"] for c in full["component"]]
    assert codes == sorted(safety.SCREEN_CODES) and len(set(codes)) == 13
    assert all(c["code"]["coding"][0]["system"] == fhir.RED_FLAG_SYSTEM for c in full["component"])
    assert full["valueString"] == "Emergency warning signs reported."
    quick = next(o for o in screens if o["code"]["coding"][0]["code"] == "screen-quick")
    (answer,) = quick["component"]
    assert answer["valueBoolean"] is True
    for words in ("sexual function", "accident", "both legs", "bowel"):
        assert words in answer["code"]["text"]


def test_guided_session_has_an_end_and_observations_a_performer(sij) -> None:
    assert (
        sij("run", "--speed", "1000", "--yes", "--no-red-flags", "--pain-before", "4", "--pain-after", "3").exit_code
        == 0
    )
    document = _export(sij)
    (procedure,) = _resources(document, "Procedure")
    assert procedure["performedPeriod"]["end"] > procedure["performedPeriod"]["start"]
    for observation in _resources(document, "Observation"):
        assert observation["performer"] == [observation["subject"]]


def test_only_the_persons_own_words_are_their_note(sij) -> None:
    assert sij("run", "--yes", "--no-red-flags", "--pain-before", "9").exit_code in (
        0,
        1,
    )  # blocked: saved as a check-in
    assert sij("pain", "3", "--note", "after gardening").exit_code == 0
    observations = _resources(_export(sij), "Observation")
    notes = [[n["text"] for n in o["note"]] for o in observations if o.get("valueInteger") is not None]
    blocked = next(n for n in notes if any("not started" in t for t in n))
    assert "sij recorded: Before a guided routine; the routine was not started." in blocked
    assert not any(t.startswith("Note from the person") for t in blocked)
    assert any("Note from the person: after gardening" in t for n in notes for t in n)


def test_a_correction_after_advice_is_exported_beside_it(sij) -> None:
    assert sij("log", "--pain-before", "8").exit_code == 0
    assert sij("edit", "1", "--pain-before", "5").exit_code == 0
    (procedure,) = _resources(_export(sij), "Procedure")
    texts = [n["text"] for n in procedure["note"]]
    assert any(
        t.startswith("sij showed this advice: Stop stretching for now.") and "Corrected on" not in t for t in texts
    )
    assert (
        "Corrected after the advice was shown: advice shown at 8/10 (pain before); corrected to 5 on 2026-11-24."
        in texts
    )
