"""Input validation for the admin's own pages: grading a written answer, resetting
attempts, extending a due date. Each refusal is a sentence."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from classrooms.forms import ClassTimeField, StudentsChoiceField
from classrooms.models import Assignment
from quizzes.services import MAX_COMMENT_LENGTH


class GradeForm(forms.Form):
    """One grade from the grading queue: which answer, how many points, a comment."""

    response = forms.IntegerField(
        min_value=1,
        # Larger ids overflow the database's integer (a 500 on SQLite).
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose an answer to grade.",
            "invalid": "Choose an answer to grade.",
            "min_value": "Choose an answer to grade.",
            "max_value": "Choose an answer to grade.",
        },
    )
    points = forms.IntegerField(
        min_value=0,
        max_value=1000,
        error_messages={
            "required": "Choose a score from the rubric.",
            "invalid": "Choose a score from the rubric.",
            "min_value": "Choose a score from the rubric.",
            "max_value": "Choose a score from the rubric.",
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        strip=True,
        error_messages={
            "max_length": f"Comments are limited to {MAX_COMMENT_LENGTH:,} characters."
        },
    )

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return ""


class ResetForm(forms.Form):
    """Why the selected attempts are reset (kept in the audit log)."""

    reason = forms.CharField(
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept in the audit log with a copy of each attempt.",
        error_messages={
            "required": "Give a reason for resetting; it is kept in the audit log.",
            "max_length": f"Reasons are limited to {MAX_COMMENT_LENGTH:,} characters.",
        },
    )


class ExtendForm(forms.Form):
    """A later due date for one assignment: for the whole class, or for chosen
    students (extensions), in the class's time zone."""

    WHOLE_CLASS = "class"
    CHOSEN = "students"

    due_at = ClassTimeField(zone=None, label="New due date")
    scope = forms.ChoiceField(
        label="For",
        choices=[
            (WHOLE_CLASS, "The whole assignment (everyone it reaches)"),
            (CHOSEN, "Only the students chosen below (an extension each)"),
        ],
        initial=WHOLE_CLASS,
        widget=forms.RadioSelect,
    )
    students = StudentsChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        max_length=200,
        required=False,
        help_text="Optional; shown with the extension and kept in the audit log.",
    )

    def __init__(self, *args, assignment: Assignment, students, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zone = assignment.classroom.zone
        self.fields["due_at"] = ClassTimeField(
            zone=zone,
            label="New due date",
            help_text=f"In the class's time zone ({assignment.classroom.time_zone}).",
        )
        self.fields["students"].queryset = students

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.CHOSEN and not data.get("students"):
            raise ValidationError(
                "Choose at least one student, or give the whole assignment more time.",
                code="no_students",
            )
        return data
