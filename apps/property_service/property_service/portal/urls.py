from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
    path("register/", views.register, name="register"),
    path("repairs/", views.repairs, name="repairs"),
    path("repairs/new/", views.repair_new, name="repair_new"),
    path("repairs/<int:pk>/", views.repair, name="repair"),
    path("repairs/<int:pk>/accept/", views.repair_accept, name="repair_accept"),
    path("repairs/<int:pk>/rate/", views.repair_rate, name="repair_rate"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("complaints/<int:pk>/rate/", views.complaint_rate, name="complaint_rate"),
    path("enquiries/", views.enquiries, name="enquiries"),
    path("enquiries/new/", views.enquiry_new, name="enquiry_new"),
    path("enquiries/<int:pk>/", views.enquiry, name="enquiry"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<int:pk>/<int:unit>/", views.survey, name="survey"),
    path("services/", views.special_services, name="special_services"),
    path("services/new/", views.special_service_new, name="special_service_new"),
    path("services/<int:pk>/", views.special_service, name="special_service"),
    path("services/<int:pk>/quote/", views.special_service_quote,
         name="special_service_quote"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("activities/<int:pk>/sign-up/", views.activity_sign_up, name="activity_sign_up"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/feedback/", views.activity_feedback, name="activity_feedback"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
