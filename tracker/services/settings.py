"""Small key/value settings: the default routine, the day start, one-time notices."""

from __future__ import annotations

import re

from sqlmodel import Session

from tracker.errors import InvalidInput
from tracker.models import Setting

DEFAULT_ROUTINE = "default_routine"
DAY_START = "day_start"
NOTICE_SHOWN = "first_use_notice_shown"
SEED_VERSION = "seed_version"
VOICE = "voice"  # "on": `sij run` speaks its cues unless given --no-voice


def get_setting(*, session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row else default


def put_setting(*, session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def mark_once(*, session: Session, key: str) -> bool:
    """Set a yes/no flag; True when it was not set before (so the caller shows its notice once)."""
    if get_setting(session=session, key=key) == "yes":
        return False
    put_setting(session=session, key=key, value="yes")
    return True


def parse_day_start(text: str) -> int:
    # ASCII digits only: int() would also read other scripts' digits, which are not typed as times here.
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip(), flags=re.ASCII)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInput(
            f"Day start '{text}' is not a time; use HH:MM from 00:00 to 23:59, e.g. 03:00.", subject="day_start"
        )
    return int(match[1]) * 60 + int(match[2])


def day_start_minutes(*, session: Session) -> int:
    value = get_setting(session=session, key=DAY_START, default="00:00")
    try:
        return parse_day_start(value)
    except InvalidInput:
        return 0


def voice_on(*, session: Session) -> bool:
    return get_setting(session=session, key=VOICE, default="off") == "on"
