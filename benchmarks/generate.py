"""Write a synthetic sij history into a database file: daily sessions with pain scores, seeded random.

Besides sessions it writes ratings: three activities rated weekly (rising as pain eases) and an impression of
change every two to four weeks from day 14.

    python benchmarks/generate.py HISTORY.db --years 20 --seed 1

The schema and the seeded stretches come from the real program (tracker.db.open_database, which runs
the Alembic revisions); the rows are then bulk-inserted with the stdlib driver in one transaction, at
the current schema, so that twenty years take seconds. Times are real instants in a real time zone
(Europe/London by default), with the UTC offset of the moment, daylight-saving changes included.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import uuid
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from tracker.db import open_database

FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a naive UTC DateTime in SQLite


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(FORMAT)


def _offset(moment: datetime) -> int:
    delta = moment.utcoffset()
    assert delta is not None
    return int(delta.total_seconds() // 60)


def generate(path: Path, *, years: float, seed: int, end: date, zone: str = "Europe/London") -> dict[str, int]:
    """Write `years` of history ending on `end` into `path`, a new database file.

    Nothing is dated after the moment it runs, so a history ending today is one a person could have kept, and
    check-ins are numbered among check-ins as sij numbers them."""
    if path.exists():
        raise FileExistsError(f"{path} exists; the history goes into a new file (the activities would pass sij's 5)")
    database = open_database(path)
    database.close()
    rng = random.Random(seed)
    tz = ZoneInfo(zone)
    conn = sqlite3.connect(path)
    try:
        stretches = [row[0] for row in conn.execute("SELECT id FROM stretch WHERE seeded = 1 ORDER BY id")]
        routine = conn.execute("SELECT id FROM routine WHERE slug = 'si-basics'").fetchone()
        routine_id = routine[0] if routine else None
        base = {
            table: conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            for table in ("practice", "hold", "pain_score", "activity", "rating")
        }
        practices: list[tuple[object, ...]] = []
        holds: list[tuple[object, ...]] = []
        pains: list[tuple[object, ...]] = []
        start = end - timedelta(days=round(365.25 * years) - 1)
        level = rng.uniform(5.5, 7.0)  # the person's underlying pain, drifting day by day
        floor = rng.uniform(2.0, 3.5)  # where it settles after weeks of stretching
        day = start
        activities: list[tuple[object, ...]] = []
        ratings: list[tuple[object, ...]] = []
        texts = ("Putting on socks and shoes", "Sitting through a film", "Walking for 20 minutes")
        first_at = datetime.combine(start, time(9, 0), tz)
        for n, text in enumerate(texts, start=1):
            activities.append(
                (
                    base["activity"] + n,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    text,
                    _utc_text(first_at),
                    _offset(first_at),
                )
            )
        starts = [rng.uniform(2.0, 4.5) for _ in texts]  # how well each activity goes at the start, 0-10
        rating_id = base["rating"]
        next_rating, next_impression = start, start + timedelta(days=14)
        practice_id, hold_id, pain_id = base["practice"], base["hold"], base["pain_score"]

        check_ins = 0
        now = datetime.now(timezone.utc)

        def pain(at: datetime, score: int, context: str, sharp: bool, practice: int | None) -> None:
            nonlocal pain_id, check_ins
            pain_id += 1
            check_ins += practice is None
            flagged = sharp or score >= 7
            pains.append(
                (
                    pain_id,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    _utc_text(at),
                    _offset(at),
                    score,
                    context,
                    sharp,
                    "",
                    practice,
                    flagged,
                    "Generated history." if flagged else "",
                    check_ins if practice is None else None,
                )
            )

        while day <= end:
            weeks = (day - start).days / 7
            target = floor + (level - floor) * max(0.0, 1 - weeks / 12) if weeks < 12 else floor
            target += 0.8 if day.weekday() >= 5 and rng.random() < 0.3 else 0.0  # a heavy weekend now and then
            today_pain = max(0, min(10, round(rng.gauss(target, 0.9))))
            if rng.random() < 0.82:  # most days have a session
                hour = rng.choice((7, 7, 8, 8, 9, 18, 20, 22, 23))
                at = datetime.combine(day, time(hour, rng.randrange(60)), tz)
                if at + timedelta(minutes=12) > now:
                    break
                practice_id += 1
                sharp = rng.random() < 0.004
                aborted = not sharp and rng.random() < 0.02
                state = "stopped_sharp" if sharp else ("aborted" if aborted else "completed")
                after = max(0, min(10, today_pain - rng.choice((0, 1, 1, 1, 2, 2, -1))))
                flagged = sharp or today_pain >= 7 or after >= 7
                ended = at + timedelta(minutes=rng.randrange(5, 12))
                practices.append(
                    (
                        practice_id,
                        str(uuid.UUID(int=rng.getrandbits(128))),
                        _utc_text(at),
                        _offset(at),
                        _utc_text(ended),
                        routine_id,
                        rng.random() < 0.3,
                        sharp,
                        "",
                        state,
                        flagged,
                        "Generated history." if flagged else "",
                        rng.random() < 0.7,
                    )
                )
                done = len(stretches) * 2 if state == "completed" else rng.randrange(1, len(stretches) * 2)
                position = 0
                for stretch in stretches:
                    for side in ("left", "right"):
                        position += 1
                        hold_id += 1
                        holds.append(
                            (
                                hold_id,
                                str(uuid.UUID(int=rng.getrandbits(128))),
                                practice_id,
                                position,
                                stretch,
                                side,
                                30 if position <= done else rng.randrange(5, 30),
                                position <= done,
                                sharp and position == done,
                            )
                        )
                pain(at, today_pain, "before", False, practice_id)
                if state != "aborted":
                    pain(ended, after, "after", sharp, practice_id)
            if day >= next_rating:  # the weekly activity ratings, now and then a few days late
                at = datetime.combine(day, time(19, rng.randrange(60)), tz)
                if at > now:
                    break
                eased = max(0.0, level - target)  # how far pain has come down: what a person can do rises with it
                for n, first in enumerate(starts):
                    rating_id += 1
                    value = max(0, min(10, round(rng.gauss(first + 1.1 * eased, 0.7))))
                    ratings.append(
                        (
                            rating_id,
                            str(uuid.UUID(int=rng.getrandbits(128))),
                            "function",
                            base["activity"] + n + 1,
                            value,
                            _utc_text(at),
                            _offset(at),
                            _utc_text(at),
                        )
                    )
                next_rating = day + timedelta(days=7 + rng.choice((0, 0, 0, 1, 2)))
            if day >= next_impression:
                at = datetime.combine(day, time(20, rng.randrange(60)), tz)
                if at > now:
                    break
                eased = max(0.0, level - target)
                value = 4 if eased < 0.8 else 3 if eased < 1.8 else 2 if eased < 3 else 1
                rating_id += 1
                ratings.append(
                    (
                        rating_id,
                        str(uuid.UUID(int=rng.getrandbits(128))),
                        "impression",
                        None,
                        value,
                        _utc_text(at),
                        _offset(at),
                        _utc_text(at),
                    )
                )
                next_impression = day + timedelta(days=rng.randrange(14, 29))
            if rng.random() < 0.08:  # an occasional check-in without stretching
                at = datetime.combine(day, time(rng.randrange(10, 21), rng.randrange(60)), tz)
                if at > now:
                    break
                pain(at, max(0, min(10, today_pain + rng.choice((-1, 0, 1)))), "check-in", rng.random() < 0.01, None)
            day += timedelta(days=1)
        with conn:
            conn.executemany(
                "INSERT INTO practice (id, uuid, started_at, offset_minutes, ended_at, routine_id, heat, sharp, "
                "note, state, flagged, advice, guided) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                practices,
            )
            conn.executemany(
                "INSERT INTO hold (id, uuid, practice_id, position, stretch_id, side, seconds, completed, sharp) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                holds,
            )
            conn.executemany(
                "INSERT INTO pain_score (id, uuid, recorded_at, offset_minutes, score, context, sharp, note, "
                "practice_id, flagged, advice, check_in_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                pains,
            )
            conn.executemany(
                "INSERT INTO activity (id, uuid, text, added_at, offset_minutes) VALUES (?, ?, ?, ?, ?)", activities
            )
            conn.executemany(
                "INSERT INTO rating (id, uuid, kind, activity_id, value, recorded_at, offset_minutes, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ratings,
            )
        return {
            "practice": len(practices),
            "hold": len(holds),
            "pain_score": len(pains),
            "activity": len(activities),
            "rating": len(ratings),
        }
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="database file to create (it must not exist)")
    parser.add_argument("--years", type=float, default=1.0, help="years of daily history (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--end", type=date.fromisoformat, default=date.today(), help="last day (default today)")
    parser.add_argument("--zone", default="Europe/London", help="time zone of the person (default Europe/London)")
    args = parser.parse_args(argv)
    if args.years <= 0:
        parser.error("--years must be more than 0")
    try:
        counts = generate(args.database, years=args.years, seed=args.seed, end=args.end, zone=args.zone)
    except FileExistsError as err:
        parser.error(str(err))
    print(f"{args.database}: " + ", ".join(f"{n} {table} rows" for table, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
