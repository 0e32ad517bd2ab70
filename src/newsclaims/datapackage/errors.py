"""The project's own error type: one line that names the place and says what to do."""

from __future__ import annotations


class NewsclaimsError(Exception):
    """An error a user can act on.

    ``str()`` gives one line: ``where: what. hint`` where *where* is ``file[:line]`` plus an
    optional field.

    >>> str(NewsclaimsError("not valid UTF-8 at byte 7", file="seeds/x.txt", hint="Re-save it as UTF-8."))
    'seeds/x.txt: not valid UTF-8 at byte 7. Re-save it as UTF-8.'
    >>> print(NewsclaimsError("unknown key foo", file="curation/events.yaml", line=4, field="events[0]"))
    curation/events.yaml:4: events[0]: unknown key foo
    """

    exit_code = 2

    def __init__(self, message: str, *, file: object = None, line: int | None = None,
                 field: str | None = None, hint: str | None = None):
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.field = field
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where = f"{where}: {self.field}" if where else self.field
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
        return " ".join(text.split("\n"))


class InvalidData(NewsclaimsError):
    """The data was read but breaks a rule (exit code 1)."""

    exit_code = 1


class Interrupted(NewsclaimsError):
    """Ctrl-C (or SIGTERM) stopped a run; the message says truthfully what was replaced."""

    exit_code = 130
