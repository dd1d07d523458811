from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RwandaEduConfig(AppConfig):
    """The project package: site-wide commands (backup) and pages."""

    default = True
    name = "rwanda_edu"


class SiteAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the project's own AdminSite (teacher-arranged index,
    grading queue); every `@admin.register` lands there."""

    default = False
    default_site = "classrooms.admin_site.SiteAdmin"
