import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


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
        try:
            # Copies in steps, letting writers in between, and restarts a step if the
            # source changed: the result is one consistent snapshot.
            source.backup(copy, pages=1024)
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise CommandError(f"The copy failed its integrity check: {result}")
        self.stdout.write(
            f"backup: {target} ({target.stat().st_size:,} bytes, integrity ok)"
        )
