"""Validation of the GET filters on the source library, the timeline and search.

Every form is bound to request.GET; invalid values become a sentence for the
reader, never an exception."""

from datetime import date

from django import forms

from lessons.models import Institution, SourceType
from lessons.selectors import SEARCH_MAX_LENGTH

# The course covers 1993-2014; a filter outside a wider window is a typo.
EARLIEST = date(1990, 1, 1)
LATEST = date(2030, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(
            format="%Y-%m-%d",
            attrs={"min": EARLIEST.isoformat(), "max": LATEST.isoformat()},
            **kwargs,
        )


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={
            "invalid": "Enter a date as year-month-day, for example 1994-04-07."
        },
    )


def _check_window(value: date | None) -> date | None:
    if value and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(
            f"Choose a date between {EARLIEST:%Y} and {LATEST:%Y}.", code="out_of_range"
        )
    return value


class SourceFilterForm(forms.Form):
    type = forms.ChoiceField(
        label="Type of document",
        required=False,
        choices=[("", "Any type"), *SourceType.choices],
        error_messages={"invalid_choice": "There is no document type called that."},
    )
    institution = forms.ChoiceField(
        label="Author's institution",
        required=False,
        choices=[("", "Any institution"), *Institution.choices],
        error_messages={"invalid_choice": "There is no institution called that."},
    )
    date_from = _date_field("From")
    date_to = _date_field("To")

    def clean_date_from(self):
        return _check_window(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return _check_window(self.cleaned_data.get("date_to"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                "The start date is after the end date.", code="reversed"
            )
        return cleaned


class TimelineFilterForm(forms.Form):
    actor = forms.ChoiceField(
        label="Who acted",
        required=False,
        choices=[("", "Every institution"), *Institution.choices],
        error_messages={"invalid_choice": "There is no institution called that."},
    )


class WhoKnewForm(forms.Form):
    date = forms.DateField(
        label="Show what each institution had been told by",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={
            "invalid": "Enter a date as year-month-day, for example 1994-04-07."
        },
    )

    def clean_date(self):
        return _check_window(self.cleaned_data.get("date"))


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search lessons, sources and the timeline",
        required=False,
        # No max_length on the field: an overlong query gets the sentence below
        # instead of being cut silently.
        strip=True,
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        if len(query) > SEARCH_MAX_LENGTH:
            raise forms.ValidationError(
                f"That search is too long. Use at most {SEARCH_MAX_LENGTH} "
                "characters: a few words work best.",
                code="too_long",
            )
        if query and len(query) < 2:
            raise forms.ValidationError(
                "Type at least two letters to search.", code="too_short"
            )
        return query
