import re
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def _regexp(pattern: str | None, value: object) -> bool | None:
    """SQLite's REGEXP as Django defines it."""
    if pattern is None or value is None:
        return None
    return bool(re.search(pattern, str(value)))


class Command(BaseCommand):
    help = (
        "Make a consistent copy of the live SQLite database with SQLite's online "
        "backup API (safe while students are writing). On PostgreSQL, use pg_dump."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            help="File to write (default: backups/db-<UTC timestamp>.sqlite3).",
        )

    def handle(self, *args, destination: str | None, **options) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "This database is PostgreSQL: back it up with pg_dump, e.g. "
                'pg_dump --format=custom --file=rwanda.dump "$DATABASE_URL" '
                "(see the README's Backups section)."
            )
        source_path = Path(settings.DATABASES["default"]["NAME"])
        if not source_path.exists():
            raise CommandError(f"No database file at {source_path}.")
        if destination is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            target = settings.BASE_DIR / "backups" / f"db-{stamp}.sqlite3"
        else:
            target = Path(destination)
        if target.exists():
            raise CommandError(f"{target} already exists; choose another name.")
        target.parent.mkdir(parents=True, exist_ok=True)

        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(target)
        # integrity_check also checks CHECK constraints, and a join code's uses
        # REGEXP, which SQLite leaves to the application (Django defines it on its
        # own connections): without it the check fails on every real database.
        copy.create_function("REGEXP", 2, _regexp, deterministic=True)
        try:
            # One step, inside one read transaction: a consistent snapshot, and in WAL
            # mode students' saves carry on beside it. (Copying in steps restarts the
            # copy whenever another process writes between steps: with a class saving
            # answers, a big database's backup never finished; see `make chaos`.)
            source.backup(copy, pages=-1)
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise CommandError(f"The copy failed its integrity check: {result}")
        self.stdout.write(
            f"backup: {target} ({target.stat().st_size:,} bytes, integrity ok)"
        )
