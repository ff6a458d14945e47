from django.urls import path

from tthc.plans import views

app_name = "plans"

urlpatterns = [
    path("quan-tri/ke-hoach/", views.dashboard, name="dashboard"),
    path("quan-tri/ke-hoach/danh-sach/", views.plan_list, name="plan-list"),
    path("quan-tri/ke-hoach/tao/", views.plan_create, name="plan-create"),
    path("quan-tri/ke-hoach/nhiem-vu/", views.task_list, name="task-list"),
    path("quan-tri/ke-hoach/nhiem-vu/<int:pk>/", views.task_detail, name="task-detail"),
    path("quan-tri/ke-hoach/nhiem-vu/<int:pk>/sua/", views.task_edit, name="task-edit"),
    path("quan-tri/ke-hoach/nhiem-vu/<int:pk>/bao-cao/", views.task_report, name="task-report"),
    path("quan-tri/ke-hoach/minh-chung/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("quan-tri/ke-hoach/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("quan-tri/ke-hoach/<int:pk>/sua/", views.plan_edit, name="plan-edit"),
    path("quan-tri/ke-hoach/<int:pk>/ban-hanh/", views.plan_issue, name="plan-issue"),
    path("quan-tri/ke-hoach/<int:pk>/noi-dung/", views.content_add, name="content-add"),
    path("quan-tri/ke-hoach/<int:pk>/nhiem-vu/them/", views.task_add, name="task-add"),
    path("quan-tri/ke-hoach/<int:pk>/ke-hoach.xlsx", views.plan_xlsx, name="plan-xlsx"),
    path("quan-tri/ke-hoach/<int:pk>/ke-hoach.pdf", views.plan_pdf, name="plan-pdf"),
]
