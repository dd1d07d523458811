"""manage.py finalise_expired_attempts: close and grade every attempt whose time
limit has passed, with the answers saved before it. Pages do this lazily when a student
comes back; run this from cron (every few minutes) so reports never show attempts stuck
"in progress" after the time is up."""

from django.core.management.base import BaseCommand

from quizzes.services import finalise_expired_attempts


class Command(BaseCommand):
    help = "Submit and grade attempts whose time limit has passed."

    def handle(self, *args, **options):
        count = finalise_expired_attempts()
        self.stdout.write(
            f"{count} expired attempt{'s' if count != 1 else ''} finalised."
        )
