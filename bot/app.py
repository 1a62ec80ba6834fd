"""The composition root: settings -> engine, clock, catalogue, router, dispatcher, adapters.

Every handler module's group is listed here explicitly; nothing registers itself at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from bot.config import ConfigError, Settings
from bot.core.clock import Clock, SystemClock
from bot.core.commands import CommandGroup
from bot.core.context import CoreConfig
from bot.core.i18n import Catalogue
from bot.core.router import Router
from bot.core.sending import Sender
from bot.key_help import explain_key_error
from handlers.cases import actie, casus, mijn, regie
from handlers.huisverbod import huisverbod
from handlers.network import code_rood, opschalen, peiling, stale
from handlers.onboarding import aanmelden, afwezig, help, ik, stop, taal
from handlers.overleg import agenda_request as overleg_agenda
from handlers.overleg import commands as overleg
from handlers.release import detentie, nazorg, scenario
from handlers.release import unexpected as release
from handlers.reports import rapport
from handlers.signals import info, mutatie, signaal, triage
from handlers.signals import upload as signal_upload
from schedules.dispatcher import Dispatcher
from storage import schema_version
from storage.crypto import EncryptionKeyError, KeyRing, attach_keyring
from storage.db import is_sqlite, make_engine
from storage.privacy.keys import check_key
from storage.uow import UnitOfWork

GROUPS: tuple[CommandGroup, ...] = (
    help.group,
    aanmelden.group,
    ik.group,
    taal.group,
    stop.group,
    signaal.group,
    triage.group,
    casus.group,
    regie.group,
    actie.group,
    mijn.group,
    detentie.group,
    huisverbod.group,
    afwezig.group,
    overleg.group,
    overleg_agenda.group,
    rapport.group,
    mutatie.group,
    info.group,
    stale.group,
    nazorg.group,
    scenario.group,
    release.group,
    opschalen.group,
    code_rood.group,
    signal_upload.group,
    peiling.group,
)

LOCALE_DIRS = (
    Path(__file__).parent / "core" / "locales",
    # each feature package keeps its own catalogue: handlers/<package>/locales/*.toml
    *sorted((Path(__file__).parent.parent / "handlers").glob("*/locales")),
    Path(__file__).parent / "adapters" / "slack" / "locales",
    Path(__file__).parent / "adapters" / "console" / "locales",
)


def load_catalogue() -> Catalogue:
    return Catalogue.load(LOCALE_DIRS)


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock
    catalogue: Catalogue
    router: Router

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def dispatcher(self, senders: Mapping[str, Sender], *, fail_unreachable: bool = True) -> Dispatcher:
        """``fail_unreachable=False`` for a process that is not the bot itself (``ketenbot console``): it
        leaves rows nobody can deliver to ``ketenbot run``, as it leaves other platforms' rows."""
        return Dispatcher(
            self.uow,
            self.clock,
            self.catalogue,
            senders,
            default_language=self.settings.language,
            refreshers=release.refreshers(self.settings.release_scenario, self.clock.tz, self.clock.today),
            button_roles=self.router.button_roles(),
            fail_unreachable=fail_unreachable,
            patience=self.settings.dispatch_patience_seconds,
        )


def build_app(settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None) -> App:
    engine = engine or make_engine(settings.database_url)
    try:
        attach_keyring(engine, KeyRing.parse(settings.encryption_key))
    except EncryptionKeyError as error:
        raise ConfigError(explain_key_error(error)) from None
    clock = clock or SystemClock(settings.tz)
    catalogue = load_catalogue()
    config = CoreConfig(
        default_language=settings.language,
        invite_ttl_days=settings.invite_ttl_days,
        show_special_categories=settings.show_special_categories,
        release_scenario=settings.release_scenario,
    )
    router = Router(
        GROUPS, uow_factory=lambda: UnitOfWork(engine), clock=clock, catalogue=catalogue, config=config
    )
    return App(settings, engine, clock, catalogue, router)


def prepare_database(app: App) -> None:
    """SQLite is migrated automatically; a Postgres schema must be current (``ketenbot db upgrade``)."""
    url = app.settings.database_url
    if is_sqlite(url):
        if not schema_version.is_current(app.engine):  # Alembic only when there is something to do
            from storage import migrate

            try:
                migrate.upgrade(url, encryption_key=app.settings.encryption_key)
            except EncryptionKeyError as error:
                raise ConfigError(explain_key_error(error)) from None
    elif not schema_version.is_current(app.engine):
        raise ConfigError("het databaseschema is verouderd: draai eerst `ketenbot db upgrade`")
    try:
        check_key(app.engine)
    except EncryptionKeyError as error:
        raise ConfigError(explain_key_error(error)) from None
