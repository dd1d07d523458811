from django.http import HttpRequest

from accounts.roles import is_student, is_teacher


def roles(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {"is_teacher": is_teacher(user), "is_student": is_student(user)}
