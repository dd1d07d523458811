from django.conf import settings
from django.core.management.base import BaseCommand

from classrooms.privacy import DATA_LABELS, purge_expired_student_data


class Command(BaseCommand):
    help = (
        "Remove the student data of classes archived more than "
        "STUDENT_DATA_RETENTION_DAYS days ago (DJANGO_STUDENT_DATA_RETENTION_DAYS, "
        "default 365; 0 never removes anything). Students in no other class are "
        "deleted with all their work; students also in another class are taken off "
        "the expired classes and keep their account and work. Run it daily (cron or "
        "a systemd timer); --dry-run shows what would go and changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be removed without removing anything.",
        )

    def handle(self, *args, **options) -> None:
        dry_run = options["dry_run"]
        summary = purge_expired_student_data(dry_run=dry_run)
        days = settings.STUDENT_DATA_RETENTION_DAYS
        if summary.cutoff is None:
            self.stdout.write(
                "Retention is off (STUDENT_DATA_RETENTION_DAYS=0): nothing removed."
            )
            return
        would = "would be " if dry_run else ""
        prefix = "Dry run, nothing changed. " if dry_run else ""
        self.stdout.write(
            f"{prefix}{len(summary.classes)} archived class"
            f"{'' if len(summary.classes) == 1 else 'es'} past the {days}-day "
            f"retention period (archived before {summary.cutoff:%Y-%m-%d %H:%M} UTC)."
        )
        for name in summary.classes:
            self.stdout.write(f"  class: {name}")
        self.stdout.write(
            f"{len(summary.deleted_students)} student"
            f"{'' if len(summary.deleted_students) == 1 else 's'} {would}deleted "
            "with all their work."
        )
        for kind, label in DATA_LABELS.items():
            if summary.deleted.get(kind):
                self.stdout.write(f"  {label}: {summary.deleted[kind]}")
        self.stdout.write(
            f"{len(summary.removed_students)} student"
            f"{'' if len(summary.removed_students) == 1 else 's'} also in another "
            f"class {would}taken off the expired classes (account and work kept)."
        )
        for kind, n in summary.removed.items():
            if n:
                self.stdout.write(f"  {DATA_LABELS[kind]}: {n}")
