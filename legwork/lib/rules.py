"""The one domain error a rule of the loop raises, whoever the caller is.

Services and model methods raise `RuleBroken` when a rule says no ("only open
homework takes progress", "a session that has not started cannot be reviewed").
Pages translate it into a form error or a message beside the field; the API into
JSON: 409 when the object's state is what is wrong (`conflict=True`), 400 when
the input is.
"""

from __future__ import annotations


class RuleBroken(Exception):
    """A rule of the loop refused the change; nothing was saved.

    `message` is written for the person who asked, `field` names the input at
    fault (None for the whole request), `conflict` is True when the object's
    state, not the input, is what stands in the way.
    """

    def __init__(self, message: str, *, field: str | None = None, conflict: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.conflict = conflict
