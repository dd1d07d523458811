"""The query-string filters of the quiz report pages. A value that is not one of the
offered ones is refused with a sentence (the page answers 400), never ignored."""

from django import forms

from classrooms.item_analysis import STUDENT_STATES, Outcome
from quizzes.models import Skill

BANDS = [(str(low), f"{low}–{low + 9}%") for low in range(0, 100, 10)]


def first_error(form: forms.Form) -> str:
    """The form's first error message, for the 400 page."""
    for errors in form.errors.values():
        return errors[0]
    return "That filter isn't one this page offers."


class QuizReportFilterForm(forms.Form):
    skill = forms.ChoiceField(
        choices=Skill.choices,
        required=False,
        error_messages={
            "invalid_choice": "Filter by one of the skills: sourcing, "
            "contextualization, corroboration, close reading or recall."
        },
    )
    band = forms.TypedChoiceField(
        choices=BANDS,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": "A score band is the low end of a 10-point bin: 0, 10, "
            "20 and so on up to 90."
        },
    )
    state = forms.ChoiceField(
        choices=[("submitted", "Submitted"), *STUDENT_STATES.items()],
        required=False,
        error_messages={
            "invalid_choice": "Show students who have submitted, are graded, are "
            "awaiting grading or have not submitted."
        },
    )


class AnswerFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[*Outcome.LABELS.items(), ("missed", "Missed")],
        required=False,
        error_messages={
            "invalid_choice": "Show answers that are correct, partly correct, wrong, "
            "unanswered, awaiting grading or missed."
        },
    )
    choice = forms.SlugField(
        max_length=40,
        required=False,
        error_messages={
            "invalid": "That option isn't one of this question's options.",
            "max_length": "That option isn't one of this question's options.",
        },
    )

    def clean(self):
        data = super().clean()
        # Empty strings mean "no filter".
        return {key: value or None for key, value in data.items()}
