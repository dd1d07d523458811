from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons and sources"

    def ready(self) -> None:
        # Rendered lesson content is cached by content version (lessons/cache.py):
        # every write to a content row, however it is made, replaces the version.
        from lessons import models
        from lessons.cache import content_changed

        content = (
            models.Source,
            models.Person,
            models.Term,
            models.TimelineEvent,
            models.Lesson,
            models.Section,
            models.SectionSource,
        )
        for model in content:
            uid = f"lessons-content-{model.__name__}"
            post_save.connect(content_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(content_changed, sender=model, dispatch_uid=uid)
        for field in (
            models.Lesson.people,
            models.Lesson.terms,
            models.Lesson.timeline,
            models.TimelineEvent.sources,
        ):
            m2m_changed.connect(
                content_changed,
                sender=field.through,
                dispatch_uid=f"lessons-content-{field.through.__name__}",
            )
