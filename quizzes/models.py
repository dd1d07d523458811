"""Quizzes: definitions (Quiz, Question, Choice, RubricLevel) apart from learner state
(Attempt, Response).

Definitions are loaded from curriculum/modules/*/quiz.yaml by `load_curriculum` and
upserted by stable key; they are unpublished, never deleted. An attempt never reads
them again after it starts: each Response row keeps a snapshot of its question as shown
(text, options in the order shown, their opaque ids, points) and, apart, its answer key,
so editing content later never changes a past result, and regrading from the stored
answers gives the same score (the Moodle question engine's rule)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from quizzes.kinds import kind_choices

POINTS = {"max_digits": 6, "decimal_places": 2}


class Skill(models.TextChoices):
    SOURCING = "sourcing", "Sourcing"
    CONTEXTUALIZATION = "contextualization", "Contextualization"
    CORROBORATION = "corroboration", "Corroboration"
    CLOSE_READING = "close_reading", "Close reading"
    RECALL = "recall", "Recall"


class CountingAttempt(models.TextChoices):
    BEST = "best", "Best attempt"
    LATEST = "latest", "Latest attempt"


class ShowAnswers(models.TextChoices):
    AFTER_SUBMIT = "after_submit", "Immediately after submitting"
    AFTER_DUE = "after_due", "After the due date"
    NEVER = "never", "Never"


class Quiz(models.Model):
    """One module's quiz and its policy: the mastery threshold, how many attempts are
    allowed, which attempt counts, when students see the correct answers, and an
    optional time limit kept by the server."""

    key = models.SlugField(max_length=80, unique=True)
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.PROTECT, related_name="quizzes"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    mastery_percent = models.PositiveSmallIntegerField(default=80)
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty means unlimited."
    )
    counting_attempt = models.CharField(
        max_length=10, choices=CountingAttempt.choices, default=CountingAttempt.BEST
    )
    show_answers = models.CharField(
        max_length=20, choices=ShowAnswers.choices, default=ShowAnswers.AFTER_SUBMIT
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty means no time limit."
    )
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["lesson__number", "key"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(mastery_percent__gte=1, mastery_percent__lte=100),
                name="quiz_mastery_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__isnull=True) | Q(attempts_allowed__gte=1),
                name="quiz_attempts_allowed_positive",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True)
                | Q(time_limit_minutes__gte=1),
                name="quiz_time_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:detail", args=[self.key])


class Question(models.Model):
    """One question of a quiz as the editors wrote it: its kind, the historical-thinking
    skill it tests, the lesson section its feedback links to, and the source excerpt
    shown beside it. Options, items, pairs and evidence are Choice rows; a short
    answer's rubric is RubricLevel rows."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=kind_choices())
    skill = models.CharField(max_length=20, choices=Skill.choices)
    section = models.ForeignKey(
        "lessons.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    source = models.ForeignKey(
        "lessons.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    excerpt = models.TextField(
        blank=True,
        help_text="The part of the source's excerpt shown; empty shows all of it.",
    )
    prompt_html = models.TextField()
    explanation_html = models.TextField()
    points = models.PositiveSmallIntegerField(default=1)
    claim = models.TextField(blank=True, help_text="Claim and evidence: the claim.")
    statement_is_true = models.BooleanField(
        null=True, blank=True, help_text="True or false: the right answer."
    )
    sample_answers = models.JSONField(
        default=list, blank=True, help_text="Short answer: examples for teachers."
    )
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["quiz", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=1), name="question_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ChoiceRole(models.TextChoices):
    OPTION = "option", "Option"
    ITEM = "item", "Item to order"
    PAIR = "pair", "Matching pair"
    EXTRA = "extra", "Extra right-hand option"
    EVIDENCE = "evidence", "Piece of evidence"


class Verdict(models.TextChoices):
    SUPPORTS = "supports", "Supports the claim"
    CONTRADICTS = "contradicts", "Contradicts the claim"
    DOES_NOT_ADDRESS = "does_not_address", "Does not address the claim"


class Choice(models.Model):
    """One option, item, pair or piece of evidence of a question, with its stable key.
    Options carry `is_correct`; items are stored in the correct order; pairs carry
    their right-hand side in `match_text`; evidence carries its source and verdict."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    key = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=10, choices=ChoiceRole.choices)
    text = models.TextField(blank=True)
    match_text = models.TextField(blank=True)
    is_correct = models.BooleanField(default=False)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    source = models.ForeignKey(
        "lessons.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "key"], name="choice_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}/{self.key}"


class RubricLevel(models.Model):
    """One level of a short answer's rubric: how many points, and what earns them."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="rubric_levels"
    )
    points = models.PositiveSmallIntegerField()
    description = models.TextField()

    class Meta:
        ordering = ["question", "points"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "points"], name="rubric_level_unique_points"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.points}"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Awaiting grading"
    GRADED = "graded", "Graded"


class Attempt(models.Model):
    """One student's attempt at a quiz: numbered from 1 per student and quiz, open
    until submitted (by the student, or by the server when its time limit passes),
    then graded. At most one attempt per student and quiz is in progress. Its
    questions, as shown, are its Response rows. `mastery_percent` is the quiz's
    threshold when the attempt started."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    seed = models.PositiveIntegerField(
        help_text="Seeds the order options are shown in."
    )
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_auto_submitted = models.BooleanField(
        default=False, help_text="Submitted by the server when the time limit passed."
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(**POINTS, null=True, blank=True)
    max_score = models.DecimalField(**POINTS)
    percent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    mastery_percent = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="attempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="attempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(score__gte=0, score__lte=F("max_score")),
                name="attempt_score_within_max",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="attempt_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="attempt_number_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "deadline_at"], name="attempt_open_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz.key} · attempt {self.number}"

    def get_absolute_url(self) -> str:
        name = "quizzes:attempt" if self.is_in_progress else "quizzes:review"
        return reverse(name, args=[self.quiz.key, self.pk])

    @property
    def is_in_progress(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def is_awaiting_grading(self) -> bool:
        return self.status == AttemptStatus.SUBMITTED

    @property
    def is_graded(self) -> bool:
        return self.status == AttemptStatus.GRADED

    @property
    def is_mastered(self) -> bool:
        return (
            self.is_graded
            and self.percent is not None
            and self.percent >= Decimal(self.mastery_percent)
        )


class Response(models.Model):
    """One question of one attempt: the question as shown (`shown`), its answer key
    (`answer_key`, never sent to the page before review is allowed), the student's
    latest saved answer in normal form, and its score. `version` rises by one at
    every saved change, so a page holding an older version cannot overwrite a newer
    answer. A short answer's score is the teacher's grade, with their comment."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="responses"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="responses"
    )
    question_key = models.SlugField(max_length=80)
    slot = models.PositiveSmallIntegerField(
        help_text="Position in the attempt, from 1."
    )
    kind = models.CharField(max_length=20, choices=kind_choices())
    shown = models.JSONField()
    answer_key = models.JSONField()
    answer = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(**POINTS, null=True, blank=True)
    max_score = models.DecimalField(**POINTS)
    teacher_comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_key"], name="response_unique_question"
            ),
            models.UniqueConstraint(
                fields=["attempt", "slot"], name="response_unique_slot"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(score__gte=0, score__lte=F("max_score")),
                name="response_score_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question_key}"
