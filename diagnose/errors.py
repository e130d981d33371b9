"""The one error type the library raises; the CLI turns it into `Error: …` and an exit code."""


class RunformError(Exception):
    """A problem the user can fix: bad input, a broken knowledge base, an unknown client.

    `problems` holds one line per finding (already prefixed with file and field), so a
    caller can print them all; `str(error)` joins them.
    """

    def __init__(self, message: str | None = None, problems: list[str] | None = None):
        self.problems = list(problems or ([message] if message else []))
        super().__init__(message or "\n".join(self.problems))
