from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm, ThrottledAuthenticationForm
from accounts.services import register_student, set_own_password


class SignInView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        # A refused sign-in is a client error: 429 while the username is locked,
        # 400 otherwise, with the form's human message in the body.
        locked = any(
            error.code == "locked" for error in form.non_field_errors().as_data()
        )
        response = super().form_invalid(form)
        response.status_code = 429 if locked else 400
        return response


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = register_student(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


class OwnPasswordChangeView(PasswordChangeView):
    """Change one's password. A student signing in with a teacher's one-time password
    chooses a new one without retyping the old (they have just used it), and the
    requirement to change it ends."""

    template_name = "registration/password_change.html"

    def get_form_class(self):
        if self.request.user.must_change_password:
            return SetPasswordForm
        return super().get_form_class()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first_password"] = self.request.user.must_change_password
        return context

    def form_valid(self, form):
        set_own_password(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
