import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import create_teacher


class Command(BaseCommand):
    help = "Create a teacher account (staff in the Teachers group), or make a user one."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="Prompted for when omitted.")

    def handle(self, *args, username: str, password: str | None, **options) -> None:
        username = User.normalize_username(username).strip()
        if not username or len(username) > 150:
            raise CommandError("A username of 1 to 150 characters is required.")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords did not match.")
        try:
            validate_password(password, User(username=username))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        create_teacher(username=username, password=password)
        self.stdout.write(f"teacher: {username}")
