from django.http import HttpRequest

from accounts.roles import is_student, is_teacher


def roles(request: HttpRequest) -> dict[str, bool]:
    # An error page rendered before AuthenticationMiddleware ran (a refused Host
    # header is caught in SecurityMiddleware) has no user: nobody is signed in.
    user = getattr(request, "user", None)
    if user is None:
        return {"is_teacher": False, "is_student": False}
    return {"is_teacher": is_teacher(user), "is_student": is_student(user)}
