"""Input validation for the class pages. Choices that name rows (lessons, students)
are limited to what the teacher may pick, so a foreign id is an ordinary form error."""

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_teacher
from classrooms.models import Assignment, Classroom, available_time_zones
from classrooms.roster import (
    MAX_BYTES,
    RosterError,
    RosterRow,
    parse_pasted_names,
    parse_roster_csv,
)
from lessons.models import Lesson

MAX_ID = 2**63 - 1  # the largest BigAutoField value


def student_label(student: User) -> str:
    """How a teacher sees a student in a list: name and username."""
    if student.display_name:
        return f"{student.display_name} ({student.username})"
    return student.username


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return student_label(obj)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses, as an invalid choice, an id too
    large for the database's integer: Django's own check passed it to a `pk__in`
    query, which raised OverflowError (a 500)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class StudentsChoiceField(IdsChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return student_label(obj)


def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(zone for zone in available_time_zones() if "/" in zone)
    return [("UTC", "UTC"), *((zone, zone.replace("_", " ")) for zone in zones)]


class ClassroomForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Due dates are set and shown in this time zone.",
    )

    class Meta:
        model = Classroom
        fields = ["name", "section", "school_year", "time_zone"]
        labels = {"name": "Class name"}
        help_texts = {"name": "For example “World History 10”."}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Give the class a name.", code="required")
        return name


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Class code",
        max_length=20,
        help_text="Six letters and digits, from your teacher. Spaces don't matter.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "font-monospace text-uppercase",
            }
        ),
        error_messages={
            "required": "Type the class code your teacher gave you.",
            "max_length": "A class code is six letters and digits.",
        },
    )


class RosterForm(forms.Form):
    """Names pasted one per line, or a CSV file: exactly one of the two."""

    names = forms.CharField(
        label="Paste names, one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="Up to 200 names.",
    )
    file = forms.FileField(
        label="Or upload a CSV file",
        required=False,
        help_text="One name per row, or a header row with a “name” column, or "
        "“first name” and “last name” columns. UTF-8, up to 100 KB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self):
        cleaned = super().clean()
        names = (cleaned.get("names") or "").strip()
        upload = cleaned.get("file")
        if self.errors:
            return cleaned
        if names and upload:
            raise ValidationError(
                "Paste names or upload a file, not both.", code="both"
            )
        if not names and not upload:
            raise ValidationError(
                "Paste some names or choose a CSV file.", code="empty"
            )
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise RosterError([])  # answered below with the size message
                cleaned["rows"] = parse_roster_csv(upload.read(MAX_BYTES + 1))
            else:
                cleaned["rows"] = parse_pasted_names(names)
        except RosterError as error:
            messages = [str(problem) for problem in error.problems] or [
                "File: the file is larger than 100 KB."
            ]
            raise ValidationError(messages, code="roster") from None
        return cleaned

    @property
    def rows(self) -> list[RosterRow]:
        return self.cleaned_data["rows"]


class StudentsForm(forms.Form):
    """Chosen students from one class's roster."""

    students = StudentsChoiceField(
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose at least one student.",
            "invalid_choice": "Choose students who are in this class.",
            "invalid_pk_value": "Choose students who are in this class.",
        },
    )

    def __init__(self, *args, students: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students


class CoTeacherForm(forms.Form):
    username = forms.CharField(
        label="Teacher's username",
        max_length=150,
        help_text="They will see and manage this class as you do.",
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        teacher = User.objects.filter(username__iexact=username).first()
        if teacher is None or not is_teacher(teacher):
            raise ValidationError(
                "There is no teacher account with that username.", code="unknown"
            )
        return teacher


class ClassTimeField(forms.DateTimeField):
    """A date and time typed in the class's time zone (a browser date-time picker),
    stored as an instant and shown again in the same time zone."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
    default_error_messages = {
        "invalid": "Enter a date and time, such as 2026-12-04 23:59.",
        "out_of_range": "Choose a date between the years 2000 and 2100.",
    }

    def __init__(self, *, zone, **kwargs) -> None:
        self.zone = zone
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(self.zone):
            result = super().to_python(value)
        if result is not None and not 2000 <= result.year <= 2100:
            raise ValidationError(
                self.error_messages["out_of_range"], code="out_of_range"
            )
        return result

    def prepare_value(self, value):
        with timezone.override(self.zone):
            return super().prepare_value(value)


def _class_time(zone, label: str, help_text: str = "") -> ClassTimeField:
    return ClassTimeField(zone=zone, label=label, help_text=help_text)


class AssignmentForm(forms.Form):
    """What to assign, to whom, and when (in the class's time zone)."""

    AUDIENCE_CHOICES = [
        ("class", "The whole class"),
        ("students", "Chosen students"),
    ]

    lesson = forms.ModelChoiceField(
        label="Module",
        queryset=Lesson.objects.filter(published=True).order_by("number"),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the modules listed."},
    )
    kind = forms.ChoiceField(
        label="What to assign",
        choices=Assignment.Kind.choices,
        widget=forms.RadioSelect,
        initial=Assignment.Kind.MODULE,
    )
    audience = forms.ChoiceField(
        label="Assign to",
        choices=AUDIENCE_CHOICES,
        widget=forms.RadioSelect,
        initial="class",
    )
    students = StudentsChoiceField(
        label="Students",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose students who are in this class.",
            "invalid_pk_value": "Choose students who are in this class.",
        },
    )
    instructions = forms.CharField(
        label="Instructions (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Students see this with the assignment.",
    )

    def __init__(
        self,
        *args,
        classroom: Classroom,
        students: QuerySet[User],
        editing: Assignment | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        zone = classroom.zone
        self.classroom = classroom
        self.fields["opens_at"] = _class_time(
            zone, "Opens", f"Students see it from this moment ({classroom.time_zone})."
        )
        self.fields["due_at"] = _class_time(
            zone, "Due", f"In the class's time zone ({classroom.time_zone})."
        )
        self.fields["students"].queryset = students
        self.order_fields(
            ["lesson", "kind", "audience", "students", "opens_at", "due_at"]
        )
        if editing is not None:
            # The module of an existing assignment stays; a new one is a new
            # assignment.
            del self.fields["lesson"]
        if not self.is_bound and editing is None:
            self.initial.setdefault("opens_at", _start_of_minute(timezone.now()))
            self.initial.setdefault("due_at", _default_due(zone))

    def clean(self):
        cleaned = super().clean()
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens_at and due_at and due_at <= opens_at:
            self.add_error("due_at", "The due date must be after the opening date.")
        if (
            cleaned.get("audience") == "students"
            and not cleaned.get("students")
            and "students" not in self.errors
        ):
            self.add_error(
                "students",
                "Choose at least one student, or assign it to the whole class.",
            )
        return cleaned

    @property
    def for_whole_class(self) -> bool:
        return self.cleaned_data["audience"] == "class"


def _start_of_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _default_due(zone) -> datetime:
    """A week from today at 23:59 in the class's time zone."""
    local = timezone.localtime(timezone.now(), zone) + timedelta(days=7)
    return local.replace(hour=23, minute=59, second=0, microsecond=0)


class ExtensionForm(forms.Form):
    student = StudentChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a student",
        error_messages={
            "invalid_choice": "Choose a student who has this assignment.",
            "required": "Choose a student.",
        },
    )
    reason = forms.CharField(
        label="Reason (optional, seen by teachers only)",
        max_length=200,
        required=False,
    )

    def __init__(
        self, *args, assignment: Assignment, students: QuerySet[User], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        classroom = assignment.classroom
        self.assignment = assignment
        self.fields["student"].queryset = students
        self.fields["due_at"] = _class_time(
            classroom.zone,
            "New due date",
            f"For this student only, in the class's time zone ({classroom.time_zone}).",
        )
        self.order_fields(["student", "due_at", "reason"])
        if not self.is_bound:
            self.initial.setdefault("due_at", assignment.due_at + timedelta(days=2))

    def clean(self):
        cleaned = super().clean()
        due_at = cleaned.get("due_at")
        if due_at and due_at <= self.assignment.due_at:
            self.add_error(
                "due_at", "An extension must be later than the class's due date."
            )
        return cleaned


class StudentDeleteForm(forms.Form):
    """Deleting a student: their username typed again, and an optional reason kept
    in the audit log."""

    username = forms.CharField(
        label="Type the student's username to confirm",
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    reason = forms.CharField(
        label="Reason (optional, kept in the audit log)",
        max_length=300,
        required=False,
        widget=forms.TextInput(),
    )

    def __init__(self, *args, username: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.expected_username = username

    def clean_username(self) -> str:
        typed = self.cleaned_data["username"].strip()
        if typed != self.expected_username:
            raise ValidationError(
                f"That isn't “{self.expected_username}”. Type the username exactly "
                "as shown to confirm.",
                code="mismatch",
            )
        return typed
