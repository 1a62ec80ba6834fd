"""Structured logging: JSON lines with the correlation id of the message being handled."""

import json
import logging

from bot.core.logs import CorrelationFilter, JsonFormatter, correlation_id


def test_json_lines_carry_the_correlation_id():
    record = logging.LogRecord("ketenbot.test", logging.INFO, __file__, 1, "hallo %s", ("wereld",), None)
    token = correlation_id.set("abc123")
    try:
        CorrelationFilter().filter(record)
    finally:
        correlation_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hallo wereld"
    assert line["correlation_id"] == "abc123"
    assert line["level"] == "info" and line["logger"] == "ketenbot.test"
