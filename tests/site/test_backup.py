import re
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.fixture
def sqlite_file_db(settings, tmp_path, django_db_blocker):
    """The backup reads the database file, so these tests need a real file, not the
    in-memory test database."""
    if connection.vendor != "sqlite":
        pytest.skip("runs in CI's SQLite pass; PostgreSQL is backed up with pg_dump")
    path = tmp_path / "live.sqlite3"
    with sqlite3.connect(path) as live:
        live.execute("PRAGMA journal_mode=WAL")
        live.execute("CREATE TABLE answer (id INTEGER PRIMARY KEY, text TEXT)")
        live.executemany(
            "INSERT INTO answer (text) VALUES (?)", [("a",), ("b",), ("c",)]
        )
    settings.DATABASES["default"]["NAME"] = str(path)
    return path


def test_backup_copies_a_live_database_consistently(sqlite_file_db, tmp_path, capsys):
    target = tmp_path / "copy.sqlite3"
    call_command("backup", str(target))
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM answer").fetchone() == (3,)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert "integrity ok" in capsys.readouterr().out


def test_backup_refuses_to_overwrite(sqlite_file_db, tmp_path):
    target = tmp_path / "copy.sqlite3"
    target.write_text("precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target))
    assert target.read_text() == "precious"


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in CI's PostgreSQL pass"
)
def test_backup_on_postgresql_points_to_pg_dump():
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup")


def test_backup_checks_a_database_whose_constraints_use_regexp(
    sqlite_file_db, tmp_path, capsys
):
    """integrity_check evaluates CHECK constraints; the join code's uses REGEXP,
    which only Django's own connections define."""
    with sqlite3.connect(sqlite_file_db) as live:
        live.create_function("REGEXP", 2, lambda p, s: bool(re.search(p, s)))
        live.execute(
            "CREATE TABLE classroom (code TEXT CHECK (code REGEXP '^[A-Z0-9]{6}$'))"
        )
        live.execute("INSERT INTO classroom (code) VALUES ('ABC234')")
    call_command("backup", str(tmp_path / "copy.sqlite3"))
    assert "integrity ok" in capsys.readouterr().out
