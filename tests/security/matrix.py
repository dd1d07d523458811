"""The permission matrix as data: one Row per URL and method, with the status each
role gets. Adding a URL to the site means adding one line here (the matrix test
fails for any named URL without a row)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tests.security.conftest import MINE, ROLES, THEIRS, World

LOGIN = "login"  # 302 to the site's sign-in page
ADMIN_LOGIN = "admin_login"  # 302 to the admin's sign-in page
GONE = "admin_missing"  # the admin's "doesn't exist" redirect to its index

Expect = Mapping[str, int | str]


def roles(**statuses: int | str) -> dict[str, int | str]:
    """A full role → status table; `rest` fills the roles not named."""
    rest = statuses.pop("rest", None)
    table = {role: statuses.get(role, rest) for role in ROLES}
    missing = [role for role, status in table.items() if status is None]
    assert not missing, f"no status for {missing}"
    return table


def public(status: int = 200) -> dict[str, int | str]:
    return roles(rest=status)


def signed_in(status: int = 200) -> dict[str, int | str]:
    return roles(anonymous=LOGIN, rest=status)


def teacher_page(ok: int = 200, *, superuser: int | None = None):
    """A page of the owner's class: owner and co-teacher reach it; another teacher
    gets 404 (the same as an id that does not exist), and so does an administrator
    who does not teach the class (they use the admin); students 403; visitors go to
    sign in."""
    return roles(
        anonymous=LOGIN,
        student=403,
        other_student=403,
        teacher=ok,
        co_teacher=ok,
        superuser=404 if superuser is None else superuser,
        other_teacher=404,
    )


def teachers_only(ok: int = 200) -> dict[str, int | str]:
    """A teacher page about no one else's objects (their own dashboard)."""
    return roles(anonymous=LOGIN, student=403, other_student=403, rest=ok)


def students_own(ok: int = 200) -> dict[str, int | str]:
    """A page of the student's own attempt: everyone else is told it is missing."""
    return roles(anonymous=LOGIN, student=ok, rest=404)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    kwargs: Callable[[World], dict]
    expect: Expect
    data: Callable[[World], dict] = field(default=lambda w: {})
    query: str = ""

    @property
    def label(self) -> str:
        return (
            f"{self.method.upper()} {self.name}{'?' + self.query if self.query else ''}"
        )


def none(world: World) -> dict:
    return {}


def lesson(world: World) -> dict:
    return {"lesson_key": world.lesson.key}


def section(world: World) -> dict:
    return {"lesson_key": world.lesson.key, "section_key": "part-1"}


def quiz(world: World) -> dict:
    return {"quiz_key": world.quiz.key}


def attempt(world: World) -> dict:
    return {"quiz_key": world.quiz.key, "attempt_id": world.attempt.pk}


def klass(world: World) -> dict:
    return {"pk": world.classroom.pk}


def klass_student(world: World) -> dict:
    return {"pk": world.classroom.pk, "student_pk": world.student.pk}


def klass_co_teacher(world: World) -> dict:
    return {"pk": world.classroom.pk, "user_pk": world.co_teacher.pk}


def assignment(world: World) -> dict:
    return {"pk": world.assignment.pk}


def assignment_student(world: World) -> dict:
    return {"pk": world.assignment.pk, "student_pk": world.student.pk}


def klass_their_student(world: World) -> dict:
    """The owner's class with the other class's student: never theirs to see."""
    return {"pk": world.classroom.pk, "student_pk": world.other_student.pk}


def klass_quiz(world: World) -> dict:
    return {"pk": world.classroom.pk, "quiz_key": world.quiz.key}


def klass_question(world: World) -> dict:
    return {**klass_quiz(world), "question_key": world.response.question_key}


def klass_attempt(world: World) -> dict:
    return {"pk": world.classroom.pk, "attempt_pk": world.attempt.pk}


def klass_their_attempt(world: World) -> dict:
    return {"pk": world.classroom.pk, "attempt_pk": world.foreign_attempt.pk}


def student_table(table: str):
    return lambda w: {**klass_student(w), "table": table}


def their_username(world: World) -> dict:
    return {"username": world.other_student.username}


def not_here() -> dict[str, int | str]:
    """The owner's class asked about the other class's student or attempt: missing
    to everyone who may open the class, including the owner."""
    return {**teacher_page(404)}


def enrolled_student(world: World) -> dict:
    return {"students": [world.student.pk]}


def new_class(world: World) -> dict:
    return {"name": "New class", "time_zone": "UTC"}


def bad_join_code(world: World) -> dict:
    return {"code": "ZZZZZZ"}


# --- The site (everything outside /admin/) -------------------------------------------

SITE_ROWS: list[Row] = [
    Row("home", "get", none, public()),
    Row("about", "get", none, public()),
    Row("healthz", "get", none, public()),
    Row("login", "get", none, roles(anonymous=200, rest=302)),
    Row("logout", "post", none, public(302)),
    Row("signup", "get", none, roles(anonymous=200, rest=302)),
    Row("password_change", "get", none, signed_in()),
    Row("password_change_done", "get", none, signed_in()),
    Row("lessons:index", "get", none, public()),
    Row("lessons:detail", "get", lesson, public()),
    Row("lessons:print", "get", lesson, public()),
    Row("lessons:section", "get", section, public()),
    Row(
        "lessons:section_complete",
        "post",
        section,
        roles(anonymous=LOGIN, student=302, other_student=302, rest=403),
    ),
    Row("lessons:source_list", "get", none, public()),
    Row("lessons:source_detail", "get", lambda w: {"source_key": "none"}, public(404)),
    Row("lessons:timeline", "get", none, public()),
    Row("lessons:who_knew", "get", none, public()),
    Row("lessons:people", "get", none, public()),
    Row("lessons:glossary", "get", none, public()),
    Row("lessons:search", "get", none, public(), query="q=sentinel"),
    Row("quizzes:detail", "get", quiz, public()),
    Row("quizzes:start", "post", quiz, signed_in(302)),
    Row("quizzes:attempt", "get", attempt, students_own(302)),
    Row("quizzes:save", "post", attempt, students_own(409)),
    Row("quizzes:submit", "post", attempt, students_own(302)),  # the first result again
    Row("quizzes:review", "get", attempt, students_own()),
    Row(
        "classrooms:join",
        "get",
        none,
        roles(anonymous=LOGIN, student=200, other_student=200, rest=403),
    ),
    Row(
        "classrooms:join",
        "post",
        none,
        roles(anonymous=LOGIN, student=400, other_student=400, rest=403),
        data=bad_join_code,
    ),
    Row("classrooms:my_work", "get", none, signed_in()),
    Row("classrooms:teach", "get", none, teachers_only()),
    Row("classrooms:classroom_create", "get", none, teachers_only()),
    Row(
        "classrooms:classroom_create", "post", none, teachers_only(302), data=new_class
    ),
    Row("classrooms:classroom_detail", "get", klass, teacher_page()),
    Row("classrooms:classroom_edit", "get", klass, teacher_page()),
    Row("classrooms:classroom_edit", "post", klass, teacher_page(400)),
    Row("classrooms:classroom_archive", "post", klass, teacher_page(302)),
    Row("classrooms:classroom_restore", "post", klass, teacher_page(302)),
    Row(
        "classrooms:join_code",
        "post",
        klass,
        teacher_page(302),
        data=lambda w: {"action": "rotate"},
    ),
    Row("classrooms:co_teachers", "get", klass, teacher_page()),
    Row("classrooms:co_teachers", "post", klass, teacher_page(400)),
    Row("classrooms:co_teacher_remove", "post", klass_co_teacher, teacher_page(302)),
    Row("classrooms:roster", "get", klass, teacher_page()),
    Row("classrooms:roster_add", "get", klass, teacher_page()),
    Row("classrooms:roster_add", "post", klass, teacher_page(400)),
    Row("classrooms:logins", "get", klass, teacher_page(302)),
    Row(
        "classrooms:reset_passwords",
        "post",
        klass,
        teacher_page(302),
        data=enrolled_student,
    ),
    Row("classrooms:student_remove", "post", klass_student, teacher_page(302)),
    Row("classrooms:assignment_create", "get", klass, teacher_page()),
    Row("classrooms:assignment_create", "post", klass, teacher_page(400)),
    Row("classrooms:assignment_edit", "get", assignment, teacher_page()),
    Row("classrooms:assignment_edit", "post", assignment, teacher_page(400)),
    Row("classrooms:assignment_withdraw", "post", assignment, teacher_page(302)),
    Row("classrooms:extensions", "get", assignment, teacher_page()),
    Row("classrooms:extensions", "post", assignment, teacher_page(400)),
    Row("classrooms:extension_revoke", "post", assignment_student, teacher_page(302)),
    # Progress, quiz reports and a student's record (issues #6 and #8)
    Row("classrooms:progress", "get", klass, teacher_page()),
    Row("classrooms:progress_csv", "get", klass, teacher_page()),
    Row("classrooms:progress_print", "get", klass, teacher_page()),
    Row("classrooms:student_detail", "get", klass_student, teacher_page()),
    Row("classrooms:student_detail", "get", klass_their_student, not_here()),
    Row(
        "classrooms:student_table_csv", "get", student_table("attempts"), teacher_page()
    ),
    Row(
        "classrooms:student_table_csv", "get", student_table("nope"), teacher_page(404)
    ),
    Row("classrooms:quiz_reports", "get", klass, teacher_page()),
    Row("classrooms:quiz_report", "get", klass_quiz, teacher_page()),
    Row("classrooms:quiz_report_questions_csv", "get", klass_quiz, teacher_page()),
    Row("classrooms:quiz_report_skills_csv", "get", klass_quiz, teacher_page()),
    Row("classrooms:question_answers", "get", klass_question, teacher_page()),
    Row("classrooms:question_answers_csv", "get", klass_question, teacher_page()),
    Row("classrooms:attempt_detail", "get", klass_attempt, teacher_page()),
    Row("classrooms:attempt_detail", "get", klass_their_attempt, not_here()),
    # An administrator exports or deletes anyone's record (classrooms/privacy.py).
    Row(
        "classrooms:student_record_json",
        "get",
        klass_student,
        teacher_page(superuser=200),
    ),
    Row("classrooms:student_record_json", "get", klass_their_student, not_here()),
    Row(
        "classrooms:student_record_csv",
        "get",
        klass_student,
        teacher_page(superuser=200),
    ),
    Row("classrooms:student_delete", "get", klass_student, teacher_page(superuser=200)),
    Row(
        "classrooms:student_delete",
        "post",
        klass_student,
        teacher_page(400, superuser=400),
    ),
    Row(
        "classrooms:student_delete",
        "post",
        klass_their_student,
        not_here(),
        data=their_username,
    ),
]


# --- The admin ------------------------------------------------------------------------

ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete")
STAFF_ONLY = {
    "anonymous": ADMIN_LOGIN,
    "student": ADMIN_LOGIN,
    "other_student": ADMIN_LOGIN,
}


def admin(**statuses: int | str) -> dict[str, int | str]:
    return roles(**STAFF_ONLY, **statuses)


def scoped(*, add: int = 200, delete: int = 200) -> dict[str, dict]:
    """A model a teacher manages in the admin for their own classes only: the
    other teacher's list is empty of ours and our rows are "missing" to them."""
    mine = admin(rest=200)
    return {
        "changelist": mine,
        "add": admin(rest=add, superuser=200),
        "change": admin(other_teacher=GONE, rest=200),
        "history": admin(other_teacher=GONE, rest=200),
        "delete": admin(
            other_teacher=GONE if delete == 200 else delete, rest=delete, superuser=200
        ),
    }


def superuser_only(*, add: int = 200) -> dict[str, dict]:
    statuses = {view: admin(superuser=200, rest=403) for view in ADMIN_VIEWS}
    statuses["add"] = admin(superuser=add, rest=403)
    return statuses


def scoped_records() -> dict[str, dict]:
    """Students' records a teacher reads (and grades) in the admin for their own
    classes only; nobody adds or deletes them there."""
    return {
        "changelist": admin(rest=200),
        "add": admin(rest=403),
        "change": admin(other_teacher=GONE, rest=200),
        "history": admin(other_teacher=GONE, rest=200),
        "delete": admin(rest=403),
    }


# The co-teacher picker in the admin lists every teacher account (as the /teach/
# co-teacher form accepts any teacher's username): teachers' usernames, never a class
# or a student of theirs, may show there.
TEACHER_USERNAMES = frozenset(
    {MINE["teacher_username"], MINE["co_teacher_username"], THEIRS["teacher_username"]}
)
SHOWN_ON_PURPOSE = {
    "admin:classrooms_classroom_add": TEACHER_USERNAMES,
    "admin:classrooms_classroom_change": TEACHER_USERNAMES,
}


def _victims():
    from django.contrib.auth.models import Group

    from accounts.models import AuditEntry, LoginThrottle
    from lessons.models import LessonProgress, SectionProgress
    from quizzes.models import Question

    return {
        "auth.group": (lambda w: Group.objects.get(name="Teachers"), superuser_only),
        "accounts.user": (lambda w: w.student, superuser_only),
        "accounts.loginthrottle": (
            lambda w: LoginThrottle.objects.get_or_create(
                username=w.student.username,
                defaults={"failure_count": 1, "first_failure_at": w.attempt.started_at},
            )[0],
            lambda: superuser_only(add=403),
        ),
        "accounts.auditentry": (
            lambda w: AuditEntry.objects.filter(student=w.student).first(),
            scoped_records,
        ),
        "quizzes.quiz": (lambda w: w.quiz, superuser_only),
        "quizzes.question": (
            lambda w: Question.objects.filter(quiz=w.quiz).first(),
            lambda: superuser_only(add=403),
        ),
        "quizzes.attempt": (lambda w: w.attempt, scoped_records),
        "quizzes.response": (lambda w: w.response, scoped_records),
        "classrooms.classroom": (lambda w: w.classroom, lambda: scoped(delete=403)),
        "classrooms.enrollment": (lambda w: w.enrollment, scoped),
        "classrooms.assignment": (lambda w: w.assignment, scoped),
        "lessons.lessonprogress": (
            lambda w: LessonProgress.objects.filter(user=w.student).first(),
            scoped_records,
        ),
        "lessons.sectionprogress": (
            lambda w: SectionProgress.objects.filter(user=w.student).first(),
            scoped_records,
        ),
    }


ADMIN_MODELS = _victims()
"""model label → (the owner's object to try, the statuses for each admin view). A
model registered in the admin without an entry here fails the matrix."""


def admin_site_rows() -> list[Row]:
    """Rows for the admin's own pages (not tied to one model)."""
    staff = admin(rest=200)
    return [
        Row("admin:index", "get", none, staff),
        Row(
            "admin:login",
            "get",
            none,
            roles(
                rest=200,
                teacher=GONE,
                other_teacher=GONE,
                co_teacher=GONE,
                superuser=GONE,
            ),
        ),
        Row(
            "admin:logout",
            "post",
            none,
            roles(anonymous=GONE, student=GONE, other_student=GONE, rest=302),
        ),
        Row("admin:password_change", "get", none, staff),
        Row("admin:password_change_done", "get", none, staff),
        Row("admin:jsi18n", "get", none, admin(rest=200)),
        Row("admin:autocomplete", "get", none, admin(rest=403)),
        Row("admin:grading", "get", none, admin(superuser=200, rest=200)),
        Row(
            "admin:grading",
            "get",
            none,
            admin(other_teacher=404, rest=200),
            query=_mine_query,
        ),
        Row("admin:grading_question", "get", admin_question, admin(rest=200)),
        Row(
            "admin:grading_question",
            "get",
            admin_question,
            admin(rest=200),
            query="graded=1",
        ),
        Row(
            "admin:grading_question",
            "post",
            admin_question,
            admin(other_teacher=404, rest=302),
            data=grade_mine,
        ),
        Row(
            "admin:auth_user_password_change",
            "get",
            lambda w: {"id": str(w.student.pk)},
            admin(superuser=200, rest=403),
        ),
        Row(
            "admin:view_on_site",
            "get",
            lambda w: {"content_type_id": "1", "object_id": "1"},
            admin(rest=404),
        ),
    ]


_mine_query = "classroom={classroom}"


def admin_question(world: World) -> dict:
    return {"question_key": world.response.question_key}


def grade_mine(world: World) -> dict:
    return {"response": str(world.response.pk), "points": "2", "comment": "Good."}


def admin_model_rows(registry) -> tuple[list[Row], list[str]]:
    """Rows for every registered model's admin views, and the labels that have no
    entry in ADMIN_MODELS."""
    rows: list[Row] = []
    unlisted: list[str] = []
    apps: set[str] = set()
    for model, model_admin in registry.items():
        label = model._meta.label_lower
        if label not in ADMIN_MODELS:
            unlisted.append(label)
            continue
        victim, profile = ADMIN_MODELS[label]
        statuses = profile()
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for view in ADMIN_VIEWS:
            if view in {"changelist", "add"}:
                kwargs = none
            else:
                kwargs = _object_id(victim, label)
            rows.append(Row(f"{info}_{view}", "get", kwargs, statuses[view]))
        # The changelist searched and filtered for the other side's names: still
        # nothing of theirs.
        if model_admin.search_fields:
            rows.append(
                Row(
                    f"{info}_changelist",
                    "get",
                    none,
                    statuses["changelist"],
                    query="q=sentinel",
                )
            )
        # Filtered by the owner's class: the other teacher still sees nothing.
        if query := _classroom_filter_query(model_admin):
            rows.append(
                Row(
                    f"{info}_changelist",
                    "get",
                    none,
                    statuses["changelist"],
                    query=query,
                )
            )
        # Every autocomplete this admin offers, searched for both sides' names.
        for field_name in model_admin.autocomplete_fields:
            rows.append(
                Row(
                    "admin:autocomplete",
                    "get",
                    none,
                    admin(rest=200),
                    query=(
                        f"app_label={model._meta.app_label}"
                        f"&model_name={model._meta.model_name}"
                        f"&field_name={field_name}&term=sentinel"
                    ),
                )
            )
        # Every action of this admin, run on the owner's record.
        for action in _actions(model_admin):
            rows.append(
                Row(
                    f"{info}_changelist",
                    "post",
                    none,
                    ADMIN_ACTIONS[f"{label}:{action}"],
                    data=_action_data(victim, label, action),
                )
            )
        if model._meta.app_label not in apps:
            apps.add(model._meta.app_label)
            rows.append(
                Row(
                    "admin:app_list",
                    "get",
                    lambda w, app=model._meta.app_label: {"app_label": app},
                    _app_list_statuses(model._meta.app_label),
                )
            )
    return rows, unlisted


def _actions(model_admin) -> list[str]:
    names = [a if isinstance(a, str) else a.__name__ for a in model_admin.actions or []]
    return [name for name in names if name != "delete_selected"]


def _action_data(victim, label, action):
    def data(world: World) -> dict:
        obj = victim(world)
        assert obj is not None, f"no object to try for {label}"
        return {"action": action, "_selected_action": [str(obj.pk)], "index": "0"}

    return data


# "model label:action" → statuses, for the action run on the owner's record. A
# selection with a row outside the user's own list is refused whole, 404 as for a
# missing id (SelectionInScopeMixin), so the other teacher's run does nothing. A new
# admin action without a line here fails the matrix (KeyError).
ADMIN_ACTIONS = {
    "accounts.loginthrottle:unlock": admin(superuser=302, rest=403),
    "classrooms.classroom:export_grades": admin(other_teacher=404, rest=200),
    "classrooms.assignment:extend_due_date": admin(other_teacher=404, rest=200),
    "quizzes.attempt:export_csv": admin(other_teacher=404, rest=200),
    "quizzes.attempt:reset_attempts": admin(other_teacher=404, rest=200),
}


def _classroom_filter_query(model_admin) -> str:
    for entry in model_admin.list_filter:
        if getattr(entry, "parameter_name", None) == "classroom":
            return "classroom={classroom}"
        field_name = entry[0] if isinstance(entry, tuple) else entry
        if field_name == "classroom":
            return "classroom__id__exact={classroom}"
    return ""


def _app_list_statuses(app_label: str) -> dict[str, int | str]:
    teacher_apps = {"accounts", "classrooms", "quizzes", "lessons"}
    if app_label in teacher_apps:
        return admin(rest=200)
    return admin(superuser=200, rest=404)


def _object_id(victim, label):
    def kwargs(world: World) -> dict:
        obj = victim(world)
        assert obj is not None, f"no object to try for {label}"
        return {"object_id": str(obj.pk)}

    return kwargs
