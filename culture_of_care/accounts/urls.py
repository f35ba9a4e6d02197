from django.urls import path, re_path

from culture_of_care.accounts import views

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "invitation/<str:token>/sign-in-with/<slug:provider_id>/",
        views.invitation_sso,
        name="invitation_sso",
    ),
    path("organisation-account/", views.organisation_account, name="organisation_account"),
    path("2fa/", views.mfa_index),
    path("2fa/totp/replace/", views.totp_replace, name="mfa_replace_totp"),
    # allauth pages an invitation-only service does not offer; these come before allauth's own.
    path("signup/", views.not_offered),
    path("email/", views.not_offered),
    path("confirm-email/", views.not_offered),
    re_path(r"^confirm-email/(?P<key>[-:\w]+)/$", views.not_offered),
    path("login/code/confirm/", views.not_offered),
    path("reauthenticate/code/", views.not_offered),
    path("reauthenticate/code/confirm/", views.not_offered),
    path("invitations/<id:pk>/resend/", views.invitation_resend, name="invitation_resend"),
]
