"""manage.py load_curriculum: validate every curriculum file, then write lessons and
quizzes in one transaction.

Lives in quizzes because it needs both apps and quizzes may import lessons (never the
other way round). Nothing is written unless every file is valid; on errors it prints one
line per problem (file, item, field) and exits with status 1."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lessons.curriculum import load_lesson_content, write_lesson_content
from quizzes.curriculum import Catalogue, load_quiz_content, write_quiz_content


class Command(BaseCommand):
    help = (
        "Validate the curriculum files (lessons, sources, timeline, people, terms and "
        "quizzes) and upsert them by stable key in one transaction. Never deletes: "
        "items removed from the files are unpublished."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--root",
            type=Path,
            default=Path(settings.BASE_DIR) / "curriculum",
            help="The curriculum folder (default: curriculum/ in the project).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only validate the files; write nothing.",
        )

    def handle(self, *args, root: Path, check: bool, **options):
        lessons = load_lesson_content(root)
        errors = list(lessons.errors)
        quizzes = None
        if not errors:
            # Quiz references can only be checked against valid lesson content.
            quizzes = load_quiz_content(root, Catalogue.from_lesson_content(lessons))
            errors.extend(quizzes.errors)
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(
                f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found; "
                "nothing was written.",
                returncode=1,
            )
        if check:
            self.stdout.write(self.style.SUCCESS("The curriculum files are valid."))
            return
        with transaction.atomic():
            lesson_report = write_lesson_content(lessons)
            quiz_report = write_quiz_content(quizzes)
        for line in [*lesson_report.lines(), *quiz_report.lines()]:
            self.stdout.write(line)
        total = lesson_report.total_changes + quiz_report.total_changes
        if total:
            self.stdout.write(self.style.SUCCESS(f"{total} changes written."))
        else:
            self.stdout.write(
                self.style.SUCCESS("No changes: the database matches the files.")
            )
