"""The port for replay protection of signed requests: ``guard(signature, signed_at)`` is True only for the
first copy any instance saw (the composition root backs it with ``storage.replay.first_time``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

ReplayGuard = Callable[[str, datetime], bool]
