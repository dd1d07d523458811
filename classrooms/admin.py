"""Classes in the Django admin. A teacher (staff in the Teachers group) sees and picks
only their own classes (owned or co-taught), their students and their assignments;
administrators see everything. New classes get their join code from the service."""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.db.models import Q

from accounts.models import User
from accounts.roles import is_admin
from classrooms import services
from classrooms.access import classrooms_taught_by
from classrooms.models import Assignment, Classroom, Enrollment, Extension


def _own_classrooms(request):
    if is_admin(request.user):
        return Classroom.objects.all()
    return classrooms_taught_by(request.user)


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


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "section",
        "school_year",
        "owner",
        "join_code",
        "join_enabled",
        "archived_at",
    )
    list_filter = (
        "school_year",
        "join_enabled",
        ("archived_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "section", "join_code", "owner__username")
    readonly_fields = ("join_code", "created_at")
    filter_horizontal = ("co_teachers",)
    inlines = [EnrollmentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=_own_classrooms(request).values("pk"))
            .select_related("owner")
        )

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
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_teachers":
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
class EnrollmentAdmin(StudentChoicesMixin, admin.ModelAdmin):
    list_display = ("student", "classroom", "method", "joined_at", "removed_at")
    list_filter = ("method", ("removed_at", admin.EmptyFieldListFilter))
    search_fields = ("student__username", "student__display_name", "classroom__name")

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
class AssignmentAdmin(admin.ModelAdmin):
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
            kwargs["queryset"] = _own_students(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for extension in formset.save(commit=False):
            extension.granted_by = request.user
            extension.save()
        for extension in formset.deleted_objects:
            extension.delete()
        formset.save_m2m()
