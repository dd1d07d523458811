"""Presentation helpers for the lesson templates."""

from django import template

from lessons.models import Institution

register = template.Library()

# Short names for tags on the timeline, where the vocabulary's labels are too long.
SHORT_INSTITUTION_NAMES = {
    Institution.UN_SECRETARIAT: "UN Secretariat",
    Institution.UNAMIR: "UNAMIR",
    Institution.SECURITY_COUNCIL: "Security Council",
    Institution.US_GOVERNMENT: "US government",
    Institution.RWANDAN_ACTORS: "Rwandan actors",
    Institution.BELGIUM: "Belgium",
    Institution.FRANCE: "France",
    Institution.NGOS_PRESS: "NGOs and press",
    Institution.UN_INQUIRIES: "UN inquiries",
}


@register.filter
def institution_name(value: str) -> str:
    """The short name of an institution from the curriculum vocabulary."""
    return SHORT_INSTITUTION_NAMES.get(value, value)
