"""A summit's data version: a number the database raises whenever a row of a watched table
(registrations, delegations, press applications, agreements, badge jobs) of that summit is
inserted, changed or deleted, in the same transaction as the change.

Kept organiser pages (blueprints/kept.py) are stored under it: a page drawn at version N is
served again only while the version is still N, so a change shows on the very next page.
Triggers, not ORM hooks, raise it, so Core statements, bulk updates, cascades and jobs
count alike. On PostgreSQL one trigger per statement raises each summit it touched once (a
bulk import of 10,000 registrations is one update of the row, not 10,000); SQLite has only
row triggers, which update in place.

There is no foreign key to ``summits``: a summit's deletion cascades to its registrations,
whose trigger then writes the version of a summit that is already gone. The row stays; SQLite
may give the id to a new summit, whose pages are kept under its own random
``setup_version`` too.
"""
from __future__ import annotations

from sqlalchemy import DDL, BigInteger, event
from sqlalchemy.orm import Mapped, mapped_column

from summit.extensions import db

WATCHED_TABLES = ("registrations", "delegations", "press_applications", "agreements",
                  "badge_jobs")


class SummitDataVersion(db.Model):
    __tablename__ = "summit_data_versions"

    summit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=1)


def _raise(rows: str) -> str:
    # Rows locked in summit order: two statements touching two summits cannot deadlock.
    return ("INSERT INTO summit_data_versions AS v (summit_id, version) "
            f"SELECT DISTINCT summit_id, 1 FROM {rows} WHERE summit_id IS NOT NULL "
            "ORDER BY summit_id "
            "ON CONFLICT (summit_id) DO UPDATE SET version = v.version + 1")


POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION summit_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_raise("new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        {_raise("old_rows")};
    ELSE
        {_raise("(SELECT summit_id FROM new_rows UNION SELECT summit_id FROM old_rows) AS r")};
    END IF;
    RETURN NULL;
END $$"""


def trigger_statements(dialect: str) -> list[str]:
    """The SQL that makes ``dialect``'s triggers (the migration and ``create_all`` both run
    it)."""
    if dialect == "postgresql":
        statements = [POSTGRESQL_FUNCTION]
        for table in WATCHED_TABLES:
            for event_name, referencing in (
                    ("INSERT", "NEW TABLE AS new_rows"),
                    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                    ("DELETE", "OLD TABLE AS old_rows")):
                statements.append(
                    f"CREATE OR REPLACE TRIGGER {table}_data_{event_name.lower()} "
                    f"AFTER {event_name} ON {table} REFERENCING {referencing} FOR EACH STATEMENT "
                    "EXECUTE FUNCTION summit_data_changed()")
        return statements
    statements = []
    upsert = ("INSERT INTO summit_data_versions (summit_id, version) "
              "VALUES ({row}.summit_id, 1) "
              "ON CONFLICT (summit_id) DO UPDATE SET version = version + 1")
    for table in WATCHED_TABLES:
        for event_name, rows in (("INSERT", ("new",)), ("UPDATE", ("old", "new")),
                                 ("DELETE", ("old",))):
            body = "; ".join(upsert.format(row=row) for row in rows)
            statements.append(f"CREATE TRIGGER IF NOT EXISTS {table}_data_"
                              f"{event_name.lower()} AFTER {event_name} ON {table} "
                              f"FOR EACH ROW BEGIN {body}; END")
    return statements


@event.listens_for(db.metadata, "after_create")
def _create_triggers(metadata, connection, **kwargs) -> None:
    """``create_all`` (tests, a new SQLite file) makes the triggers too, once every watched
    table exists."""
    if not all(connection.dialect.has_table(connection, table) for table in WATCHED_TABLES):
        return
    for statement in trigger_statements(connection.dialect.name):
        connection.execute(DDL(statement))
