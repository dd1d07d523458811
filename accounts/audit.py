"""The audit log's one writer. Every service that changes a grade, an attempt, a due
date or a student's stored data calls `record_action` inside its own transaction, so
the change and its record land together or not at all."""

from __future__ import annotations

from typing import Any

from accounts.models import AuditEntry, User


def record_action(
    *,
    actor: User | None,
    action: str,
    summary: str,
    student: User | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry: who (`actor`, None for the system) did what (`action`, one of
    AuditEntry.Action) to whose record, why, and the values before and after in
    `details` (JSON-serialisable)."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        student=student,
        subject=student.username if student is not None else "",
        summary=summary[:300],
        reason=reason,
        details=details or {},
    )
