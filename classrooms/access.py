"""Who may open what: a teacher reaches only the classes they own or co-teach, and
through them only their assignments and their students. Anything else is answered
as missing (Http404), the same as an id that does not exist, so ids reveal nothing."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from classrooms.models import Assignment, Classroom, Enrollment


def classrooms_taught_by(teacher: User) -> QuerySet[Classroom]:
    """The classes a teacher owns or co-teaches (a subquery, so no duplicates)."""
    co_taught = Classroom.co_teachers.through.objects.filter(user_id=teacher.pk).values(
        "classroom_id"
    )
    return Classroom.objects.filter(Q(owner_id=teacher.pk) | Q(pk__in=co_taught))


def access_classroom(teacher: User, classroom_id: int) -> Classroom:
    """The class with this id if the teacher teaches it. One query."""
    classroom = (
        classrooms_taught_by(teacher)
        .select_related("owner")
        .filter(pk=classroom_id)
        .first()
    )
    if classroom is None:
        raise Http404("No such class")
    return classroom


def access_assignment(teacher: User, assignment_id: int) -> Assignment:
    """The assignment with this id, with its class and lesson, if the teacher
    teaches its class. One query."""
    assignment = (
        Assignment.objects.filter(
            pk=assignment_id, classroom__in=classrooms_taught_by(teacher)
        )
        .select_related("classroom", "lesson")
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment")
    return assignment


def access_student(classroom: Classroom, student_id: int) -> User:
    """A student on this class's active roster. One query."""
    enrollment = (
        Enrollment.objects.filter(
            classroom=classroom, student_id=student_id, removed_at__isnull=True
        )
        .select_related("student")
        .first()
    )
    if enrollment is None:
        raise Http404("No such student in this class")
    return enrollment.student
