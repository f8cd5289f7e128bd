"""`sij routines`: list, show, create, edit, default; `sij run` and `sij log` follow the default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import flat, snapshot


def routines(sij) -> list[dict]:
    result = sij("routines", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_marks_the_default(sij) -> None:
    assert routines(sij) == [
        {
            "slug": "si-basics",
            "name": "SI basics",
            "description": routines(sij)[0]["description"],
            "default": True,
            "stretches": ["knee-to-chest", "figure-4", "supine-twist"],
        }
    ]
    table = sij("routines")
    assert table.exit_code == 0 and "si-basics" in table.stdout and "default" in table.stdout


def test_show(sij) -> None:
    result = sij("routines", "show", "si-basics")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert (
        "SI basics · si-basics · your default" in text
        and "(si-basics)" not in text
        and "Figure 4" in text
        and "30 s" in text
    )
    assert json.loads(sij("routines", "show", "si-basics", "--json").stdout)["default"] is True


def test_create_in_order_with_a_repeat(sij) -> None:
    result = sij(
        "routines", "create", "physio-plan", "--stretch", "supine-twist", "-s", "knee-to-chest",
        "--stretch", "supine-twist", "--name", "Physio plan", "--description", "Morning and evening.",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created routine 'physio-plan'" in result.stdout
    assert "sij routines default physio-plan" in result.stderr
    made = json.loads(sij("routines", "show", "physio-plan", "--json").stdout)
    assert made == {
        "slug": "physio-plan",
        "name": "Physio plan",
        "description": "Morning and evening.",
        "default": False,
        "stretches": ["supine-twist", "knee-to-chest", "supine-twist"],
    }


def test_create_names_it_from_the_slug_when_no_name(sij) -> None:
    assert sij("routines", "create", "quick-one", "--stretch", "figure-4").exit_code == 0
    assert routines(sij)[-1]["name"] == "Quick one"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["create", "mine"], "at least one stretch"),
        (["create", "mine", "--stretch", "pigeon"], "no stretch named 'pigeon'"),
        (["create", "si-basics", "--stretch", "figure-4"], "already exists"),
        (["create", "My Routine", "--stretch", "figure-4"], "not a valid routine slug"),
        (["create", "mine", "--stretch", "figure-4", "--name", ""], "--name"),
        (["create", "mine", *["--stretch", "figure-4"] * 51], "at most 50"),
        (["show", "nope"], "No routine named 'nope'"),
        (["show", ""], "SLUG"),
        (["edit", "nope", "--name", "x"], "No routine named 'nope'"),
        (["edit", "si-basics"], "Nothing to change"),
        (["edit", "si-basics", "--stretch", "pigeon"], "no stretch named 'pigeon'"),
        (["edit", "", "--name", "x"], "SLUG"),
        (["default", "nope"], "Error: there is no routine named 'nope'. Known: si-basics."),
    ],
)
def test_routine_rejections(sij, db_path: Path, args: list[str], needle: str) -> None:
    sij("routines")
    before = (snapshot(db_path), routines(sij))
    result = sij("routines", *args)
    assert result.exit_code == 2, result.output
    # An argument's message names the value and ends with the command's help (no "Invalid value for 'SLUG'").
    assert needle in result.stderr or (needle == "SLUG" and "--help" in result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert (snapshot(db_path), routines(sij)) == before


def test_edit_replaces_the_order_and_renames(sij) -> None:
    result = sij(
        "routines", "edit", "si-basics", "--stretch", "figure-4", "--stretch", "knee-to-chest", "--name", "Mine"
    )
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "SI basics → Mine" in text
    assert "knee-to-chest, figure-4, supine-twist → figure-4, knee-to-chest" in text
    assert routines(sij)[0]["stretches"] == ["figure-4", "knee-to-chest"]


def test_default_is_used_by_log_and_run(sij) -> None:
    assert sij("stretches", "add", "cat-cow", "--name", "Cat-cow", "--step", "Arch and round.", "--hold", "10",
               "--both-sides").exit_code == 0  # fmt: skip
    assert sij("routines", "create", "physio", "--stretch", "cat-cow", "--stretch", "figure-4").exit_code == 0
    result = sij("routines", "default", "physio")
    assert result.exit_code == 0, result.output
    assert "default routine is now 'physio'" in result.stdout
    assert [r["slug"] for r in routines(sij) if r["default"]] == ["physio"]

    assert sij("log").exit_code == 0
    logged = json.loads(sij("history", "--json").stdout)[0]
    assert logged["routine"] == "physio"
    assert [(h["slug"], h["side"], h["seconds"]) for h in logged["stretches"]] == [
        ("cat-cow", "both", 10),
        ("figure-4", "left", 30),
        ("figure-4", "right", 30),
    ]
    assert sij("run", "--yes", "--no-red-flags", "--speed", "1000").exit_code == 0
    guided = json.loads(sij("history", "--json").stdout)[0]
    assert guided["routine"] == "physio" and guided["guided"] is True
    assert [h["slug"] for h in guided["stretches"]] == ["cat-cow", "figure-4", "figure-4"]


def test_a_routine_listing_a_retired_stretch_is_not_practised(sij, db_path: Path) -> None:
    """Retiring keeps the stretch in other routines' lists, but a new session never includes it."""
    assert sij("stretches", "add", "bridge", "--name", "Bridge", "--step", "Lift your hips slowly.").exit_code == 0
    assert sij("routines", "create", "mine", "--stretch", "figure-4", "--stretch", "bridge").exit_code == 0
    assert sij("stretches", "retire", "bridge").exit_code == 0
    before = snapshot(db_path)
    for args in (
        ["log", "--routine", "mine"],
        ["run", "--yes", "--no-red-flags", "--speed", "1000", "--routine", "mine"],
    ):
        result = sij(*args)
        assert result.exit_code == 2, result.output
        assert "--routine" in result.stderr and "retired stretch 'bridge'" in result.stderr
    assert snapshot(db_path) == before
    assert sij("stretches", "unretire", "bridge").exit_code == 0
    assert sij("log", "--routine", "mine").exit_code == 0
