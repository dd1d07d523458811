"""Benchmark data at three scales, reproducible from a seed, written with bulk inserts.

    DATABASE_URL=... .venv/bin/python -m bench.data --scale school --seed 1

(--scale is classroom, school or district.)

| scale | teachers | classes | students | per class |
| --- | ---: | ---: | ---: | ---: |
| classroom | 1 | 1 | 35 | 35 |
| school | 40 | 40 | 1,000 | 25 |
| district | 1,700 | 1,700 | 50,000 | 29-30 (PostgreSQL only, ~2.5 M responses) |

The database must be migrated with the curriculum loaded. Every class is assigned
every module. Each student's work on each module is drawn from the seed: not started,
part read, read, quiz in progress, submitted (written answers awaiting grading),
graded below mastery, mastered (some after a first try). Rows are valid as the app
sees them: one real attempt per quiz is started through `quizzes.services.start_attempt`
and its snapshot (`Response.shown`, `answer_key`, seed) is reused for every generated
attempt; answers are in each kind's normal form and scored by the kind's own grader.

Users, classes, enrolments and assignments go in with bulk_create; progress, attempts
and responses with COPY on PostgreSQL (bulk_create in batches on SQLite). Prints one
JSON line: row counts, seconds, peak RSS."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

SCALES = {
    "classroom": {"teachers": 1, "students": 35},
    "school": {"teachers": 40, "students": 1_000},
    "district": {"teachers": 1_700, "students": 50_000},
}
# Outcome per (student, module) and its weight.
OUTCOMES = {
    "none": 15,
    "reading": 12,
    "read": 6,
    "in_progress": 8,
    "submitted": 10,
    "graded": 17,
    "mastered": 32,
}
RETAKE_SHARE = 0.15  # mastered after a first, failed try
RIGHT_SHARE = {"in_progress": 0.7, "submitted": 0.8, "graded": 0.5, "mastered": 0.97}
PASSWORD = "bench-student-1994"
TEACHER_PASSWORD = "bench-teacher-1994"
BATCH = 50_000
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TENTH = Decimal("0.1")


def student_name(n: int) -> str:
    return f"bench_s{n:06d}"


def teacher_name(n: int) -> str:
    return f"bench_t{n:04d}"


@dataclass
class Slot:
    question_id: int
    question_key: str
    slot: int
    kind: str
    shown: str  # JSON text, as stored
    answer_key: str
    max_score: Decimal
    right: str  # JSON text of a right answer, shared by every row that uses it
    wrong: str
    right_score: Decimal | None
    wrong_score: Decimal | None
    rubric_top: int | None
    rubric_mid: int | None
    copy_middle: str = ""  # question_id … answer_key, in COPY text format


@dataclass
class QuizShape:
    quiz_id: int
    lesson_id: int
    seed: int
    mastery: int
    max_score: Decimal
    slots: list[Slot]


def _copy_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class Sink:
    """Rows by model, written in batches: COPY on PostgreSQL, bulk_create elsewhere.
    Rows are dicts by attname; missing fields take the model's default."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.rows: dict[type, list[dict]] = {}
        self.lines: dict[tuple, list[str]] = {}
        self.counts: dict[str, int] = {}

    def add(self, model, row: dict) -> None:
        batch = self.rows.setdefault(model, [])
        batch.append(row)
        if len(batch) >= BATCH:
            self.flush(model)

    def add_line(self, model, columns: tuple[str, ...], line: str) -> None:
        """PostgreSQL only: one row already in COPY text format, in `columns` order."""
        batch = self.lines.setdefault((model, columns), [])
        batch.append(line)
        if len(batch) >= BATCH // 5:  # lines hold whole snapshots: keep batches small
            self.flush_lines()

    def flush_lines(self) -> None:
        for (model, columns), batch in self.lines.items():
            if not batch:
                continue
            table = self.connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(self.connection.ops.quote_name(c) for c in columns)
            sql = f"COPY {table} ({names}) FROM STDIN"
            with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for start in range(0, len(batch), 2000):
                    copy.write("\n".join(batch[start : start + 2000]) + "\n")
            self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(
                batch
            )
            batch.clear()

    def flush(self, model=None) -> None:
        self.flush_lines()
        for m in [model] if model else list(self.rows):
            batch = self.rows.get(m) or []
            if batch:
                self._write(m, batch)
                self.counts[m.__name__] = self.counts.get(m.__name__, 0) + len(batch)
            self.rows[m] = []

    _escaped: dict[int, tuple[str, str]] = {}

    def _text(self, value) -> str:
        if value is None:
            return "\\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        if isinstance(value, str):
            if len(value) > 64:  # shared snapshot text: escape each string once
                hit = self._escaped.get(id(value))
                if hit is not None and hit[0] is value:
                    return hit[1]
                escaped = _copy_escape(value)
                self._escaped[id(value)] = (value, escaped)
                return escaped
            return _copy_escape(value)
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    def _write(self, model, batch: list[dict]) -> None:
        from django.db.models import JSONField

        pk = model._meta.pk
        fields = [
            f
            for f in model._meta.concrete_fields
            if f is not pk or pk.attname in batch[0]
        ]
        json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
        defaults = {f.attname: f.get_default() for f in fields}
        table = self.connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(self.connection.ops.quote_name(f.column) for f in fields)

        def values(row: dict) -> list:
            out = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if f.attname in json_fields:
                    if value is not None and not isinstance(value, str):
                        value = json.dumps(value)
                elif not self.postgres:
                    value = f.get_db_prep_save(value, self.connection)
                out.append(value)
            return out

        with self.connection.cursor() as cursor:
            if self.postgres:
                # COPY's text format, built here: much cheaper per row than
                # write_row, and the long JSON snapshots are escaped once each.
                names = [f.attname for f in fields]
                sql = f"COPY {table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    lines = []
                    for row in batch:
                        lines.append(
                            "\t".join(
                                self._text(row.get(n, defaults[n])) for n in names
                            )
                        )
                        if len(lines) >= 2000:
                            copy.write("\n".join(lines) + "\n")
                            lines = []
                    if lines:
                        copy.write("\n".join(lines) + "\n")
            else:
                marks = ", ".join("%s" for _ in fields)
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [values(row) for row in batch],
                )


# The tables that take millions of rows at the district scale.
BULK_TABLES = (
    "quizzes_response",
    "quizzes_attempt",
    "lessons_sectionprogress",
    "lessons_lessonprogress",
)


@contextmanager
def indexes_built_after(connection, tables=BULK_TABLES):
    """PostgreSQL: load `tables` without their secondary indexes, unique and foreign
    key constraints, then build and check them once, as pg_restore does. Row by row,
    every index is updated per row and every foreign key queues a trigger that the
    COMMIT runs: about 5 of the 24 minutes of a district, measured. The constraints
    come back under their own names and are validated when added, so a bad row still
    fails the load."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f')
            ORDER BY c.contype DESC
            """,
            [list(tables)],
        )
        constraints = cursor.fetchall()  # unique ('u') before foreign keys ('f')
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
              )
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            )


def quiz_shapes(rng: random.Random) -> list[QuizShape]:
    """One real attempt per quiz, through the service, then thrown away: its snapshot,
    seed and the kinds' graders give every generated attempt's rows."""
    from django.db import transaction

    from accounts.models import User
    from classrooms.demo import WRITTEN_ANSWERS, _answer
    from quizzes.kinds.registry import get_kind
    from quizzes.models import Attempt, Quiz
    from quizzes.services import _points, _snapshot, start_attempt

    shapes = []
    with transaction.atomic():
        template = User.objects.create_user(username="bench_template_student")
        for quiz in Quiz.objects.filter(published=True).order_by("pk"):
            attempt = start_attempt(user=template, quiz=quiz, now=NOW)
            # start_attempt draws the shuffle seed at random; for data reproducible
            # from --seed, the same snapshot function runs again with a seed of ours.
            attempt.seed = rng.randrange(2**31)
            snapshots = [
                _snapshot(attempt, r.slot, r.question)
                for r in attempt.responses.select_related(
                    "question__section__lesson", "question__source"
                ).order_by("slot")
            ]
            slots = []
            for r in snapshots:
                kind = get_kind(r.kind)
                right = _answer(r.kind, r.shown, r.answer_key, True, rng)
                wrong = _answer(r.kind, r.shown, r.answer_key, False, rng)
                if r.kind == "short_answer":
                    right = WRITTEN_ANSWERS[0]
                    wrong = WRITTEN_ANSWERS[2]

                def score(answer, r=r, kind=kind):
                    share = kind.grade(answer, r.answer_key)
                    return None if share is None else _points(share, r.max_score)

                levels = sorted(lv["points"] for lv in r.answer_key.get("rubric", []))
                slots.append(
                    Slot(
                        question_id=r.question_id,
                        question_key=r.question_key,
                        slot=r.slot,
                        kind=r.kind,
                        shown=json.dumps(r.shown),
                        answer_key=json.dumps(r.answer_key),
                        max_score=r.max_score,
                        right=json.dumps(right),
                        wrong=json.dumps(wrong),
                        right_score=score(right),
                        wrong_score=score(wrong),
                        rubric_top=levels[-1] if levels else int(r.max_score),
                        rubric_mid=levels[len(levels) // 2] if levels else 0,
                    )
                )
            shapes.append(
                QuizShape(
                    quiz_id=quiz.pk,
                    lesson_id=quiz.lesson_id,
                    seed=attempt.seed,
                    mastery=attempt.mastery_percent,
                    max_score=attempt.max_score,
                    slots=slots,
                )
            )
        Attempt.objects.filter(user=template).delete()
        template.delete()
    for shape in shapes:
        for slot in shape.slots:
            slot.copy_middle = "\t".join(
                _copy_escape(str(v))
                for v in (
                    slot.question_id,
                    slot.question_key,
                    slot.slot,
                    slot.kind,
                    slot.shown,
                    slot.answer_key,
                )
            )
    return shapes


RESPONSE_COLUMNS = (
    "id",
    "attempt_id",
    "question_id",
    "question_key",
    "slot",
    "kind",
    "shown",
    "answer_key",
    "answer",
    "version",
    "saved_at",
    "score",
    "max_score",
    "teacher_comment",
    "graded_by_id",
    "graded_at",
)


def _t(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return _copy_escape(value) if isinstance(value, str) else str(value)


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def generate(
    scale: str, seed: int, *, classes: int = 0, students: int = 0, work: bool = True
) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from accounts.models import User
    from accounts.services import ensure_teacher_group
    from classrooms.codes import JOIN_CODE_ALPHABET
    from classrooms.models import Assignment, Classroom, Enrollment
    from lessons.models import Lesson, Section
    from quizzes.models import Attempt, Response

    size = dict(SCALES[scale])
    if classes:
        size["teachers"] = classes
    if students:
        size["students"] = students
    if scale == "district" and connection.vendor != "postgresql":
        raise SystemExit("The district scale is for PostgreSQL only.")
    if not Lesson.objects.filter(published=True).exists():
        call_command("load_curriculum", verbosity=0)
    if User.objects.filter(username=student_name(0)).exists():
        raise SystemExit("This database already holds benchmark data; use a fresh one.")

    rng = random.Random(seed)
    shapes = {shape.lesson_id: shape for shape in quiz_shapes(rng)}
    lessons = list(Lesson.objects.filter(published=True).order_by("number"))
    sections = {
        lesson.pk: list(
            Section.objects.filter(lesson=lesson, published=True)
            .order_by("order")
            .values_list("pk", flat=True)
        )
        for lesson in lessons
    }
    sink = Sink(connection)
    student_hash = make_password(PASSWORD)
    teacher_hash = make_password(TEACHER_PASSWORD)
    group: Group = ensure_teacher_group()

    with transaction.atomic():
        # Teachers and their classes.
        user_id = next_id(User)
        teachers = []
        for n in range(size["teachers"]):
            row = {
                "id": user_id,
                "username": teacher_name(n),
                "password": teacher_hash,
                "is_staff": True,
                "date_joined": NOW - timedelta(days=200),
            }
            sink.add(User, row)
            sink.add(User.groups.through, {"user_id": user_id, "group_id": group.pk})
            teachers.append(user_id)
            user_id += 1
        classroom_id = next_id(Classroom)
        codes: set[str] = set()
        classrooms = []
        for n, teacher in enumerate(teachers):
            code = ""
            while not code or code in codes:
                code = "".join(rng.choice(JOIN_CODE_ALPHABET) for _ in range(6))
            codes.add(code)
            sink.add(
                Classroom,
                {
                    "id": classroom_id,
                    "name": f"History {n + 1}",
                    "section": f"Period {n % 7 + 1}",
                    "school_year": "2026–27",
                    "time_zone": "Africa/Kigali",
                    "owner_id": teacher,
                    "join_code": code,
                    "created_at": NOW - timedelta(days=60),
                },
            )
            classrooms.append((classroom_id, teacher))
            classroom_id += 1
        sink.flush(User)
        sink.flush()
        assignment_id = next_id(Assignment)
        for classroom, teacher in classrooms:
            for i, lesson in enumerate(lessons):
                opens = NOW - timedelta(days=35 - 7 * i)
                sink.add(
                    Assignment,
                    {
                        "id": assignment_id,
                        "classroom_id": classroom,
                        "lesson_id": lesson.pk,
                        "kind": "module",
                        "opens_at": opens,
                        "due_at": opens + timedelta(days=7),
                        "created_by_id": teacher,
                        "created_at": opens - timedelta(days=1),
                    },
                )
                assignment_id += 1
        sink.flush()
        with indexes_built_after(connection):
            write_students(sink, size, classrooms, lessons, sections, shapes, rng,
                           user_id, student_hash, work)  # fmt: skip
        for model in (User, Classroom, Assignment, Enrollment, Attempt, Response):
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return sink.counts


def write_students(
    sink, size, classrooms, lessons, sections, shapes, rng, user_id, student_hash, work
) -> None:
    """Every student, their enrolment and their work on each module, from `rng`."""
    from accounts.models import User
    from classrooms.models import Enrollment
    from lessons.models import LessonProgress, SectionProgress
    from quizzes.models import Attempt, Response

    weights = list(OUTCOMES.values())
    outcomes = list(OUTCOMES)
    attempt_id, response_id = next_id(Attempt), next_id(Response)
    per_class = -(-size["students"] // len(classrooms))
    for n in range(size["students"]):
        sid = user_id
        user_id += 1
        classroom, teacher = classrooms[min(n // per_class, len(classrooms) - 1)]
        sink.add(
            User,
            {
                "id": sid,
                "username": student_name(n),
                "password": student_hash,
                "display_name": f"Student {n:06d}",
                "date_joined": NOW - timedelta(days=59),
            },
        )
        sink.add(
            Enrollment,
            {
                "classroom_id": classroom,
                "student_id": sid,
                "method": "roster",
                "joined_at": NOW - timedelta(days=59),
            },
        )
        for i, lesson in enumerate(lessons):
            outcome = rng.choices(outcomes, weights)[0]
            if outcome == "none" or not work:
                continue
            done = NOW - timedelta(days=30 - 7 * i, hours=rng.randint(0, 96))
            ids = sections[lesson.pk]
            read = ids if outcome != "reading" else ids[: rng.randint(1, len(ids) - 1)]
            for k, section in enumerate(read):
                at = done - timedelta(minutes=10 * (len(read) - k))
                sink.add(
                    SectionProgress,
                    {
                        "user_id": sid,
                        "section_id": section,
                        "opened_at": at - timedelta(minutes=8),
                        "completed_at": at,
                    },
                )
            complete = len(read) == len(ids)
            sink.add(
                LessonProgress,
                {
                    "user_id": sid,
                    "lesson_id": lesson.pk,
                    "sections_completed": len(read),
                    "percent": len(read) * 100 // len(ids),
                    "started_at": done - timedelta(minutes=10 * len(read) + 8),
                    "completed_at": done if complete else None,
                    "last_visited_at": done,
                    "last_section_id": read[-1],
                },
            )
            shape = shapes.get(lesson.pk)
            if shape is None or outcome in ("reading", "read"):
                continue
            tries = ["graded", outcome]
            if not (outcome == "mastered" and rng.random() < RETAKE_SHARE):
                tries = [outcome]
            for number, state in enumerate(tries, start=1):
                at = done + timedelta(hours=2 + 24 * number)
                write_attempt(
                    sink, shape, rng, state, attempt_id, response_id,
                    sid, teacher, number, at,
                )  # fmt: skip
                attempt_id += 1
                response_id += len(shape.slots)
    sink.flush()


def write_attempt(
    sink, shape, rng, state, attempt_id, response_id, sid, teacher, number, at
) -> None:
    from quizzes.models import Attempt, Response

    right_share = RIGHT_SHARE[state]
    started = at - timedelta(minutes=25)
    answered = len(shape.slots) if state != "in_progress" else len(shape.slots) // 2
    total, pending = Decimal(0), False
    for slot in shape.slots:
        is_answered = slot.slot <= answered
        right = rng.random() < right_share
        answer = (slot.right if right else slot.wrong) if is_answered else None
        score = None
        graded_by = graded_at = None
        comment = ""
        if state != "in_progress":
            if slot.kind == "short_answer":
                if state == "submitted" or answer is None:
                    pending = pending or state == "submitted"
                    score = None if state == "submitted" else Decimal(0)
                else:
                    score = Decimal(slot.rubric_top if right else slot.rubric_mid)
                    graded_by, graded_at = teacher, at + timedelta(hours=20)
                    comment = (
                        "Good use of the source." if right else "Say who wrote it."
                    )
            elif answer is None:
                score = Decimal(0)
            else:
                score = slot.right_score if right else slot.wrong_score
            total += score or 0
        saved_at = (
            started + timedelta(minutes=slot.slot) if answer is not None else None
        )
        if sink.postgres:
            sink.add_line(
                Response,
                RESPONSE_COLUMNS,
                f"{response_id + slot.slot - 1}\t{attempt_id}\t{slot.copy_middle}\t"
                f"{_t(answer)}\t{1 if answer is not None else 0}\t{_t(saved_at)}\t"
                f"{_t(score)}\t{slot.max_score}\t{_t(comment)}\t{_t(graded_by)}\t"
                f"{_t(graded_at)}",
            )
            continue
        sink.add(
            Response,
            {
                "id": response_id + slot.slot - 1,
                "attempt_id": attempt_id,
                "question_id": slot.question_id,
                "question_key": slot.question_key,
                "slot": slot.slot,
                "kind": slot.kind,
                "shown": slot.shown,
                "answer_key": slot.answer_key,
                "answer": answer,
                "version": 1 if answer is not None else 0,
                "saved_at": saved_at,
                "score": score,
                "max_score": slot.max_score,
                "teacher_comment": comment,
                "graded_by_id": graded_by,
                "graded_at": graded_at,
            },
        )
    row = {
        "id": attempt_id,
        "user_id": sid,
        "quiz_id": shape.quiz_id,
        "number": number,
        "status": "in_progress",
        "seed": shape.seed,
        "started_at": started,
        "last_saved_at": started + timedelta(minutes=answered),
        "max_score": shape.max_score,
        "mastery_percent": shape.mastery,
    }
    if state != "in_progress":
        percent = None
        if not pending:
            percent = (total * 100 / shape.max_score).quantize(
                TENTH, rounding=ROUND_DOWN
            )
        row.update(
            status="submitted" if pending else "graded",
            submitted_at=at,
            graded_at=None if pending else at + timedelta(hours=20),
            score=total,
            percent=percent,
        )
    sink.add(Attempt, row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--classes", type=int, default=0, help="override the scale's")
    parser.add_argument("--students", type=int, default=0, help="override the scale's")
    parser.add_argument(
        "--no-work", action="store_true", help="accounts and classes only, no work"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rwanda_edu.settings")
    import django

    django.setup()
    started = time.monotonic()
    counts = generate(
        args.scale,
        args.seed,
        classes=args.classes,
        students=args.students,
        work=not args.no_work,
    )
    seconds = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "scale": args.scale,
                "seed": args.seed,
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(peak_kib / 1024),
                "rows": counts,
            }
        )
    )
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
