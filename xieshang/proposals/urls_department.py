"""The department side of proposal handling, included at /proposals/dept/ in the
`proposals` namespace."""

from django.urls import path

from . import views_department as views

urlpatterns = [
    path("", views.queue, name="dept_queue"),
    path("<int:pk>/", views.handle, name="dept_handle"),
    path("<int:pk>/contact/", views.contact, name="dept_contact"),
    path("<int:pk>/co-view/", views.co_view, name="dept_co_view"),
    path("<int:pk>/answer/", views.answer, name="dept_answer"),
    path("<int:pk>/extension/", views.extension, name="dept_extension"),
    path("<int:pk>/return/", views.give_back, name="dept_return"),
    path("answers/<int:answer_pk>/letter.pdf", views.letter, name="dept_letter"),
    path("answers/<int:answer_pk>/sign-off/", views.sign_off, name="dept_sign_off"),
    path("answers/<int:answer_pk>/send-back/", views.send_back, name="dept_send_back"),
    path("answers/<int:answer_pk>/record/", views.record_upload, name="dept_record_upload"),
]
