from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/<slug:quiz_key>/", views.quiz_detail, name="detail"),
    path("quizzes/<slug:quiz_key>/start/", views.start, name="start"),
    path(
        "quizzes/<slug:quiz_key>/attempts/<int:attempt_id>/",
        views.attempt_page,
        name="attempt",
    ),
    path(
        "quizzes/<slug:quiz_key>/attempts/<int:attempt_id>/save/",
        views.save,
        name="save",
    ),
    path(
        "quizzes/<slug:quiz_key>/attempts/<int:attempt_id>/submit/",
        views.submit,
        name="submit",
    ),
    path(
        "quizzes/<slug:quiz_key>/attempts/<int:attempt_id>/review/",
        views.review,
        name="review",
    ),
]
