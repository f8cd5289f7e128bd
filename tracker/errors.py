"""Errors a person can cause or meet; the CLI turns each into one line and an exit status. Stdlib only."""

from __future__ import annotations


class TrackerError(Exception):
    """Base for every expected failure; `exit_code` is the documented exit status."""

    exit_code = 1


class InvalidInput(TrackerError):
    """A value the person typed is not acceptable (exit 2).

    `subject` says what kind of value it was ("stretch", "routine", "note"), so that the command line
    can name the option it came from; services never need to know option names.
    """

    exit_code = 2

    def __init__(self, message: str, *, subject: str | None = None) -> None:
        super().__init__(message)
        self.subject = subject


class NotFound(InvalidInput):
    """A record or slug the person named does not exist (exit 2)."""


class DataError(TrackerError):
    """The database or a file cannot be used as it is (exit 1)."""

    exit_code = 1


class NothingToDo(TrackerError):
    """An expected empty result, such as nothing to plot yet (exit 1)."""

    exit_code = 1
