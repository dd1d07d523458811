from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("lessons/", views.lesson_index, name="index"),
    path("lessons/<slug:lesson_key>/", views.lesson_detail, name="detail"),
    path("lessons/<slug:lesson_key>/print/", views.lesson_print, name="print"),
    path(
        "lessons/<slug:lesson_key>/<slug:section_key>/",
        views.section_detail,
        name="section",
    ),
    path(
        "lessons/<slug:lesson_key>/<slug:section_key>/complete/",
        views.section_complete,
        name="section_complete",
    ),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:source_key>/", views.source_detail, name="source_detail"),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline/who-knew/", views.who_knew, name="who_knew"),
    path("people/", views.people, name="people"),
    path("glossary/", views.glossary, name="glossary"),
    path("search/", views.search, name="search"),
]
