"""Settings from the environment and ``.env`` (pydantic-settings). Names as in DESIGN.md."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    database_url: str = Field("sqlite:///ketenbot.db", validation_alias="KETENBOT_DATABASE_URL")
    timezone: str = Field("Europe/Amsterdam", validation_alias="KETENBOT_TIMEZONE")
    language: Literal["nl", "en"] = Field("nl", validation_alias="KETENBOT_LANGUAGE")
    invite_ttl_days: int = Field(7, ge=1, le=90, validation_alias="KETENBOT_INVITE_TTL_DAYS")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias="KETENBOT_LOG_LEVEL"
    )
    dispatch_interval_seconds: float = Field(
        5.0, gt=0, le=300, validation_alias="KETENBOT_DISPATCH_INTERVAL_SECONDS"
    )
    # a send slower than this goes on in the background while the dispatcher serves other chats; unset: off
    dispatch_patience_seconds: float | None = Field(
        None, gt=0, le=300, validation_alias="KETENBOT_DISPATCH_PATIENCE_SECONDS"
    )

    telegram_bot_token: str | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str | None = Field(None, validation_alias="TELEGRAM_BASE_URL")
    telegram_webhook_url: str | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_SECRET")

    slack_bot_token: str | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(None, validation_alias="SLACK_API_URL")

    retention_closed_case_months: int = Field(
        24, ge=1, le=600, validation_alias="KETENBOT_RETENTION_CLOSED_CASE_MONTHS"
    )
    retention_closed_case_months_by_track: str = Field(
        "", validation_alias="KETENBOT_RETENTION_CLOSED_CASE_MONTHS_BY_TRACK"
    )
    retention_declined_signal_months: int = Field(
        6, ge=1, le=600, validation_alias="KETENBOT_RETENTION_DECLINED_SIGNAL_MONTHS"
    )
    retention_audit_years: int = Field(5, ge=1, le=50, validation_alias="KETENBOT_RETENTION_AUDIT_YEARS")
    # sent, cancelled, expired and failed messages lose their text this many hours after they finished
    retention_message_hours: int = Field(
        24, ge=1, le=24 * 90, validation_alias="KETENBOT_RETENTION_MESSAGE_HOURS"
    )
    # a form left half-filled (a /signaal with a name in it) is deleted after this many hours
    retention_form_hours: int = Field(72, ge=1, le=24 * 90, validation_alias="KETENBOT_RETENTION_FORM_HOURS")
    retention_info_request_months: int = Field(
        6, ge=1, le=600, validation_alias="KETENBOT_RETENTION_INFO_REQUEST_MONTHS"
    )
    show_special_categories: bool = Field(False, validation_alias="KETENBOT_SHOW_SPECIAL_CATEGORIES")
    release_scenario: str | None = Field(None, max_length=2000, validation_alias="KETENBOT_RELEASE_SCENARIO")
    encryption_key: str | None = Field(None, validation_alias="KETENBOT_ENCRYPTION_KEY", repr=False)

    http_host: str = Field("127.0.0.1", validation_alias=AliasChoices("KETENBOT_HTTP_HOST"))
    http_port: int = Field(8080, ge=0, le=65535, validation_alias="KETENBOT_HTTP_PORT")
    stale_case_weeks: int = Field(3, ge=1, le=52, validation_alias="KETENBOT_STALE_CASE_WEEKS")
    poll_month: int = Field(10, ge=0, le=12, validation_alias="KETENBOT_POLL_MONTH")  # 0: no yearly poll
    poll_open_weeks: int = Field(4, ge=1, le=26, validation_alias="KETENBOT_POLL_OPEN_WEEKS")

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"geen database-URL: {value!r} (bijvoorbeeld sqlite:///ketenbot.db)") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"database {url.get_backend_name()!r} wordt niet ondersteund: gebruik sqlite of postgresql"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"onbekende tijdzone {value!r} (bijvoorbeeld Europe/Amsterdam)") from None
        return value

    @field_validator("retention_closed_case_months_by_track")
    @classmethod
    def _check_track_months(cls, value: str) -> str:
        track_months(value)
        return value

    @property
    def track_retention(self) -> dict[str, int]:
        return track_months(self.retention_closed_case_months_by_track)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def track_months(value: str) -> dict[str, int]:
    """``radicalisering=60,hg=36`` -> {"radicalisering": 60, "hg": 36}; tracks are triage outcomes."""
    from storage.cases.tables import TriageOutcome

    months: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        track, _, number = item.partition("=")
        if track.strip() not in set(TriageOutcome) or not number.strip().isdigit():
            raise ValueError(f"verwacht spoor=maanden (bijvoorbeeld radicalisering=60), gevonden: {item!r}")
        months[track.strip()] = int(number)
    return months


class ConfigError(Exception):
    """One clear line about what is wrong in the configuration."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = item.get("loc", ("?",))[0]
            message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
            problems.append(f"{name}: {message}")
        raise ConfigError("fout in de instellingen — " + "; ".join(problems)) from None
