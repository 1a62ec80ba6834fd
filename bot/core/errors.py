"""Expected refusals, rendered to the user in their own language."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A refusal the user can act on: bad input, not found, not allowed, wrong state.

    ``key`` is an i18n key; ``params`` fill its placeholders. The error middleware renders it in the
    member's language, and an open form stays on the same field.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"UserError({self.key!r}, {self.params!r})"
