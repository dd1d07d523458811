import os

from django.contrib import admin
from django.urls import include, path

from rwanda_edu import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("lessons.urls")),
    path("", include("quizzes.urls")),
    path("", include("classrooms.urls")),
    path("admin/", admin.site.urls),
]

if os.environ.get("DJANGO_BENCH_FLOOR") == "1":
    urlpatterns.append(path("bench/floor", views.bench_floor))

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
