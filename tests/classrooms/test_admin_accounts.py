"""Accounts and co-teachers in the admin. Deleting a student there is the
dashboard's deletion: the same rule (a teacher deletes only a student whose every
class is theirs; staff accounts only an administrator) and the same audited
`delete_student` entry, from the account's page or with "Delete selected". A
teacher's class page lists its co-teachers read-only, never every teacher."""

from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import AuditEntry, User
from accounts.services import create_teacher
from classrooms import services
from tests.classrooms.conftest import make_module, read_all, take_quiz


@pytest.fixture
def students(db, classroom, foreign_classroom):
    """amara in the teacher's class, with work; bosco in both teachers' classes;
    chidi in no class (self-study), with reading progress."""
    lesson = make_module(1)
    amara = User.objects.create_user(username="amara", password="x")
    bosco = User.objects.create_user(username="bosco", password="x")
    chidi = User.objects.create_user(username="chidi", password="x")
    services.join_classroom(student=amara, typed_code=classroom.join_code)
    services.join_classroom(student=bosco, typed_code=classroom.join_code)
    services.join_classroom(student=bosco, typed_code=foreign_classroom.join_code)
    read_all(amara, lesson)
    take_quiz(amara, lesson)
    read_all(chidi, lesson)
    return {"amara": amara, "bosco": bosco, "chidi": chidi}


def delete_url(user: User) -> str:
    return reverse("admin:accounts_user_delete", args=[user.pk])


def bulk_delete(client, users, *, confirm: bool = True):
    data = {"action": "delete_selected", "_selected_action": [u.pk for u in users]}
    if confirm:
        data["post"] = "yes"
    return client.post(reverse("admin:accounts_user_changelist"), data)


def deletion_entries():
    return list(AuditEntry.objects.filter(action="delete_student").order_by("subject"))


@pytest.fixture
def user_managing_teacher(teacher):
    """The teacher, given the admin's user permissions (not theirs by default)."""
    teacher.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_user", "delete_user"],
        )
    )
    return User.objects.get(pk=teacher.pk)


@pytest.mark.django_db
def test_an_administrator_deleting_a_student_from_their_page_is_audited(
    admin_client, students, django_assert_max_num_queries
):
    amara = students["amara"]
    with django_assert_max_num_queries(40):
        confirm = admin_client.get(delete_url(amara))
    assert confirm.status_code == 200
    assert "Yes, I’m sure" in confirm.text or "Yes, I'm sure" in unescape(confirm.text)
    done = admin_client.post(delete_url(amara), {"post": "yes"})
    assert done.status_code == 302
    assert not User.objects.filter(username="amara").exists()
    [entry] = deletion_entries()
    assert entry.subject == "amara" and entry.actor.username == "admin"
    assert entry.summary == "Deleted amara and all their work"
    assert entry.details["attempts"] == 1 and entry.details["enrollments"] == 1


@pytest.mark.django_db
def test_an_administrator_bulk_deletes_students_self_study_included_each_audited(
    admin_client, students, django_user_model
):
    teacher = create_teacher(username="ms_uwase", password="teacher-pass-phrase")
    chosen = [students["amara"], students["chidi"], teacher]
    confirm = bulk_delete(admin_client, chosen, confirm=False)
    assert confirm.status_code == 200 and "Are you sure" in confirm.text
    assert User.objects.filter(username="chidi").exists()
    done = bulk_delete(admin_client, chosen)
    assert done.status_code == 302
    assert not User.objects.filter(username__in=["amara", "chidi", "ms_uwase"]).exists()
    entries = deletion_entries()
    # One entry per student; a staff account is not a student's record.
    assert [e.subject for e in entries] == ["amara", "chidi"]
    assert entries[1].details["lesson_progress"] == 1
    assert entries[1].details["enrollments"] == 0


@pytest.mark.django_db
def test_a_teacher_without_the_user_permissions_deletes_no_one(
    client, teacher, students
):
    client.force_login(teacher)
    assert client.get(delete_url(students["amara"])).status_code == 403
    assert (
        client.post(delete_url(students["amara"]), {"post": "yes"}).status_code == 403
    )
    assert bulk_delete(client, [students["amara"]]).status_code == 403
    assert User.objects.filter(username="amara").exists()
    assert deletion_entries() == []


@pytest.mark.django_db
def test_a_teacher_allowed_to_delete_users_follows_the_dashboards_rule(
    client, user_managing_teacher, students, other_teacher
):
    client.force_login(user_managing_teacher)
    refusals = {
        "bosco": "also in another teacher",  # shared with mr_nkusi's class
        "chidi": "on none of your classes",  # self-study
        "mr_nkusi": "Only an administrator can delete a teacher",
    }
    for username, sentence in refusals.items():
        user = User.objects.get(username=username)
        page = client.get(delete_url(user))
        assert page.status_code == 403 and sentence in unescape(page.text), username
        posted = client.post(delete_url(user), {"post": "yes"})
        assert posted.status_code == 403 and sentence in unescape(posted.text)
        assert User.objects.filter(username=username).exists()
    # A selection with one refused account is refused whole.
    mixed = bulk_delete(client, [students["amara"], students["bosco"]])
    assert mixed.status_code == 403
    assert "bosco: This student is also in another teacher" in unescape(mixed.text)
    assert User.objects.filter(username="amara").exists()
    assert deletion_entries() == []
    # Their own student (every class theirs): deleted, audited as on the dashboard.
    done = client.post(delete_url(students["amara"]), {"post": "yes"})
    assert done.status_code == 302
    assert not User.objects.filter(username="amara").exists()
    [entry] = deletion_entries()
    assert entry.actor == user_managing_teacher and entry.subject == "amara"


@pytest.mark.django_db
def test_a_teacher_bulk_deletes_their_own_students_audited(
    client, user_managing_teacher, students, classroom
):
    dana = User.objects.create_user(username="dana", password="x")
    services.join_classroom(student=dana, typed_code=classroom.join_code)
    client.force_login(user_managing_teacher)
    done = bulk_delete(client, [students["amara"], dana])
    assert done.status_code == 302
    assert [e.subject for e in deletion_entries()] == ["amara", "dana"]
    assert not User.objects.filter(username__in=["amara", "dana"]).exists()


# --- Co-teachers ------------------------------------------------------------------


@pytest.fixture
def staff_room(db, classroom, other_teacher):
    """The class co-taught by mr_nkusi; two more teachers in the school."""
    services.add_co_teacher(classroom=classroom, teacher=other_teacher)
    create_teacher(username="ms_ingabire", password="teacher-pass-phrase")
    create_teacher(username="mr_kagabo", password="teacher-pass-phrase")
    return classroom


@pytest.mark.django_db
def test_a_teachers_class_page_names_only_its_own_co_teachers(
    client, teacher, staff_room, django_assert_max_num_queries
):
    client.force_login(teacher)
    url = reverse("admin:classrooms_classroom_change", args=[staff_room.pk])
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert page.status_code == 200
    assert "mr_nkusi" in page.text
    assert "ms_ingabire" not in page.text and "mr_kagabo" not in page.text
    assert 'name="co_teachers"' not in page.text  # no picker
    link = reverse("classrooms:co_teachers", args=[staff_room.pk])
    assert f'href="{link}"' in page.text
    add = client.get(reverse("admin:classrooms_classroom_add"))
    assert "ms_ingabire" not in add.text and "mr_nkusi" not in add.text
    assert "add co-teachers from its dashboard page" in add.text


@pytest.mark.django_db
def test_a_teacher_cannot_add_a_co_teacher_through_the_admin_form(
    client, teacher, staff_room
):
    ingabire = User.objects.get(username="ms_ingabire")
    client.force_login(teacher)
    response = client.post(
        reverse("admin:classrooms_classroom_change", args=[staff_room.pk]),
        {
            "name": staff_room.name,
            "section": staff_room.section,
            "school_year": staff_room.school_year,
            "time_zone": staff_room.time_zone,
            "join_enabled": "on",
            "co_teachers": [ingabire.pk],
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text[:1000]
    assert list(staff_room.co_teachers.values_list("username", flat=True)) == [
        "mr_nkusi"
    ]


@pytest.mark.django_db
def test_an_administrator_keeps_the_co_teacher_picker(admin_client, staff_room):
    page = admin_client.get(
        reverse("admin:classrooms_classroom_change", args=[staff_room.pk])
    )
    assert 'name="co_teachers"' in page.text
    assert "ms_ingabire" in page.text and "mr_kagabo" in page.text
