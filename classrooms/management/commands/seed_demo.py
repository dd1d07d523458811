from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from classrooms.demo import seed_demo_class


class Command(BaseCommand):
    help = (
        "Create a demo teacher and a class of 25 students with three weeks of "
        "assignments, reading, quiz attempts and grading (run load_curriculum first). "
        "Prints the logins, one per line. Running it again creates nothing new."
    )

    def handle(self, *args, **options) -> None:
        try:
            logins = seed_demo_class()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for login in logins:
            self.stdout.write(str(login))
