"""Who is who: the one place that decides a user's role."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

TEACHERS_GROUP = "Teachers"


def is_teacher(user: User | AnonymousUser) -> bool:
    """Teachers are staff in the Teachers group; administrators count as teachers."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_teacher", None)
    if cached is None:
        cached = user.is_staff and user.groups.filter(name=TEACHERS_GROUP).exists()
        user._is_teacher = cached
    return cached


def is_student(user: User | AnonymousUser) -> bool:
    """Anyone signed in who is neither staff nor administrator."""
    return bool(user.is_authenticated and user.is_active and not user.is_staff)


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)
