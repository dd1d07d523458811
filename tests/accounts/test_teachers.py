import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import TEACHERS_GROUP, is_student, is_teacher


@pytest.mark.django_db
def test_createteacher_makes_a_staff_member_of_the_teachers_group(capsys):
    call_command("createteacher", "mr_nkusi", password="teacher-pass-phrase")
    teacher = User.objects.get(username="mr_nkusi")
    assert teacher.is_staff and not teacher.is_superuser
    assert teacher.groups.filter(name=TEACHERS_GROUP).exists()
    assert is_teacher(teacher) and not is_student(teacher)
    assert teacher.check_password("teacher-pass-phrase")
    assert capsys.readouterr().out.strip() == "teacher: mr_nkusi"


@pytest.mark.django_db
def test_createteacher_refuses_a_weak_password():
    with pytest.raises(CommandError, match="too common"):
        call_command("createteacher", "mr_nkusi", password="password")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createteacher_run_twice_keeps_one_account():
    call_command("createteacher", "mr_nkusi", password="teacher-pass-phrase")
    call_command("createteacher", "mr_nkusi", password="another-pass-phrase")
    assert User.objects.filter(username="mr_nkusi").count() == 1
    assert User.objects.get().check_password("another-pass-phrase")


@pytest.mark.django_db
def test_superusers_are_teachers_and_plain_staff_are_not(admin_user):
    staff = User.objects.create_user(username="clerk", password="x", is_staff=True)
    assert is_teacher(admin_user)
    assert not is_teacher(staff) and not is_student(staff)
