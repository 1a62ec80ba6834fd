"""Structured logging: JSON lines when not on a terminal, with the correlation id of the message."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", *, json_lines: bool | None = None) -> None:
    """Called once by the CLI. JSON when stderr is not a terminal, readable text when it is."""
    use_json = (not sys.stderr.isatty()) if json_lines is None else json_lines
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(
        JsonFormatter()
        if use_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_third_party()


# DEBUG lines of the chat SDKs quote whole updates and request bodies (names, signal descriptions): never
# logged, also not with KETENBOT_LOG_LEVEL=DEBUG (issue 16, the canary test)
CONTENT_LOGGERS = ("telegram", "slack_bolt", "slack_sdk", "httpcore", "aiohttp", "urllib3")


def quiet_third_party() -> None:
    for noisy in ("httpx", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in CONTENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
