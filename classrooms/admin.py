"""Classes in the Django admin, and the teacher-scoped admin of students' work.

A teacher (staff in the Teachers group) sees and picks only their own classes (owned
or co-taught), their students and their assignments, and the attempts, reading
progress and audit entries of students on those classes' active rosters (see
`classrooms.grading` for the rule); administrators see everything. Students' work is
read-only here: grades change in the grading queue, attempts only by the audited
reset action. New classes get their join code from the service."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import label_for_field, lookup_field, unquote
from django.contrib.admin.widgets import AutocompleteSelect, ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.admin import (
    AuditEntryAdmin,
    SelectionInScopeMixin,
    UserAdmin,
    admin_refusal,
)
from accounts.models import AuditEntry, User
from accounts.roles import is_admin, is_teacher
from classrooms import services
from classrooms.access import classrooms_taught_by
from classrooms.admin_forms import ExtendForm, ResetForm
from classrooms.admin_site import url_or_empty
from classrooms.exports import csv_response
from classrooms.forms import IdsChoiceField
from classrooms.grading import scope_to_students, student_ids_for_admin
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from classrooms.privacy import delete_student, deletion_refusal
from classrooms.reports import progress_table_for_classroom, summaries_for_classrooms
from lessons.admin import LessonProgressAdmin, SectionProgressAdmin
from lessons.models import LessonProgress, SectionProgress
from quizzes.admin import AttemptAdmin, ResponseAdmin
from quizzes.models import Attempt, Response
from quizzes.services import GradingError, reset_attempt


def _own_classrooms(request):
    if is_admin(request.user):
        return Classroom.objects.all()
    return classrooms_taught_by(request.user)


class IdAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the posted value up again to show it: a
    value that is no id (sent by hand) raised ValueError there, a 500 instead of the
    form's own "Select a valid choice". Such values are left out of that lookup."""

    def optgroups(self, name, value, attr=None):
        ids = [v for v in value if str(v).isascii() and str(v).isdigit()]
        return super().optgroups(name, [v for v in ids if len(str(v)) <= 18], attr)


class AutocompleteIdsMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                IdAutocompleteSelect(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StudentChoicesMixin:
    """A teacher picks students only from their own classes' rosters (so nobody can
    be pulled into a class to expose their work); administrators type any id."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "student":
            kwargs["queryset"] = _own_students(request)
            if is_admin(request.user):
                kwargs["widget"] = ForeignKeyRawIdWidget(
                    db_field.remote_field, self.admin_site
                )
        elif db_field.name == "classroom":
            kwargs["queryset"] = _own_classrooms(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _own_students(request):
    students = User.objects.filter(is_staff=False)
    if is_admin(request.user):
        return students
    return students.filter(
        enrollments__classroom__in=classrooms_taught_by(request.user),
        enrollments__removed_at__isnull=True,
    ).distinct()


class EnrollmentInline(StudentChoicesMixin, admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ("student", "method", "joined_at", "removed_at")
    readonly_fields = ("joined_at",)


SUMMARY_COLUMNS = ("students", "started", "completed", "mastered", "overdue")


def _summary_column(name: str):
    @admin.display(description=name)
    def column(self, obj: Classroom):
        summary = getattr(obj, "summary", None)
        return "" if summary is None else getattr(summary, name)

    column.__name__ = name
    return column


@admin.register(Classroom)
class ClassroomAdmin(SelectionInScopeMixin, admin.ModelAdmin):
    """Classes, with each class's summary (the dashboard's numbers: students on the
    roster, and how many of them started, completed, mastered or are overdue) and a
    "Progress" object tool opening the class grid."""

    list_display = (
        "name",
        "section",
        "school_year",
        "owner",
        "join_code",
        *SUMMARY_COLUMNS,
        "archived_at",
    )
    actions = ["export_grades"]
    list_filter = (
        "school_year",
        "join_enabled",
        ("archived_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "section", "join_code", "owner__username")
    readonly_fields = ("join_code", "created_at")
    filter_horizontal = ("co_teachers",)
    inlines = [EnrollmentInline]

    students = _summary_column("students")
    started = _summary_column("started")
    completed = _summary_column("completed")
    mastered = _summary_column("mastered")
    overdue = _summary_column("overdue")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=_own_classrooms(request).values("pk"))
            .select_related("owner")
        )

    def get_changelist_instance(self, request):
        """The list, with the page's classes' summaries computed at once (a fixed
        number of queries for the page, however many classes and students)."""
        changelist = super().get_changelist_instance(request)
        page = list(changelist.result_list)
        summaries = summaries_for_classrooms(page) if page else {}
        for classroom in page:
            classroom.summary = summaries.get(classroom.pk)
        return changelist

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        # isdigit() alone lets "²" and 20-digit ids through to int() and the query.
        if object_id and object_id.isascii() and object_id.isdigit():
            context["progress_url"] = url_or_empty("classrooms:progress", object_id)
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="Export grades as CSV", permissions=["view"])
    def export_grades(self, request, queryset):
        """The class grid of each selected class as one file (the grid's values;
        a Class column first when several classes are chosen)."""
        classes = list(queryset.order_by("name", "section", "pk"))
        if len(classes) == 1:
            table = progress_table_for_classroom(classes[0])
            return csv_response(f"{classes[0]} grades", table.header, table.rows)
        # Classes have different assignments: the columns are all of them, in the
        # order first met, blank where a class has no such assignment.
        columns: dict[str, None] = {}
        records: list[tuple[Classroom, dict]] = []
        for classroom in classes:
            table = progress_table_for_classroom(classroom)
            columns.update(dict.fromkeys(table.header))
            records += [
                (classroom, dict(zip(table.header, row, strict=True)))
                for row in table.rows
            ]
        header = ["Class", *columns]
        rows = [
            [str(classroom), *(values.get(column, "") for column in columns)]
            for classroom, values in records
        ]
        return csv_response("grades", header, rows)

    def get_fields(self, request, obj=None):
        fields = [
            "name",
            "section",
            "school_year",
            "time_zone",
            "owner",
            "co_teachers",
            "join_code",
            "join_enabled",
            "archived_at",
            "created_at",
        ]
        if not is_admin(request.user):
            fields.remove("owner")
            # Not a picker of every teacher in the school: the class's co-teachers,
            # read-only, and a link to the dashboard page that adds one by exact
            # username (so a teacher never browses the list of teachers).
            fields[fields.index("co_teachers")] = "co_teacher_list"
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not is_admin(request.user):
            fields.append("co_teacher_list")
        return fields

    @admin.display(description="Co-teachers")
    def co_teacher_list(self, obj: Classroom):
        """The class's co-teachers, each by name, and where to change them. One
        query."""
        if obj is None or obj.pk is None:
            return "Once the class is saved, add co-teachers from its dashboard page."
        teachers = obj.co_teachers.order_by("display_name", "username")
        names = format_html_join(", ", "{}", ((str(t),) for t in teachers))
        return format_html(
            '{} <a href="{}">Add or remove co-teachers on the class\'s dashboard</a>',
            names or "None yet.",
            reverse("classrooms:co_teachers", args=[obj.pk]),
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_teachers":
            kwargs["form_class"] = IdsChoiceField
            kwargs["queryset"] = User.objects.filter(
                Q(is_superuser=True) | Q(is_staff=True, groups__name="Teachers")
            ).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            if not is_admin(request.user) or not obj.owner_id:
                obj.owner = request.user
            # A new class gets a code no class has used (the service's rule).
            obj.join_code = services._unused_join_code()
        super().save_model(request, obj, form, change)


@admin.register(Enrollment)
class EnrollmentAdmin(
    SelectionInScopeMixin, AutocompleteIdsMixin, StudentChoicesMixin, admin.ModelAdmin
):
    list_display = ("student", "classroom", "method", "joined_at", "removed_at")
    list_filter = (
        "method",
        ("classroom", admin.RelatedOnlyFieldListFilter),
        ("removed_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("student__username", "student__display_name", "classroom__name")
    autocomplete_fields = ("classroom",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(classroom__in=_own_classrooms(request))
            .select_related("student", "classroom")
        )


class ExtensionInline(StudentChoicesMixin, admin.TabularInline):
    model = Extension
    extra = 0
    fields = ("student", "due_at", "reason", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")


@admin.register(Assignment)
class AssignmentAdmin(SelectionInScopeMixin, AutocompleteIdsMixin, admin.ModelAdmin):
    list_display = (
        "lesson",
        "kind",
        "classroom",
        "for_whole_class",
        "opens_at",
        "due_at",
        "withdrawn_at",
    )
    list_filter = ("kind", ("withdrawn_at", admin.EmptyFieldListFilter))
    search_fields = ("lesson__title", "classroom__name")
    autocomplete_fields = ("classroom",)
    actions = ["extend_due_date"]
    filter_horizontal = ("students",)
    readonly_fields = ("created_by", "created_at")
    inlines = [ExtensionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(classroom__in=_own_classrooms(request))
            .select_related("lesson", "classroom")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "classroom":
            kwargs["queryset"] = _own_classrooms(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "students":
            kwargs["form_class"] = IdsChoiceField
            kwargs["queryset"] = _own_students(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Extend the due date…", permissions=["change"])
    def extend_due_date(self, request, queryset):
        """An intermediate page: a later due date for the assignment, for everyone it
        reaches or for chosen students (extensions); audited by the service."""
        assignments = list(queryset.select_related("classroom", "lesson")[:2])
        if len(assignments) != 1:
            self.message_user(
                request,
                "Choose one assignment at a time to extend its due date.",
                messages.WARNING,
            )
            return None
        assignment = assignments[0]
        reached = _own_students(request).filter(
            enrollments__classroom=assignment.classroom,
            enrollments__removed_at__isnull=True,
        )
        if not assignment.for_whole_class:
            reached = reached.filter(individual_assignments=assignment)
        form = ExtendForm(
            request.POST if "apply" in request.POST else None,
            assignment=assignment,
            students=reached.order_by("display_name", "username"),
        )
        if form.is_valid():
            chosen = form.cleaned_data["scope"] == ExtendForm.CHOSEN
            try:
                changed = services.extend_due_date(
                    assignment=assignment,
                    due_at=form.cleaned_data["due_at"],
                    by=request.user,
                    students=list(form.cleaned_data["students"]) if chosen else None,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                who = f"{changed} student(s)" if chosen else "the whole assignment"
                self.message_user(
                    request,
                    f"Extended the due date of {assignment.lesson.title} for {who}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request),
            "title": "Extend the due date",
            "subtitle": str(assignment),
            "assignment": assignment,
            "form": form,
            "opts": self.opts,
            "queryset": [assignment],
            "action": "extend_due_date",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "admin/classrooms/assignment/extend_due_date.html",
            context,
            status=400 if form.is_bound else 200,
        )

    def save_formset(self, request, form, formset, change):
        for extension in formset.save(commit=False):
            extension.granted_by = request.user
            extension.save()
        for extension in formset.deleted_objects:
            extension.delete()
        formset.save_m2m()


# --- Students' work, scoped to a teacher's students ---------------------------------


class ClassroomFilter(admin.SimpleListFilter):
    """Rows of students on the active roster of one of the user's classes. Offers
    only the user's classes; any other value shows nothing."""

    title = "class"
    parameter_name = "classroom"

    def __init__(self, request, params, model, model_admin):
        self.student_field = model_admin.student_field
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        classes = _own_classrooms(request).order_by("name", "section", "pk")
        return [(str(c.pk), str(c)) for c in classes]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in {pk for pk, _ in self.lookup_choices}:
            return queryset.none()
        return scope_to_students(
            queryset, request.user, self.student_field, classroom_id=int(value)
        )


class TeacherScopedAdmin(SelectionInScopeMixin):
    """Read-only records of students' work: a teacher with the view permission sees
    the rows of their own students, an administrator all rows. Nobody adds, changes
    or deletes them here."""

    student_field = "user"

    def get_queryset(self, request):
        return scope_to_students(
            super().get_queryset(request), request.user, self.student_field
        )

    def _may_view(self, request) -> bool:
        if is_admin(request.user):
            return True
        opts = self.opts
        return is_teacher(request.user) and request.user.has_perm(
            f"{opts.app_label}.view_{opts.model_name}"
        )

    def has_module_permission(self, request) -> bool:
        return self._may_view(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may_view(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AttemptStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Attempt._meta.get_field("status").choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


admin.site.unregister(Attempt)


@admin.register(Attempt)
class ScopedAttemptAdmin(TeacherScopedAdmin, AttemptAdmin):
    """Attempts of a teacher's students: filters by class, quiz, status and date,
    search by student, the answers as the student saw them, and two actions: export
    the selected rows as CSV (the list's columns and values) and reset (audited)."""

    list_filter = [ClassroomFilter, "quiz", AttemptStatusFilter, "submitted_at"]
    actions = ["export_csv", "reset_attempts"]
    # On the district data the unfiltered count of a teacher's scope cost 150 ms a
    # page (bench/RESULTS.md); the filtered count is still shown.
    show_full_result_count = False
    list_per_page = 50

    def has_reset_permission(self, request) -> bool:
        return self._may_view(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        # isdigit() alone lets "²" and 20-digit ids through to int() and the query.
        if object_id.isascii() and object_id.isdigit() and len(object_id) <= 18:
            context["teacher_url"] = _attempt_page_url(request, int(object_id))
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="Export selected attempts as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        names = list(self.get_list_display(request))
        header = [label_for_field(name, Attempt, self) for name in names]
        ordered = queryset.select_related(*self.list_select_related).order_by(
            "user__username", "quiz__key", "number"
        )
        empty = self.get_empty_value_display()
        rows = [
            [
                value if value not in (None, "") else empty
                for value in (lookup_field(name, attempt, self)[2] for name in names)
            ]
            for attempt in ordered
        ]
        return csv_response("attempts", header, rows)

    @admin.action(description="Reset selected attempts…", permissions=["reset"])
    def reset_attempts(self, request, queryset):
        """A confirmation page asking why; then each attempt is copied into the
        audit log and deleted, so its student may start again."""
        attempts = list(
            queryset.select_related("user", "quiz").order_by("user__username", "pk")
        )
        form = ResetForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = 0, []
            for attempt in attempts:
                try:
                    reset_attempt(
                        attempt=attempt,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except GradingError as error:
                    refused.append(f"{attempt}: {error.message}")
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    f"Reset {done} attempt(s); each is copied into the audit log.",
                    messages.SUCCESS,
                )
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reset attempts",
            "subtitle": None,
            "attempts": attempts,
            "form": form,
            "opts": self.opts,
            "action": "reset_attempts",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "admin/quizzes/attempt/reset_confirmation.html",
            context,
            status=400 if form.is_bound else 200,
        )


def _attempt_page_url(request, attempt_id: int) -> str:
    """The teacher's page for an attempt (through one of their classes with the
    student on its roster), when that page exists. One query."""
    if not url_or_empty("classrooms:attempt_detail", 1, 1):
        return ""
    enrollment = (
        Enrollment.objects.filter(
            classroom__in=classrooms_taught_by(request.user),
            removed_at__isnull=True,
            student__attempts=attempt_id,
        )
        .values("classroom_id")
        .first()
    )
    if enrollment is None:
        return ""
    return url_or_empty(
        "classrooms:attempt_detail", enrollment["classroom_id"], attempt_id
    )


admin.site.unregister(Response)


@admin.register(Response)
class ScopedResponseAdmin(TeacherScopedAdmin, ResponseAdmin):
    student_field = "attempt__user"
    list_filter = [ClassroomFilter, "kind", "attempt__quiz"]
    search_fields = ["question_key", "attempt__user__username"]


class ProgressStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("completed", "Completed"), ("in_progress", "In progress")]

    def queryset(self, request, queryset):
        if self.value() == "completed":
            return queryset.filter(completed_at__isnull=False)
        if self.value() == "in_progress":
            return queryset.filter(completed_at__isnull=True)
        return queryset


admin.site.unregister(LessonProgress)


@admin.register(LessonProgress)
class ScopedLessonProgressAdmin(TeacherScopedAdmin, LessonProgressAdmin):
    list_filter = [ClassroomFilter, "lesson", ProgressStatusFilter, "started_at"]


admin.site.unregister(SectionProgress)


@admin.register(SectionProgress)
class ScopedSectionProgressAdmin(TeacherScopedAdmin, SectionProgressAdmin):
    list_filter = [
        ClassroomFilter,
        "section__lesson",
        ProgressStatusFilter,
        "opened_at",
    ]


admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class ScopedAuditEntryAdmin(TeacherScopedAdmin, AuditEntryAdmin):
    """A teacher sees the entries about students on their rosters and their own
    actions; an administrator every entry."""

    student_field = "student"

    def get_queryset(self, request):
        entries = AuditEntryAdmin.get_queryset(self, request)
        students = student_ids_for_admin(request.user)
        if students is None:
            return entries
        return entries.filter(Q(student__in=students) | Q(actor=request.user))


# --- Accounts: deleting a student is the dashboard's deletion -----------------------

NOT_ON_YOUR_ROSTERS = (
    "This student is on none of your classes' rosters; only an administrator can "
    "delete them."
)
STAFF_ACCOUNT = (
    "Only an administrator can delete a teacher's or an administrator's account."
)


def _is_student_account(user: User) -> bool:
    return not (user.is_staff or user.is_superuser)


admin.site.unregister(User)


@admin.register(User)
class StudentDeletingUserAdmin(UserAdmin):
    """Accounts. Deleting a student here, from their page or with "Delete selected",
    is the dashboard's deletion (classrooms.privacy.delete_student): the same rule
    and the same `delete_student` audit entry, whoever deletes. Anyone but an
    administrator deletes only a student on one of their classes' rosters whose
    every class is theirs; staff accounts only an administrator deletes, as Django
    does. A selection with any refused account is refused whole."""

    actions = ["delete_selected"]

    def refusal_for(self, request, user: User) -> str:
        """Why the request's user may not delete `user` here, or "". One or two
        queries for a student."""
        if not _is_student_account(user):
            return "" if is_admin(request.user) else STAFF_ACCOUNT
        if not is_admin(request.user) and not (
            _own_students(request).filter(pk=user.pk).exists()
        ):
            return NOT_ON_YOUR_ROSTERS
        return deletion_refusal(student=user, by=request.user)

    def _refused(self, request, users, back_url: str = "", back_label: str = ""):
        sentences = [
            f"{user.username}: {why}"
            for user in users
            if (why := self.refusal_for(request, user))
        ]
        if not sentences:
            return None
        return admin_refusal(
            self,
            request,
            title="Nothing was deleted",
            sentences=sentences,
            status=403,
            back_url=back_url,
            back_label=back_label,
        )

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and self.has_delete_permission(request, user):
            change_url = reverse("admin:accounts_user_change", args=[user.pk])
            refused = self._refused(
                request, [user], back_url=change_url, back_label="Back to the account"
            )
            if refused is not None:
                return refused
        return super().delete_view(request, object_id, extra_context)

    @admin.action(
        description="Delete selected %(verbose_name_plural)s", permissions=["delete"]
    )
    def delete_selected(self, request, queryset):
        """Django's confirmation and deletion, after this admin's rule."""
        refused = self._refused(request, list(queryset))
        if refused is not None:
            return refused
        return django_delete_selected(self, request, queryset)

    def get_deleted_objects(self, objs, request):
        """Django refuses a deletion when the related rows' admins don't allow
        deleting them (attempts, reading progress: read-only everywhere), so no
        student with work could be deleted here. A student's work goes with them by
        the privacy rule already checked, so only staff accounts are held to it."""
        objs = list(objs)
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        staff = [user for user in objs if not _is_student_account(user)]
        if len(staff) < len(objs):
            perms_needed = (
                super().get_deleted_objects(staff, request)[2] if staff else set()
            )
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        if _is_student_account(obj):
            try:
                delete_student(student=obj, by=request.user)
            except ValidationError as error:
                # They joined another teacher's class since the check.
                raise PermissionDenied(" ".join(error.messages)) from None
        else:
            super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        users = list(queryset)
        for user in users:
            if _is_student_account(user):
                self.delete_model(request, user)
        staff = [user.pk for user in users if not _is_student_account(user)]
        if staff:
            super().delete_queryset(request, queryset.filter(pk__in=staff))
