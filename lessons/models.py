"""Course content (loaded from curriculum/ by load_curriculum) and reading progress.

Content rows are upserted by their stable `key`; they are unpublished, never deleted,
because learner state points at them. Markdown is rendered and sanitised once, at load
time, into the `*_html` fields."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Institution(models.TextChoices):
    UN_SECRETARIAT = "un-secretariat", "UN Secretariat"
    UNAMIR = "unamir", "UNAMIR (UN mission in Rwanda)"
    SECURITY_COUNCIL = "security-council", "Security Council and its members"
    US_GOVERNMENT = "us-government", "US government"
    RWANDAN_ACTORS = "rwandan-actors", "Rwandan actors"
    BELGIUM = "belgium", "Belgium"
    FRANCE = "france", "France"
    NGOS_PRESS = "ngos-press", "NGOs and press"
    UN_INQUIRIES = "un-inquiries", "UN inquiries and tribunal"


class Certainty(models.TextChoices):
    PRIMARY = "primary", "Primary text seen"
    QUOTED = "quoted", "Quoted by another source"
    SECONDARY = "secondary", "Secondary account"
    CONTESTED = "contested", "Contested"
    UNVERIFIED = "unverified", "Unverified"


class SourceType(models.TextChoices):
    CABLE = "cable", "Cable"
    RESOLUTION = "resolution", "Resolution"
    BRIEFING = "briefing", "Briefing"
    MEMO = "memo", "Memo"
    SPEECH = "speech", "Speech"
    REPORT = "report", "Report"
    BROADCAST = "broadcast", "Broadcast"
    LETTER = "letter", "Letter"
    STATEMENT = "statement", "Statement"
    INTERVIEW = "interview", "Interview"
    PRESS = "press", "Press"
    COMMENTARY = "commentary", "Commentary"


class Source(models.Model):
    """One primary-source card: a document, who made it, for whom, and a short verbatim
    excerpt with the address where it was read."""

    key = models.SlugField(max_length=80, unique=True)
    ref = models.CharField(
        max_length=10, blank=True, help_text="The dossier's number, e.g. E1."
    )
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200)
    author_role = models.CharField(max_length=200, blank=True)
    institution = models.CharField(max_length=20, choices=Institution.choices)
    date = models.DateField(null=True, blank=True)
    date_display = models.CharField(max_length=200)
    audience = models.CharField(max_length=300)
    type = models.CharField(max_length=20, choices=SourceType.choices)
    purpose = models.TextField()
    provenance = models.TextField()
    certainty = models.CharField(max_length=12, choices=Certainty.choices)
    excerpt = models.TextField()
    excerpt_source = models.CharField(max_length=300)
    excerpt_url = models.URLField(max_length=500, blank=True)
    full_text_url = models.URLField(max_length=500, blank=True)
    context_html = models.TextField()
    sourcing_questions = models.JSONField(default=list)
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Folded plain text (lower case, no accents) for site search.",
    )
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["date", "key"]
        indexes = [
            models.Index(fields=["institution", "date"], name="source_institution_date")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:source_detail", args=[self.key])


class Person(models.Model):
    """A person who appears in the lessons, with their role at the time."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300)
    institution = models.CharField(max_length=20, choices=Institution.choices)
    bio_html = models.TextField()
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A glossary term, explained in place wherever a lesson uses it."""

    key = models.SlugField(max_length=80, unique=True)
    term = models.CharField(max_length=200)
    definition = models.TextField()
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class TimelineEvent(models.Model):
    """One dated event, who acted, who was informed by it, and what it rests on."""

    key = models.SlugField(max_length=20, unique=True)
    date = models.DateField()
    date_display = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    description_html = models.TextField()
    actors = models.JSONField(default=list)
    informed = models.JSONField(default=list)
    certainty = models.CharField(max_length=12, choices=Certainty.choices)
    sources = models.ManyToManyField(Source, blank=True, related_name="events")
    citations = models.JSONField(default=list)
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Folded plain text (lower case, no accents) for site search.",
    )
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["date", "key"]

    def __str__(self) -> str:
        return f"{self.date_display}: {self.title}"


class Lesson(models.Model):
    """One lesson module: its objectives, sections, sources, timeline slice, people,
    terms, discussion prompts, optional activity and teacher guide."""

    key = models.SlugField(max_length=80, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=300)
    summary = models.TextField()
    period = models.CharField(max_length=200)
    estimated_minutes = models.PositiveSmallIntegerField()
    objectives = models.JSONField(default=list)
    content_note_html = models.TextField()
    discussion_prompts = models.JSONField(default=list)
    activity = models.JSONField(
        null=True,
        blank=True,
        help_text="Title, minutes, instructions, cards, debrief (HTML).",
    )
    teacher_guide_html = models.TextField()
    people = models.ManyToManyField(Person, blank=True, related_name="lessons")
    terms = models.ManyToManyField(Term, blank=True, related_name="lessons")
    timeline = models.ManyToManyField(TimelineEvent, blank=True, related_name="lessons")
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Folded plain text (lower case, no accents) for site search.",
    )
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("lessons:detail", args=[self.key])


class Section(models.Model):
    """One section of a lesson, answering a guiding question."""

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(max_length=80)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    guiding_question = models.CharField(max_length=300)
    body_html = models.TextField()
    word_count = models.PositiveIntegerField(default=0)
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Folded plain text (lower case, no accents) for site search.",
    )
    sources = models.ManyToManyField(
        Source, through="SectionSource", related_name="sections"
    )
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["lesson", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "key"], name="section_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:section", args=[self.lesson.key, self.key])


class SectionSource(models.Model):
    """A source card shown after a section, in order."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["section", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "source"], name="section_source_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} → {self.source}"


class SectionProgress(models.Model):
    """A student's reading of one section: when first opened, when marked complete.
    Only ever grows: a later or repeated call never clears a timestamp."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="section_progress",
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="progress"
    )
    opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "section"], name="section_progress_unique"
            ),
        ]
        verbose_name_plural = "section progress"

    def __str__(self) -> str:
        return f"{self.user} · {self.section}"


class LessonProgress(models.Model):
    """A student's summary for one lesson, kept in step with their SectionProgress rows:
    share of sections completed, when started, completed and last visited, and where to
    resume."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.PROTECT, related_name="progress"
    )
    sections_completed = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    last_visited_at = models.DateTimeField()
    last_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="lesson_progress_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="lesson_progress_percent_max"
            ),
        ]
        indexes = [
            models.Index(fields=["lesson", "user"], name="lesson_progress_lesson_user")
        ]
        verbose_name_plural = "lesson progress"

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson} · {self.percent}%"

    @property
    def percent_step(self) -> int:
        """The percentage rounded to the nearest 5, for the w-pct-N width classes."""
        return min(100, 5 * round(self.percent / 5))
