"""The parser's own typed error: the only exception it raises for bad input."""


class ParseError(Exception):
    """A page that cannot be read at all (empty, binary, undecodable, not a page).

    The message names the source and what is wrong.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
