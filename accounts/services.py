"""Writes for accounts: creating users, the Teachers group, sign-in throttling."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import LoginThrottle, User
from accounts.roles import TEACHERS_GROUP

# "app_label.codename" for what a teacher may do in the admin. Each object a teacher
# opens there is further limited to their own classes by the admin classes themselves.
TEACHER_PERMISSIONS = [
    "classrooms.add_classroom",
    "classrooms.change_classroom",
    "classrooms.view_classroom",
    "classrooms.add_enrollment",
    "classrooms.change_enrollment",
    "classrooms.delete_enrollment",
    "classrooms.view_enrollment",
    "classrooms.add_assignment",
    "classrooms.change_assignment",
    "classrooms.delete_assignment",
    "classrooms.view_assignment",
    "classrooms.add_extension",
    "classrooms.change_extension",
    "classrooms.delete_extension",
    "classrooms.view_extension",
    "quizzes.view_attempt",
    "quizzes.change_attempt",
    "quizzes.view_response",
    "quizzes.change_response",
    "lessons.view_lessonprogress",
    "lessons.view_sectionprogress",
    "accounts.view_auditentry",
]


def ensure_teacher_group(*, using: str = "default") -> Group:
    """Create the Teachers group if needed and give it exactly TEACHER_PERMISSIONS
    (those whose models exist)."""
    group, _ = Group.objects.using(using).get_or_create(name=TEACHERS_GROUP)
    wanted = [name.split(".", 1) for name in TEACHER_PERMISSIONS]
    permissions = [
        permission
        for permission in Permission.objects.using(using).select_related("content_type")
        if [permission.content_type.app_label, permission.codename] in wanted
    ]
    group.permissions.set(permissions)
    return group


@transaction.atomic
def create_teacher(*, username: str, password: str) -> User:
    """Create a teacher (staff, in the Teachers group), or make an existing user one
    and set their password."""
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(ensure_teacher_group())
    return user


def register_student(*, username: str, password: str) -> User:
    """Create a student account from the sign-up form's cleaned data."""
    return User.objects.create_user(username=username, password=password)


@transaction.atomic
def set_own_password(*, user: User, password: str) -> User:
    """Set a password the user chose themselves, ending any requirement (set by a
    teacher's one-time password) to change it."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


def _throttle_key(username: str) -> str:
    return username.strip().lower()[:150]


def login_locked_until(username: str):
    """When the lock on this username ends, or None if it may try to sign in now."""
    throttle = LoginThrottle.objects.filter(username=_throttle_key(username)).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


def record_login_failure(username: str) -> None:
    """Count a failed sign-in; lock the username after LOGIN_FAILURE_LIMIT failures
    within the lockout window."""
    key = _throttle_key(username)
    if not key:
        return
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    with transaction.atomic():
        throttle = LoginThrottle.objects.filter(username=key).first()
        if throttle is None:
            try:
                with transaction.atomic():
                    LoginThrottle.objects.create(
                        username=key,
                        failure_count=1,
                        first_failure_at=now,
                        locked_until=now + window
                        if settings.LOGIN_FAILURE_LIMIT <= 1
                        else None,
                    )
                return
            except IntegrityError:
                throttle = LoginThrottle.objects.get(username=key)
        if now - throttle.first_failure_at > window:
            throttle.failure_count = 0
            throttle.first_failure_at = now
            throttle.locked_until = None
        throttle.failure_count += 1
        if throttle.failure_count >= settings.LOGIN_FAILURE_LIMIT:
            throttle.locked_until = now + window
        throttle.save(
            update_fields=["failure_count", "first_failure_at", "locked_until"]
        )


def clear_login_failures(username: str) -> int:
    """Forget failures for this username (after a good sign-in, or to unlock it).
    Returns the number of locks removed."""
    deleted, _ = LoginThrottle.objects.filter(username=_throttle_key(username)).delete()
    return deleted
