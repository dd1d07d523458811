from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = "Classes and assignments"

    def ready(self) -> None:
        from classrooms.selectors import quiz_due_at_for_student
        from quizzes.selectors import register_due_date_provider

        # quizzes knows nothing of classes: due dates reach its "show answers after
        # the due date" policy through this hook.
        register_due_date_provider(quiz_due_at_for_student)
