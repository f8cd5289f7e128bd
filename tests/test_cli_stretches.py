"""`sij stretches` add, edit, retire and unretire through the command line; seeding never undoes edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import execute, flat, query, snapshot

STEP_ARGS = ["--step", "Kneel on all fours.", "--step", "Sit back slowly toward your heels."]


def stretches(sij, *extra: str) -> list[dict]:
    result = sij("stretches", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def add(sij, slug: str, *extra: str):
    return sij("stretches", "add", slug, "--name", slug.title(), *STEP_ARGS, *extra)


def test_add_a_prescribed_stretch_with_every_field(sij) -> None:
    result = sij(
        "stretches", "add", "childs-pose", "--name", "Child's pose", *STEP_ARGS, "--hold", "20", "--both-sides",
        "--source", "Prescribed by my physio, 2026-11", "--caution", "Skip it after knee surgery.",
        "--caution", "Keep your breathing slow.",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added stretch 'childs-pose'" in result.stdout
    assert "sij routines create" in result.stderr
    shown = json.loads(sij("stretches", "show", "childs-pose", "--json").stdout)
    assert shown == {
        "slug": "childs-pose",
        "name": "Child's pose",
        "hold_seconds": 20,
        "per_side": False,
        "active": True,
        "steps": ["Kneel on all fours.", "Sit back slowly toward your heels."],
        "cautions": ["Skip it after knee surgery.", "Keep your breathing slow."],
        "source": "Prescribed by my physio, 2026-11",
    }
    assert [s["slug"] for s in stretches(sij)][-1] == "childs-pose"
    assert "Hold about 20 seconds with both sides together" in flat(sij("stretches", "show", "childs-pose").stdout)


def test_add_defaults_to_thirty_seconds_per_side(sij) -> None:
    assert add(sij, "bridge").exit_code == 0
    bridge = stretches(sij)[-1]
    assert (bridge["hold_seconds"], bridge["per_side"], bridge["cautions"], bridge["source"]) == (30, True, [], "")


@pytest.mark.parametrize("hold", ["5", "600"])
def test_hold_edges_accepted(sij, hold: str) -> None:
    assert add(sij, "bridge", "--hold", hold).exit_code == 0
    assert stretches(sij)[-1]["hold_seconds"] == int(hold)


@pytest.mark.parametrize("slug", ["ab", "cat-cow", "a1", "x" * 64, "step-2-a"])
def test_valid_slugs(sij, slug: str) -> None:
    assert add(sij, slug).exit_code == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["bridge", "--name", "Bridge", *STEP_ARGS, "--hold", "4"], "--hold"),
        (["bridge", "--name", "Bridge", *STEP_ARGS, "--hold", "601"], "--hold"),
        (["bridge", "--name", "Bridge", *STEP_ARGS, "--hold", "ten"], "--hold"),
        (["bridge", "--name", "Bridge"], "--step"),
        (["bridge", "--name", "Bridge", "--step", ""], "--step"),
        (["bridge", "--name", "Bridge", "--step", "ok", "--step", "   "], "--step 2"),
        (["bridge", "--name", "Bridge", "--step", "x" * 1001], "--step 1"),
        (["bridge", *STEP_ARGS], "--name"),
        (["bridge", "--name", "", *STEP_ARGS], "--name"),
        (["bridge", "--name", "Bri\x1bdge", *STEP_ARGS], "control character"),
        (["bridge", "--name", "Bridge", *STEP_ARGS, "--caution", ""], "--caution"),
        (["--name", "Bridge", *STEP_ARGS], "SLUG"),
        (["knee-to-chest", "--name", "Again", *STEP_ARGS], "already exists"),
        (["Bridge", "--name", "Bridge", *STEP_ARGS], "did you mean 'bridge'"),
        (["b", "--name", "Bridge", *STEP_ARGS], "not a valid stretch slug"),
        (["x" * 65, "--name", "Bridge", *STEP_ARGS], "not a valid stretch slug"),
        (["bri dge", "--name", "Bridge", *STEP_ARGS], "not a valid stretch slug"),
        (["bridge-", "--name", "Bridge", *STEP_ARGS], "not a valid stretch slug"),
        (["brücke", "--name", "Bridge", *STEP_ARGS], "not a valid stretch slug"),
        (["bridge", "--name", "Bridge", *STEP_ARGS, "--from", "x.json"], "not both"),
    ],
)
def test_add_rejections(sij, db_path: Path, args: list[str], needle: str) -> None:
    sij("stretches")
    before = snapshot(db_path)
    result = sij("stretches", "add", *args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(db_path) == before


def _stretch(slug: str, **extra: object) -> dict:
    return {"slug": slug, "name": slug.title(), "steps": ["Do it slowly."], **extra}


def test_add_from_a_seed_format_file_with_a_routine(sij, tmp_path: Path) -> None:
    document = {
        "format": "sij-seed",
        "version": 1,
        "stretches": [
            _stretch("cat-cow", hold_seconds=10, per_side=False, source="Physio sheet", cautions=["Go gently."]),
            _stretch("bird-dog", hold_seconds=15),
        ],
        "routines": [{"slug": "physio", "name": "Physio plan", "stretches": ["cat-cow", "bird-dog", "figure-4"]}],
    }
    path = tmp_path / "physio.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = sij("stretches", "add", "--from", str(path))
    assert result.exit_code == 0, result.output
    assert "Added stretch 'cat-cow'" in result.stdout and "Added routine 'physio'" in result.stdout
    cat = json.loads(sij("stretches", "show", "cat-cow", "--json").stdout)
    assert (cat["hold_seconds"], cat["per_side"], cat["source"], cat["cautions"]) == (
        10,
        False,
        "Physio sheet",
        ["Go gently."],
    )
    routine = json.loads(sij("routines", "show", "physio", "--json").stdout)
    assert routine["stretches"] == ["cat-cow", "bird-dog", "figure-4"] and routine["default"] is False


def test_add_from_a_single_stretch_object(sij, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(_stretch("clam")), encoding="utf-8")
    assert sij("stretches", "add", "--from", str(path)).exit_code == 0
    assert stretches(sij)[-1]["slug"] == "clam"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"format": "other", "stretches": []}), "not a sij stretch file"),
        (json.dumps([1, 2]), "not a sij stretch file"),
        (json.dumps({"format": "sij-seed", "stretches": []}), "no stretches"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("ok-one"), _stretch("bad", hold_seconds=601)]}),
         "stretches[1] ('bad'): hold_seconds"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("ok-one", hold=30)]}), "unknown field 'hold'"),
        (json.dumps({"format": "sij-seed", "stretches": [{"slug": "x-y", "name": "X"}]}), "no 'steps'"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("ok-one", steps=[])]}), "steps is missing"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("ok-one", per_side="yes")]}), "true or false"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("ok-one"), _stretch("ok-one")]}), "given twice"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("Bad Slug")]}), "not a valid stretch slug"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("ok-one")],
                     "routines": [{"slug": "r-one", "stretches": ["ok-one", "nope"]}]}), "no stretch named 'nope'"),
        (json.dumps({"format": "sij-seed", "stretches": [_stretch("ok-one")],
                     "routines": [{"slug": "r-one", "stretches": []}]}), "lists no stretches"),
    ],
)  # fmt: skip
def test_add_from_bad_files_writes_nothing(sij, db_path: Path, tmp_path: Path, content: str, needle: str) -> None:
    sij("stretches")
    before = snapshot(db_path)
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = sij("stretches", "add", "--from", str(path))
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert snapshot(db_path) == before


def test_add_from_missing_file_or_the_seed_itself(sij, db_path: Path) -> None:
    result = sij("stretches", "add", "--from", "/nonexistent/x.json")
    assert result.exit_code == 2 and "No file" in result.stderr
    from tracker import db

    result = sij("stretches", "add", "--from", str(db.resource_dir("seed") / db.SEED_FILE))
    assert result.exit_code == 2 and "already exists" in result.stderr


# ---- edit --------------------------------------------------------------------------------------


def test_edit_a_seeded_stretch_shows_before_and_after(sij) -> None:
    result = sij("stretches", "edit", "figure-4", "--hold", "45", "--step", "One.", "--step", "Two.", "--both-sides")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "Changed stretch 'figure-4'" in text and "30 s → 45 s" in text and "each side → both together" in text
    shown = json.loads(sij("stretches", "show", "figure-4", "--json").stdout)
    assert (shown["hold_seconds"], shown["steps"], shown["per_side"]) == (45, ["One.", "Two."], False)
    assert shown["name"] == "Figure 4 (lying piriformis stretch)"  # untouched
    assert sij("stretches", "edit", "figure-4", "--no-cautions").exit_code == 0
    assert json.loads(sij("stretches", "show", "figure-4", "--json").stdout)["cautions"] == []


def test_a_logged_session_uses_the_edited_hold(sij) -> None:
    assert sij("stretches", "edit", "knee-to-chest", "--hold", "45").exit_code == 0
    assert sij("log").exit_code == 0
    holds = json.loads(sij("history", "--json").stdout)[0]["stretches"]
    assert holds[0]["seconds"] == 45 and holds[2]["seconds"] == 30


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["figure-4"], "Nothing to change"),
        (["pigeon", "--hold", "20"], "No stretch named 'pigeon'"),
        (["figure-4", "--hold", "4"], "--hold"),
        (["figure-4", "--hold", "601"], "--hold"),
        (["figure-4", "--step", ""], "--step"),
        (["figure-4", "--name", " "], "--name"),
        (["figure-4", "--caution", "x", "--no-cautions"], "not both"),
    ],
)
def test_edit_rejections(sij, db_path: Path, args: list[str], needle: str) -> None:
    before_rows = stretches(sij)
    result = sij("stretches", "edit", *args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert stretches(sij) == before_rows


def test_reseeding_never_undoes_edits(sij, db_path: Path) -> None:
    from tracker import db
    from tracker.config import resolve_database
    from tracker.services.seeding import apply_seed

    assert sij("stretches", "edit", "knee-to-chest", "--hold", "20", "--name", "My knee hug").exit_code == 0
    document = db.seed_document()
    document["version"] += 1  # a newer seed, so apply_seed really runs
    document["stretches"].append(_stretch("new-in-seed", hold_seconds=30, per_side=True))
    database = db.open_database(resolve_database(str(db_path)))  # a file or a test server's schema
    with db.unit_of_work(database) as session:
        apply_seed(session, document)
    database.close()
    rows = {s["slug"]: s for s in stretches(sij)}
    assert "new-in-seed" in rows  # the seed did run
    assert (rows["knee-to-chest"]["hold_seconds"], rows["knee-to-chest"]["name"]) == (20, "My knee hug")


# ---- retire ------------------------------------------------------------------------------------


def test_retire_hides_a_stretch_and_keeps_its_history_by_name(sij) -> None:
    assert add(sij, "bridge").exit_code == 0
    assert sij("log", "--stretch", "bridge", "--stretch", "figure-4").exit_code == 0
    result = sij("stretches", "retire", "bridge")
    assert result.exit_code == 0, result.output
    assert "bridge" not in [s["slug"] for s in stretches(sij)]
    everything = {s["slug"]: s for s in stretches(sij, "--all")}
    assert everything["bridge"]["active"] is False
    assert "(retired)" in sij("stretches", "--all").stdout
    holds = json.loads(sij("history", "--json").stdout)[0]["stretches"]
    assert [(h["slug"], h["name"]) for h in holds[:2]] == [("bridge", "Bridge")] * 2
    # Not for new routines, until it is brought back.
    result = sij("routines", "create", "mine", "--stretch", "bridge")
    assert result.exit_code == 2 and "retired" in result.stderr
    assert sij("stretches", "unretire", "bridge").exit_code == 0
    assert "bridge" in [s["slug"] for s in stretches(sij)]
    assert sij("routines", "create", "mine", "--stretch", "bridge").exit_code == 0


def test_exports_and_progress_show_a_retired_stretch_by_name(sij, tmp_path: Path) -> None:
    assert add(sij, "bridge").exit_code == 0
    assert sij("log", "--stretch", "bridge", "--pain-before", "4", "--pain-after", "3").exit_code == 0
    assert sij("stretches", "retire", "bridge").exit_code == 0
    assert "Bridge" in sij("export", "--format", "csv").stdout
    backup = json.loads(sij("export", "--format", "json").stdout)
    assert {s["slug"]: s["active"] for s in backup["stretches"]}["bridge"] is False
    fhir = sij("export", "--format", "fhir").stdout
    assert "Bridge" in fhir
    pdf = tmp_path / "report.pdf"
    assert sij("export", "--format", "pdf", "--output", str(pdf)).exit_code == 0
    from pypdf import PdfReader

    assert "Bridge" in "".join(page.extract_text() for page in PdfReader(pdf).pages)
    done = sij("plot", "--kind", "stretches", "--output", str(tmp_path / "holds.svg"))
    assert done.exit_code == 0, done.output
    assert "Bridge" in (tmp_path / "holds.svg").read_text()


def test_retiring_a_stretch_the_default_routine_needs_is_refused(sij, db_path: Path) -> None:
    sij("stretches")
    before = snapshot(db_path)
    result = sij("stretches", "retire", "figure-4")
    assert result.exit_code == 2
    assert "default routine 'si-basics'" in result.stderr and "--new-default" in result.stderr
    assert snapshot(db_path) == before
    assert "figure-4" in [s["slug"] for s in stretches(sij)]


def test_retire_with_a_new_default(sij) -> None:
    assert sij("routines", "create", "gentle", "--stretch", "knee-to-chest", "--stretch", "supine-twist").exit_code == 0
    result = sij("stretches", "retire", "figure-4", "--new-default", "si-basics")
    assert result.exit_code == 2 and "also lists 'figure-4'" in result.stderr
    result = sij("stretches", "retire", "figure-4", "--new-default", "gentle")
    assert result.exit_code == 0, result.output
    assert "default routine is now 'gentle'" in result.stdout
    assert "Still listed in routine(s) si-basics" in flat(result.stderr)
    assert [r["slug"] for r in json.loads(sij("routines", "--json").stdout) if r["default"]] == ["gentle"]
    assert "figure-4 (retired)" in flat(sij("routines").stdout)
    # The old routine cannot become the default again while it lists a retired stretch.
    result = sij("routines", "default", "si-basics")
    assert result.exit_code == 2 and "retired stretch 'figure-4'" in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["retire", "pigeon"], "No stretch named 'pigeon'"),
        (["retire", "figure-4", "--new-default", "nope"], "--new-default: no routine named 'nope'"),
        (["unretire", "figure-4"], "not retired"),
        (["unretire", "pigeon"], "No stretch named 'pigeon'"),
    ],
)
def test_retire_rejections(sij, db_path: Path, args: list[str], needle: str) -> None:
    sij("stretches")
    before = stretches(sij, "--all")
    result = sij("stretches", *args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert stretches(sij, "--all") == before


def test_retire_twice(sij) -> None:
    assert add(sij, "bridge").exit_code == 0
    assert sij("stretches", "retire", "bridge").exit_code == 0
    result = sij("stretches", "retire", "bridge")
    assert result.exit_code == 2 and "already retired" in result.stderr


# ---- issue 10: the seeded instructions define sides and carry every caution --------------------------------


@pytest.mark.parametrize(
    ("slug", "side_words", "hip_words"),
    [
        ("knee-to-chest", "the knee you bring up", "bends the hip deeply"),
        ("figure-4", "the leg you cross over, whose buttock is stretched", "crosses the leg"),
        ("supine-twist", "the way your knees roll", "turns the hips and legs"),
    ],
)
def test_seeded_stretches_define_sides_and_carry_every_caution(sij, slug: str, side_words: str, hip_words: str) -> None:
    text = " ".join(sij("stretches", "show", slug).stdout.split())
    assert side_words in text and "for the left side" in text
    assert "Do not bounce, and never force it" in text
    assert "hip replacement" in text and hip_words in text
    assert "Later in pregnancy, lying flat on your back may not suit you" in text


def _seed_as_version_1(db_path: Path, *edits: str) -> None:
    """Make the database look as version 1 of the seed left it (its texts and its version), then apply `edits`."""
    import json

    from tracker import db

    earlier = {s["slug"]: s["earlier"][0] for s in db.seed_document()["stretches"]}
    for slug, text in earlier.items():
        execute(
            db_path,
            "UPDATE stretch SET steps = ?, cautions = ? WHERE slug = ?",
            (json.dumps(text["steps"]), json.dumps(text["cautions"]), slug),
        )
    execute(db_path, "UPDATE setting SET value = '1' WHERE key = 'seed_version'")
    for sql in edits:
        execute(db_path, sql)


def test_reseeding_updates_seeded_text_only_where_it_was_not_edited(sij, db_path: Path) -> None:
    assert sij("stretches").exit_code == 0  # creates and seeds the database
    # As version 1 left it, with figure 4's cautions edited by the person; the next command seeds version 2.
    edit = "UPDATE stretch SET cautions = '[\"My physio says: left side only.\"]' WHERE slug = 'figure-4'"
    _seed_as_version_1(db_path, edit)
    [(old,)] = query(db_path, "SELECT cautions FROM stretch WHERE slug = 'supine-twist'")
    assert "hip replacement" not in str(old)  # JSON text on SQLite, a parsed list on PostgreSQL
    twist = " ".join(sij("stretches", "show", "supine-twist").stdout.split())
    assert "hip replacement" in twist and "for the left side" in twist  # not edited: brought up to date
    figure = " ".join(sij("stretches", "show", "figure-4").stdout.split())
    assert "My physio says: left side only." in figure and "hip replacement" not in figure  # edited: kept
    assert "the leg you cross over" in figure  # its steps were not edited: brought up to date
    assert query(db_path, "SELECT value FROM setting WHERE key = 'seed_version'") == [("2",)]
