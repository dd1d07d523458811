from django.urls import path

from classrooms import views

app_name = "classrooms"

urlpatterns = [
    # Students
    path("classes/join/", views.join, name="join"),
    path("my-work/", views.my_work, name="my_work"),
    # Teachers
    path("teach/", views.teach, name="teach"),
    path("teach/classes/new/", views.classroom_create, name="classroom_create"),
    path("teach/classes/<int:pk>/", views.classroom_detail, name="classroom_detail"),
    path("teach/classes/<int:pk>/edit/", views.classroom_edit, name="classroom_edit"),
    path(
        "teach/classes/<int:pk>/archive/",
        views.classroom_archive,
        name="classroom_archive",
    ),
    path(
        "teach/classes/<int:pk>/restore/",
        views.classroom_restore,
        name="classroom_restore",
    ),
    path("teach/classes/<int:pk>/join-code/", views.join_code, name="join_code"),
    path("teach/classes/<int:pk>/co-teachers/", views.co_teachers, name="co_teachers"),
    path(
        "teach/classes/<int:pk>/co-teachers/<int:user_pk>/remove/",
        views.co_teacher_remove,
        name="co_teacher_remove",
    ),
    path("teach/classes/<int:pk>/roster/", views.roster, name="roster"),
    path("teach/classes/<int:pk>/roster/add/", views.roster_add, name="roster_add"),
    path("teach/classes/<int:pk>/roster/logins/", views.logins, name="logins"),
    path(
        "teach/classes/<int:pk>/roster/reset-passwords/",
        views.reset_passwords,
        name="reset_passwords",
    ),
    path(
        "teach/classes/<int:pk>/students/<int:student_pk>/remove/",
        views.student_remove,
        name="student_remove",
    ),
    path(
        "teach/classes/<int:pk>/students/<int:student_pk>/record.json",
        views.student_record_json,
        name="student_record_json",
    ),
    path(
        "teach/classes/<int:pk>/students/<int:student_pk>/record.csv",
        views.student_record_csv,
        name="student_record_csv",
    ),
    path(
        "teach/classes/<int:pk>/students/<int:student_pk>/delete/",
        views.student_delete,
        name="student_delete",
    ),
    path(
        "teach/classes/<int:pk>/assign/",
        views.assignment_create,
        name="assignment_create",
    ),
    path(
        "teach/assignments/<int:pk>/edit/",
        views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "teach/assignments/<int:pk>/withdraw/",
        views.assignment_withdraw,
        name="assignment_withdraw",
    ),
    path(
        "teach/assignments/<int:pk>/extensions/",
        views.extensions,
        name="extensions",
    ),
    path(
        "teach/assignments/<int:pk>/extensions/<int:student_pk>/revoke/",
        views.extension_revoke,
        name="extension_revoke",
    ),
    # Progress (issue #6)
    path("teach/classes/<int:pk>/progress/", views.progress, name="progress"),
    path(
        "teach/classes/<int:pk>/progress.csv", views.progress_csv, name="progress_csv"
    ),
    path(
        "teach/classes/<int:pk>/progress/print/",
        views.progress_print,
        name="progress_print",
    ),
    path(
        "teach/classes/<int:pk>/students/<int:student_pk>/",
        views.student_detail,
        name="student_detail",
    ),
    path(
        "teach/classes/<int:pk>/students/<int:student_pk>/<slug:table>.csv",
        views.student_table_csv,
        name="student_table_csv",
    ),
    # Quiz reports (issue #6)
    path("teach/classes/<int:pk>/quizzes/", views.quiz_reports, name="quiz_reports"),
    path(
        "teach/classes/<int:pk>/quizzes/<slug:quiz_key>/",
        views.quiz_report,
        name="quiz_report",
    ),
    path(
        "teach/classes/<int:pk>/quizzes/<slug:quiz_key>/questions.csv",
        views.quiz_report_csv,
        {"table": "questions"},
        name="quiz_report_questions_csv",
    ),
    path(
        "teach/classes/<int:pk>/quizzes/<slug:quiz_key>/skills.csv",
        views.quiz_report_csv,
        {"table": "skills"},
        name="quiz_report_skills_csv",
    ),
    path(
        "teach/classes/<int:pk>/quizzes/<slug:quiz_key>/questions/<slug:question_key>/",
        views.question_answers,
        name="question_answers",
    ),
    path(
        "teach/classes/<int:pk>/quizzes/<slug:quiz_key>/questions/"
        "<slug:question_key>/answers.csv",
        views.question_answers_csv,
        name="question_answers_csv",
    ),
    path(
        "teach/classes/<int:pk>/attempts/<int:attempt_pk>/",
        views.attempt_detail,
        name="attempt_detail",
    ),
]
