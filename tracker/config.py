"""Where the database lives: `--db` beats `SIJ_DB`, which beats the platform's user data directory.

The value is a file path (SQLite) or a PostgreSQL URL. Stdlib only: nothing here connects to anything.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlencode, urlsplit

from tracker.errors import InvalidInput

APP_NAME = "sij"
DB_FILENAME = "sij.db"
ENV_DB = "SIJ_DB"

# "scheme://..." is a URL; anything else is a file path (a file name may contain ':' but not start with
# a scheme and '//'). Two letters at least, so that a Windows drive letter stays a path.
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+)://")
POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg"}
# Query parameters of a libpq URL that hold a secret and are therefore never shown.
_SECRET_PARAMS = {"password", "sslpassword"}


@dataclass(frozen=True)
class ServerUrl:
    """A PostgreSQL database URL. `str()` and `shown` never include a password; only `url` does.

    The password may also come from PGPASSWORD or ~/.pgpass, which the driver (libpq) reads itself.
    """

    url: str = field(repr=False)
    shown: str

    def __str__(self) -> str:
        return self.shown

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret in the URL, raw and URL-encoded, so that messages can be scrubbed of them."""
        parts = urlsplit(self.url)
        found = [unquote(parts.password or "")]
        found += [value for key, value in parse_qsl(parts.query) if key.lower() in _SECRET_PARAMS]
        found += [v for s in found for v in (quote(s, safe=""), quote(s), quote_plus(s))]
        return tuple(sorted({s for s in found if s}, key=len, reverse=True))

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def parse_server_url(value: str) -> ServerUrl | None:
    """A ServerUrl for a postgresql:// URL, None for a file path; another kind of URL is refused (exit 2)."""
    found = _URL.match(value)
    if found is None:
        return None
    scheme = found["scheme"].lower()
    if scheme not in POSTGRES_SCHEMES:
        raise InvalidInput(
            f"'{scheme}://' databases are not supported; give a file path (SQLite) or a postgresql:// URL."
        )
    try:
        parts = urlsplit(value)
        port = parts.port  # reading it checks that it is a number
    except ValueError:
        raise InvalidInput("The database URL is not valid; write it as postgresql://USER@HOST:PORT/DATABASE.") from None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{port}" if port is not None else "")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _SECRET_PARAMS])
    shown = f"postgresql://{netloc}{parts.path}" + (f"?{query}" if query else "")
    return ServerUrl(url=value, shown=shown)


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def resolve_db_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The database file to use, as an absolute path (not created here)."""
    if option:
        chosen = Path(option)
    elif os.environ.get(ENV_DB):
        chosen = Path(os.environ[ENV_DB])
    else:
        chosen = default_data_dir() / DB_FILENAME
    return chosen.expanduser().absolute()


def resolve_database(option: str | os.PathLike[str] | None = None) -> Path | ServerUrl:
    """The database to use: a PostgreSQL URL as given, or an absolute file path (nothing is created here)."""
    chosen = os.fspath(option) if option else os.environ.get(ENV_DB, "")
    server = parse_server_url(chosen) if chosen else None
    return server if server is not None else resolve_db_path(option)
