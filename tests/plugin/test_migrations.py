"""`flask db upgrade` builds the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from plugin import create_app
from plugin.extensions import db
from tests.support.apps import pg_url_with_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path, redis_url):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    else:
        url = pg_url_with_schema(request.getfixturevalue("pg_schema")).replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_matches_models_and_downgrades(empty_app):
    with empty_app.app_context():
        upgrade(directory=empty_app.extensions["migrate"].directory)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        # Only type-level differences of our UTC wrapper are acceptable; no missing tables or columns.
        structural = [d for d in diff if d[0] in ("add_table", "remove_table", "add_column", "remove_column")]
        assert structural == []
        downgrade(directory=empty_app.extensions["migrate"].directory, revision="base")
        with db.engine.connect() as conn:
            assert "athletes" not in db.inspect(conn).get_table_names()
