"""Pages for classes. Views are thin: they check who is asking, parse the request,
call one service or selector, and render. Teacher pages reach objects only through
classrooms.access, so another teacher's ids are answered with 404."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from accounts.roles import is_student, is_teacher
from classrooms import (
    item_analysis,
    privacy,
    report_filters,
    reports,
    selectors,
    services,
)
from classrooms.access import (
    access_assignment,
    access_classroom,
    access_student,
    classrooms_taught_by,
)
from classrooms.exports import csv_response
from classrooms.forms import (
    AssignmentForm,
    ClassroomForm,
    CoTeacherForm,
    ExtensionForm,
    JoinForm,
    RosterForm,
    StudentDeleteForm,
    StudentsForm,
)
from classrooms.models import Classroom, Extension

LOGINS_SESSION_KEY = "classrooms.one_time_logins"

View = Callable[..., HttpResponse]


def teacher_required(view: View) -> View:
    """Signed-out visitors go to sign in; signed-in non-teachers get 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_teacher(request.user):
            raise PermissionDenied("Teachers only")
        return view(request, *args, **kwargs)

    return wrapper


def _posted(request: HttpRequest):
    """The posted form data, or None for a GET (an empty POST still binds the form,
    so it is answered with the form's errors)."""
    return request.POST if request.method == "POST" else None


def _class_page(
    request: HttpRequest,
    template: str,
    classroom: Classroom,
    tab: str,
    context: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        template,
        {"classroom": classroom, "tab": tab, **(context or {})},
        status=status,
    )


# --- Classes --------------------------------------------------------------------------


@require_safe
@teacher_required
def teach(request: HttpRequest) -> HttpResponse:
    """The teacher's classes: active ones, each with its pulse, then archived
    ones."""
    classrooms = reports.classrooms_with_summaries_for_teacher(request.user)
    return render(
        request,
        "classrooms/teach.html",
        {
            "active": [c for c in classrooms if c.archived_at is None],
            "archived": [c for c in classrooms if c.archived_at is not None],
        },
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_create(request: HttpRequest) -> HttpResponse:
    latest = (
        classrooms_taught_by(request.user)
        .order_by("-created_at")
        .values_list("time_zone", flat=True)
        .first()
    )
    form = ClassroomForm(
        _posted(request),
        initial={"time_zone": latest or settings.TIME_ZONE},
    )
    if latest is None and not form.is_bound:
        # A first class starts in the browser's time zone (classrooms.js).
        form.fields["time_zone"].widget.attrs["data-guess-time-zone"] = "true"
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.create_classroom(
                owner=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{classroom} is ready. Share its join code, or add students "
                "from a list.",
            )
            return redirect(classroom)
    return render(
        request,
        "classrooms/classroom_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@teacher_required
def classroom_detail(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    return _class_page(
        request,
        "classrooms/classroom_detail.html",
        classroom,
        "overview",
        {
            "now": timezone.now(),
            "assignments": selectors.assignments_for_classroom(classroom),
            "student_count": classroom.enrollments.filter(
                removed_at__isnull=True
            ).count(),
        },
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_edit(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    form = ClassroomForm(_posted(request), instance=classroom)
    if request.method == "POST" and form.is_valid():
        services.update_classroom(
            classroom=classroom,
            name=form.cleaned_data["name"],
            section=form.cleaned_data["section"],
            school_year=form.cleaned_data["school_year"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, "Class details saved.")
        return redirect(classroom)
    if request.method == "POST":
        # A ModelForm's failed validation leaves its changes on the instance.
        classroom.refresh_from_db()
    return _class_page(
        request,
        "classrooms/classroom_form.html",
        classroom,
        "overview",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@teacher_required
def classroom_archive(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = services.archive_classroom(classroom=access_classroom(request.user, pk))
    days = settings.STUDENT_DATA_RETENTION_DAYS
    messages.success(
        request,
        f"{classroom} is archived. Students no longer see it; its records are kept "
        + (
            f"for {days} days, then its students' data is removed (restore the class "
            "before then to keep it)."
            if days
            else "and you can restore it at any time."
        ),
    )
    return redirect("classrooms:teach")


@require_POST
@teacher_required
def classroom_restore(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = services.restore_classroom(classroom=access_classroom(request.user, pk))
    messages.success(request, f"{classroom} is restored.")
    return redirect(classroom)


@require_POST
@teacher_required
def join_code(request: HttpRequest, pk: int) -> HttpResponse:
    """Rotate the join code, or switch joining off or on."""
    classroom = access_classroom(request.user, pk)
    action = request.POST.get("action")
    if action == "rotate":
        services.rotate_join_code(classroom=classroom)
        messages.success(
            request,
            f"New join code: {classroom.join_code_display}. The old code no longer "
            "works; students already in the class stay.",
        )
    elif action in {"disable", "enable"}:
        services.set_join_enabled(classroom=classroom, enabled=action == "enable")
        messages.success(
            request,
            "Students can join with the code again."
            if action == "enable"
            else "Joining with the code is switched off. You can still add students "
            "from a list.",
        )
    else:
        return HttpResponseBadRequest("Choose rotate, disable or enable.")
    return redirect(classroom)


# --- Co-teachers ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@teacher_required
def co_teachers(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    form = CoTeacherForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        teacher = form.cleaned_data["username"]
        try:
            services.add_co_teacher(classroom=classroom, teacher=teacher)
        except ValidationError as error:
            form.add_error("username", error)
        else:
            messages.success(request, f"{teacher} now co-teaches {classroom}.")
            return redirect("classrooms:co_teachers", pk=classroom.pk)
    return _class_page(
        request,
        "classrooms/co_teachers.html",
        classroom,
        "co_teachers",
        {"form": form, "co_teachers": selectors.co_teachers_for_classroom(classroom)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@teacher_required
def co_teacher_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    teacher = classroom.co_teachers.filter(pk=user_pk).first()
    if teacher is None:
        raise Http404("Not found")
    services.remove_co_teacher(classroom=classroom, teacher=teacher)
    if teacher.pk == request.user.pk:
        messages.success(request, f"You no longer co-teach {classroom}.")
        return redirect("classrooms:teach")
    messages.success(request, f"{teacher} no longer co-teaches {classroom}.")
    return redirect("classrooms:co_teachers", pk=classroom.pk)


# --- Roster ---------------------------------------------------------------------------


def _roster_page(
    request: HttpRequest,
    classroom: Classroom,
    form: StudentsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return _class_page(
        request,
        "classrooms/roster.html",
        classroom,
        "roster",
        {
            "enrollments": selectors.roster_for_classroom(classroom),
            "reset_form": form,
        },
        status=status,
    )


@require_safe
@teacher_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    return _roster_page(request, access_classroom(request.user, pk))


def _keep_logins(request: HttpRequest, classroom: Classroom, credentials) -> None:
    # Kept only until the login-card page is first shown (then popped): one-time
    # passwords are never stored anywhere else in plain text.
    request.session[LOGINS_SESSION_KEY] = {
        "classroom": classroom.pk,
        "credentials": [
            {"name": c.name, "username": c.username, "password": c.password}
            for c in credentials
        ],
    }


@require_http_methods(["GET", "POST"])
@teacher_required
def roster_add(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    form = RosterForm(
        _posted(request), request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            credentials = services.add_students(classroom=classroom, rows=form.rows)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _keep_logins(request, classroom, credentials)
            messages.success(
                request,
                f"Added {len(credentials)} student"
                f"{'' if len(credentials) == 1 else 's'}. Print their login cards "
                "now: the passwords are shown only once.",
            )
            return redirect("classrooms:logins", pk=classroom.pk)
    return _class_page(
        request,
        "classrooms/roster_add.html",
        classroom,
        "roster",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_safe
@teacher_required
def logins(request: HttpRequest, pk: int) -> HttpResponse:
    """Login cards for the students just added or reset, shown once."""
    classroom = access_classroom(request.user, pk)
    kept = request.session.get(LOGINS_SESSION_KEY)
    if not kept or kept.get("classroom") != classroom.pk:
        messages.info(
            request,
            "Login cards are shown once, right after students are added or their "
            "passwords reset. To print a card again, reset that student's password.",
        )
        return redirect("classrooms:roster", pk=classroom.pk)
    del request.session[LOGINS_SESSION_KEY]
    return _class_page(
        request,
        "classrooms/logins.html",
        classroom,
        "roster",
        {
            "credentials": kept["credentials"],
            "login_url": request.build_absolute_uri(reverse("login")),
        },
    )


@require_POST
@teacher_required
def reset_passwords(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    form = StudentsForm(request.POST, students=selectors.roster_students(classroom))
    if form.is_valid():
        try:
            credentials = services.reset_student_passwords(
                classroom=classroom, students=form.cleaned_data["students"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _keep_logins(request, classroom, credentials)
            messages.success(
                request,
                "New one-time passwords are set. Print the login cards now: they "
                "are shown only once.",
            )
            return redirect("classrooms:logins", pk=classroom.pk)
    return _roster_page(request, classroom, form=form, status=400)


@require_POST
@teacher_required
def student_remove(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    student = access_student(classroom, student_pk)
    services.remove_student(classroom=classroom, student=student)
    messages.success(
        request,
        f"{student} was removed from {classroom}. Their account and their work are "
        "kept; add them again at any time.",
    )
    return redirect("classrooms:roster", pk=classroom.pk)


# --- Assignments ----------------------------------------------------------------------


def _assignment_form_page(
    request: HttpRequest,
    classroom: Classroom,
    form: AssignmentForm,
    save: Callable[[dict], str],
    context: dict | None = None,
) -> HttpResponse:
    """What assigning and editing share once the form is built: on a valid POST,
    `save` (given the cleaned data) calls the service and says what it did, and the
    teacher goes back to the class with that message; a ValidationError from the
    service lands on the form. Otherwise the form, answered 400 after a POST."""
    if request.method == "POST" and form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            return redirect(classroom)
    return _class_page(
        request,
        "classrooms/assignment_form.html",
        classroom,
        "overview",
        {"form": form, **(context or {})},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = access_classroom(request.user, pk)
    form = AssignmentForm(
        _posted(request),
        classroom=classroom,
        students=selectors.roster_students(classroom),
    )

    def save(data: dict) -> str:
        assignment = services.create_assignment(
            classroom=classroom,
            lesson=data["lesson"],
            kind=data["kind"],
            for_whole_class=form.for_whole_class,
            students=list(data["students"]),
            opens_at=data["opens_at"],
            due_at=data["due_at"],
            instructions=data["instructions"],
            created_by=request.user,
        )
        return f"Assigned “{assignment.lesson.title}”."

    return _assignment_form_page(request, classroom, form, save)


@require_http_methods(["GET", "POST"])
@teacher_required
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk)
    classroom = assignment.classroom
    if assignment.is_withdrawn:
        raise Http404("Not found")
    form = AssignmentForm(
        _posted(request),
        classroom=classroom,
        students=selectors.roster_students(classroom),
        editing=assignment,
        initial={
            "kind": assignment.kind,
            "audience": "class" if assignment.for_whole_class else "students",
            "students": list(assignment.students.values_list("pk", flat=True)),
            "opens_at": assignment.opens_at,
            "due_at": assignment.due_at,
            "instructions": assignment.instructions,
        },
    )

    def save(data: dict) -> str:
        services.update_assignment(
            assignment=assignment,
            kind=data["kind"],
            for_whole_class=form.for_whole_class,
            students=list(data["students"]),
            opens_at=data["opens_at"],
            due_at=data["due_at"],
            instructions=data["instructions"],
        )
        return f"Saved “{assignment.lesson.title}”."

    return _assignment_form_page(
        request, classroom, form, save, {"assignment": assignment}
    )


@require_POST
@teacher_required
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk)
    services.withdraw_assignment(assignment=assignment)
    messages.success(
        request,
        f"Withdrew “{assignment.lesson.title}”. Students no longer see it; what they "
        "did is kept.",
    )
    return redirect(assignment.classroom)


@require_http_methods(["GET", "POST"])
@teacher_required
def extensions(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk)
    if assignment.is_withdrawn:
        raise Http404("Not found")
    form = ExtensionForm(
        _posted(request),
        assignment=assignment,
        students=selectors.students_reached_by(assignment),
    )
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.grant_extension(
                assignment=assignment,
                student=form.cleaned_data["student"],
                due_at=form.cleaned_data["due_at"],
                reason=form.cleaned_data["reason"],
                granted_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Extension saved for {extension.student}.")
            return redirect("classrooms:extensions", pk=assignment.pk)
    return _class_page(
        request,
        "classrooms/extensions.html",
        assignment.classroom,
        "overview",
        {
            "assignment": assignment,
            "form": form,
            "extensions": selectors.extensions_for_assignment(assignment),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@teacher_required
def extension_revoke(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk)
    extension = (
        Extension.objects.filter(assignment=assignment, student_id=student_pk)
        .select_related("student")
        .first()
    )
    if extension is None:
        raise Http404("Not found")
    services.revoke_extension(assignment=assignment, student=extension.student)
    messages.success(request, f"{extension.student} is back on the class's due date.")
    return redirect("classrooms:extensions", pk=assignment.pk)


# --- Students -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HttpRequest) -> HttpResponse:
    """A student joins a class with its code."""
    if not is_student(request.user):
        raise PermissionDenied("Students only")
    form = JoinForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcome = services.join_classroom(
                    student=request.user, typed_code=form.cleaned_data["code"]
                )
            except services.JoinRefused as refusal:
                form.add_error("code", refusal)
                if refusal.code == "throttled":
                    status = 429
            else:
                if outcome.already_member:
                    messages.info(request, f"You're already in {outcome.classroom}.")
                else:
                    messages.success(request, f"You joined {outcome.classroom}.")
                return redirect("classrooms:my_work")
    return render(request, "classrooms/join.html", {"form": form}, status=status)


@require_safe
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """A student's assignments in each class, then every module for self-study."""
    return render(
        request,
        "classrooms/my_work.html",
        {"work": selectors.my_work_for_student(request.user)},
    )


# --- Quiz reports (issue #6: item analysis) -------------------------------------------


def _filters_refused(
    request: HttpRequest, classroom: Classroom, message: str
) -> HttpResponse:
    return _class_page(
        request,
        "classrooms/quiz_report_refused.html",
        classroom,
        "quiz_reports",
        {"message": message},
        status=400,
    )


@require_safe
@teacher_required
def quiz_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """The quizzes assigned to the class, each with its submitted count and
    average."""
    classroom = access_classroom(request.user, pk)
    return _class_page(
        request,
        "classrooms/quiz_reports.html",
        classroom,
        "quiz_reports",
        {"summaries": item_analysis.quiz_summaries_for_classroom(classroom)},
    )


def _quiz_report(request: HttpRequest, pk: int, quiz_key: str):
    """(classroom, report), or (classroom, refusal message) for bad filters."""
    classroom = access_classroom(request.user, pk)
    quiz = item_analysis.assigned_quiz_for_classroom(classroom, quiz_key)
    form = report_filters.QuizReportFilterForm(request.GET)
    if not form.is_valid():
        return classroom, report_filters.first_error(form)
    return classroom, item_analysis.quiz_report_for_classroom(
        classroom,
        quiz,
        skill=form.cleaned_data["skill"] or None,
        band=form.cleaned_data["band"],
        state=form.cleaned_data["state"] or None,
    )


@require_safe
@teacher_required
def quiz_report(request: HttpRequest, pk: int, quiz_key: str) -> HttpResponse:
    """One quiz's item analysis in the class."""
    classroom, report = _quiz_report(request, pk, quiz_key)
    if isinstance(report, str):
        return _filters_refused(request, classroom, report)
    return _class_page(
        request,
        "classrooms/quiz_report.html",
        classroom,
        "quiz_reports",
        {
            "report": report,
            "filters": {k: v for k, v in request.GET.items() if v},
        },
    )


QUIZ_REPORT_TABLES = {
    "questions": item_analysis.question_table,
    "skills": item_analysis.skill_table,
}


@require_safe
@teacher_required
def quiz_report_csv(
    request: HttpRequest, pk: int, quiz_key: str, table: str
) -> HttpResponse:
    """One of the quiz report's tables (`QUIZ_REPORT_TABLES`) as CSV, with the
    report's filters."""
    classroom, report = _quiz_report(request, pk, quiz_key)
    if isinstance(report, str):
        return _filters_refused(request, classroom, report)
    header, rows = QUIZ_REPORT_TABLES[table](report)
    return csv_response(f"{classroom.name} {report.quiz.key} {table}", header, rows)


def _question_answers(request: HttpRequest, pk: int, quiz_key: str, question_key):
    """(classroom, answers), or (classroom, refusal message) for bad filters."""
    classroom = access_classroom(request.user, pk)
    quiz = item_analysis.assigned_quiz_for_classroom(classroom, quiz_key)
    form = report_filters.AnswerFilterForm(request.GET)
    if not form.is_valid():
        return classroom, report_filters.first_error(form)
    try:
        return classroom, item_analysis.answers_for_question(
            classroom,
            quiz,
            question_key,
            outcome=form.cleaned_data["outcome"],
            choice_key=form.cleaned_data["choice"],
        )
    except ValidationError as error:
        return classroom, error.messages[0]


@require_safe
@teacher_required
def question_answers(
    request: HttpRequest, pk: int, quiz_key: str, question_key: str
) -> HttpResponse:
    """Each student's answer to one question, filtered by outcome or option."""
    classroom, answers = _question_answers(request, pk, quiz_key, question_key)
    if isinstance(answers, str):
        return _filters_refused(request, classroom, answers)
    return _class_page(
        request,
        "classrooms/quiz_report_answers.html",
        classroom,
        "quiz_reports",
        {"answers": answers, "filters": {k: v for k, v in request.GET.items() if v}},
    )


@require_safe
@teacher_required
def question_answers_csv(
    request: HttpRequest, pk: int, quiz_key: str, question_key: str
) -> HttpResponse:
    classroom, answers = _question_answers(request, pk, quiz_key, question_key)
    if isinstance(answers, str):
        return _filters_refused(request, classroom, answers)
    header, rows = item_analysis.answer_table(answers)
    return csv_response(
        f"{classroom.name} {answers.question.key} answers", header, rows
    )


@require_safe
@teacher_required
def attempt_detail(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    """One attempt of a student in the class, as they saw it, with the answers."""
    classroom = access_classroom(request.user, pk)
    return _class_page(
        request,
        "classrooms/quiz_report_attempt.html",
        classroom,
        "quiz_reports",
        {"view": item_analysis.attempt_for_teacher(classroom, attempt_pk)},
    )


# --- A student's data: export and deletion (issue #8) --------------------------------


def _record_filename(student) -> str:
    return slugify(f"student-record-{student.username}") or "student-record"


@never_cache
@require_safe
@teacher_required
def student_record_json(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Everything stored about one student, as a JSON download (audited)."""
    _, student = privacy.access_student_record(request.user, pk, student_pk)
    record = privacy.export_student_record(
        student=student, by=request.user, file_format="json"
    )
    response = HttpResponse(
        privacy.student_record_json(record),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_record_filename(student)}.json"'
    )
    return response


@never_cache
@require_safe
@teacher_required
def student_record_csv(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Everything stored about one student, one fact a row, as a CSV download
    (audited; formula-like cells neutralised)."""
    _, student = privacy.access_student_record(request.user, pk, student_pk)
    record = privacy.export_student_record(
        student=student, by=request.user, file_format="csv"
    )
    return csv_response(
        _record_filename(student),
        privacy.RECORD_CSV_HEADER,
        privacy.student_record_rows(record),
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def student_delete(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Delete a student and all their work: a page that says what will go, then a
    POST with the username typed again."""
    classroom, student = privacy.access_student_record(request.user, pk, student_pk)
    preview = privacy.deletion_preview_for(student=student, by=request.user)
    form = StudentDeleteForm(_posted(request), username=student.username)
    status = 200
    if request.method == "POST":
        status = 403 if preview.refusal else 400
        if not preview.refusal and form.is_valid():
            try:
                counts = privacy.delete_student(
                    student=student,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                preview = privacy.DeletionPreview(
                    refusal=" ".join(error.messages), counts=preview.counts
                )
                status = 403
            else:
                messages.success(
                    request,
                    f"Deleted {student.username}: their account, "
                    f"{counts['attempts']} quiz attempt"
                    f"{'' if counts['attempts'] == 1 else 's'} and all their reading "
                    "progress. The audit log keeps a note of the deletion.",
                )
                return redirect("classrooms:roster", pk=classroom.pk)
    return _class_page(
        request,
        "classrooms/student_delete.html",
        classroom,
        "roster",
        {
            "student": student,
            "preview": preview,
            "form": form,
            "crumb": f"Delete {student.username}",
        },
        status=status,
    )


# --- Progress: the class grid, its CSV and print view, one student (issue #6) --------


def _progress_sort(request: HttpRequest) -> str | None:
    """The sort asked for in `?sort=`, the default when absent, None when unknown."""
    sort = request.GET.get("sort", reports.DEFAULT_SORT)
    return sort if sort in reports.SORTS else None


def _bad_sort() -> HttpResponse:
    return HttpResponseBadRequest(
        "Sort the grid by attention, name, status or score.",
        content_type="text/plain; charset=utf-8",
    )


@require_safe
@teacher_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Every student × every assignment, students needing attention first."""
    classroom = access_classroom(request.user, pk)
    sort = _progress_sort(request)
    if sort is None:
        return _bad_sort()
    return _class_page(
        request,
        "classrooms/progress.html",
        classroom,
        "progress",
        {
            "grid": reports.progress_grid_for_classroom(classroom, sort=sort),
            "sorts": reports.SORTS,
        },
    )


@require_safe
@teacher_required
def progress_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid as a CSV file, in the order shown."""
    classroom = access_classroom(request.user, pk)
    sort = _progress_sort(request)
    if sort is None:
        return _bad_sort()
    table = reports.progress_table_for_classroom(classroom, sort=sort)
    return csv_response(f"{classroom} progress", table.header, table.rows)


@require_safe
@teacher_required
def progress_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid laid out for paper (readable in black and white)."""
    classroom = access_classroom(request.user, pk)
    sort = _progress_sort(request)
    if sort is None:
        return _bad_sort()
    return render(
        request,
        "classrooms/progress_print.html",
        {
            "classroom": classroom,
            "grid": reports.progress_grid_for_classroom(classroom, sort=sort),
            "sorts": reports.SORTS,
        },
    )


@require_safe
@teacher_required
def student_detail(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """One student's assignments, attempts, reading and skills in one class."""
    classroom = access_classroom(request.user, pk)
    student = access_student(classroom, student_pk)
    record = reports.student_record_for_classroom(classroom, student)
    return _class_page(
        request,
        "classrooms/student_detail.html",
        classroom,
        "progress",
        {
            "record": record,
            "student": student,
            "crumb": student.display_name or student.username,
            "skills_chart": reports.skills_chart(record),
        },
    )


@require_safe
@teacher_required
def student_table_csv(
    request: HttpRequest, pk: int, student_pk: int, table: str
) -> HttpResponse:
    """One table of the student page as a CSV file."""
    classroom = access_classroom(request.user, pk)
    student = access_student(classroom, student_pk)
    if table not in reports.STUDENT_TABLES:
        raise Http404("No such table")
    record = reports.student_record_for_classroom(classroom, student)
    rows = reports.student_tables(record)[table]
    return csv_response(
        f"{student.username} {reports.STUDENT_TABLES[table]}", rows.header, rows.rows
    )
