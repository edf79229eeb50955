"""LiftRun Coach web app: Strava webhook, OAuth, settings, health."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plugin.config import Settings

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(config: dict | Settings | None = None, *, settings: Settings | None = None):
    """Build the web app (and the worker's app context).

    `settings` (or a Settings passed first) replaces reading the environment, so
    tests and launchers configure an app without touching os.environ; `config`
    entries override single Flask keys on top.
    """
    # Imported here so the engine's command-line tools (`liftrun advise`,
    # `liftrun analyze`) that live in this package do not pay for Flask,
    # SQLAlchemy and Celery start-up.
    from flask import Flask

    from plugin.config import ConfigError, Settings, external_url_config, load_settings
    from plugin.crypto import TokenCipher
    from plugin.extensions import csrf, db, login_manager, migrate
    from plugin.queue import celery_init_app

    # LIFTRUN_INSTANCE_PATH lets tests and operators keep the SQLite file and
    # sandbox state somewhere other than ./instance.
    app = Flask(__name__, instance_relative_config=True, instance_path=os.environ.get("LIFTRUN_INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)

    if isinstance(config, Settings):
        settings, config = config, None
    try:
        if settings is None:
            settings = load_settings(instance_path=app.instance_path)
    except ConfigError as err:
        # At start-up the operator needs the one line that says what to set; flask, gunicorn
        # and celery all print a SystemExit's message and stop, without a traceback.
        raise SystemExit(f"LiftRun Coach cannot start: {err}") from None
    app.config.from_mapping(settings.flask_config())
    if config:
        app.config.update(config)
        if "REDIS_URL" in config and "CELERY" not in config:
            app.config["CELERY"] = dict(
                app.config["CELERY"], broker_url=config["REDIS_URL"], result_backend=config["REDIS_URL"]
            )

    if not (config and "SERVER_NAME" in config):
        app.config.update(external_url_config(app.config["PUBLIC_URL"]))

    if not app.debug and not app.testing:
        from plugin.ops.logs import configure_logging

        configure_logging(app.config["LOG_FORMAT"])
    if app.config.get("SENTRY_DSN") and not app.testing:
        from plugin.ops.error_reporting import init_error_reporting

        init_error_reporting(app.config["SENTRY_DSN"], "sandbox" if app.config["SANDBOX"] else "production")

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "pages.landing"
    login_manager.login_message = "Connect with Strava to open that page."
    celery_init_app(app)
    app.extensions["token_cipher"] = TokenCipher(app.config["SECRET_KEY"], app.config.get("ENCRYPTION_KEY"))

    from plugin import models  # noqa: F401  (register tables with the metadata)
    from plugin.account import bp as account_bp
    from plugin.auth import bp as auth_bp
    from plugin.history import bp as history_bp
    from plugin.ops.routes import bp as ops_bp
    from plugin.pages import bp as pages_bp
    from plugin.settings import bp as settings_bp
    from plugin.webhook import bp as webhook_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(history_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(webhook_bp)
    app.register_blueprint(ops_bp)
    csrf.exempt(webhook_bp)

    from plugin.errors import register_error_handlers

    register_error_handlers(app)

    from plugin.security import install_security

    install_security(app)

    @login_manager.user_loader
    def load_athlete(athlete_id: str):
        return db.session.get(models.Athlete, int(athlete_id))

    @app.context_processor
    def inject_globals():
        return {"sandbox": app.config["SANDBOX"], "strava_base_url": app.config["STRAVA_BASE_URL"]}

    return app
