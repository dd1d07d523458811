"""Write a curriculum of any size in the FORMAT.md layout, for scale tests."""

from datetime import date, timedelta
from pathlib import Path

import yaml

INSTITUTIONS = ["un-secretariat", "unamir", "security-council", "us-government"]


def write_curriculum(
    root: Path, *, lessons: int, sections: int, sources: int, events: int
) -> Path:
    """A curriculum with `lessons` modules of `sections` sections each; every section
    shows up to three of the `sources`, every event cites two sources, and each lesson
    has every event on its timeline and every person and term."""
    for folder in ("sources", "people", "terms", "timeline", "modules"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    start = date(1993, 10, 1)
    source_keys = [f"source-{n:03d}" for n in range(sources)]
    for n, key in enumerate(source_keys):
        _dump(
            root / "sources" / f"{key}.yaml",
            {
                "key": key,
                "title": f"Document {n}",
                "author": f"Author {n}",
                "institution": INSTITUTIONS[n % len(INSTITUTIONS)],
                "date": (start + timedelta(days=n)).isoformat(),
                "date_display": f"Day {n}",
                "audience": "Readers",
                "type": "cable",
                "purpose": "To test.",
                "provenance": "A test archive.",
                "certainty": "primary",
                "excerpt": f"The words of document {n}.",
                "excerpt_source": "A test archive",
                "context": f"Context of document {n}, using [[term:term-{n % 3}]].",
                "sourcing_questions": ["Who wrote it?"],
            },
        )
    _dump(
        root / "people" / "all.yaml",
        [
            {
                "key": f"person-{n}",
                "name": f"Person {n}",
                "role": "A role",
                "institution": INSTITUTIONS[n % len(INSTITUTIONS)],
                "bio": "A short biography.",
            }
            for n in range(4)
        ],
    )
    _dump(
        root / "terms" / "all.yaml",
        [
            {"key": f"term-{n}", "term": f"Term {n}", "definition": "A definition."}
            for n in range(3)
        ],
    )
    event_keys = [f"tl-{n:03d}" for n in range(events)]
    _dump(
        root / "timeline" / "all.yaml",
        [
            {
                "key": key,
                "date": (start + timedelta(days=3 * n)).isoformat(),
                "date_display": f"Day {3 * n}",
                "title": f"Event {n}",
                "description": f"What happened on day {3 * n}.",
                "actors": [INSTITUTIONS[n % len(INSTITUTIONS)]],
                "informed": INSTITUTIONS[: 1 + n % len(INSTITUTIONS)],
                "certainty": "quoted",
                "sources": [source_keys[n % sources], source_keys[(n + 1) % sources]],
                "citations": [{"text": "A report", "url": "https://example.org/r"}],
            }
            for n, key in enumerate(event_keys)
        ],
    )
    for number in range(1, lessons + 1):
        folder = root / "modules" / f"{number:02d}-lesson-{number}"
        folder.mkdir()
        _dump(
            folder / "lesson.yaml",
            {
                "key": f"lesson-{number}",
                "number": number,
                "title": f"Lesson {number}",
                "subtitle": "A generated lesson",
                "summary": "A summary.",
                "period": "1994",
                "estimated_minutes": 45,
                "objectives": ["Explain something."],
                "content_note": "A content note.",
                "sections": [
                    {
                        "key": f"section-{s}",
                        "title": f"Section {s}",
                        "guiding_question": "Why?",
                        "body": (
                            f"Body of section {s} with [[term:term-{s % 3}]] and "
                            f"[[person:person-{s % 4}]]."
                        ),
                        "sources": [
                            source_keys[(s + i) % sources]
                            for i in range(min(3, sources))
                        ],
                    }
                    for s in range(sections)
                ],
                "people": [f"person-{n}" for n in range(4)],
                "terms": [f"term-{n}" for n in range(3)],
                "timeline": event_keys,
                "discussion_prompts": ["Discuss."],
                "activity": {
                    "title": "An activity",
                    "minutes": 20,
                    "instructions": "Do it.",
                    "cards": [
                        {
                            "key": f"c{n}",
                            "label": f"Card {n}",
                            "content": "Card text.",
                            "source": source_keys[n % sources],
                            "reveal": "The answer.",
                        }
                        for n in range(sections)
                    ],
                    "debrief": "Talk.",
                },
                "teacher_guide": "Guide.",
            },
        )
    return root


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
