from django.urls import path

from culture_of_care.accounts import views

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "invitation/<str:token>/sign-in-with/<slug:provider_id>/",
        views.invitation_sso,
        name="invitation_sso",
    ),
    path("organisation-account/", views.organisation_account, name="organisation_account"),
    path("invitations/<id:pk>/resend/", views.invitation_resend, name="invitation_resend"),
]
