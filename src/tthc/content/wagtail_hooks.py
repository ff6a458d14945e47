from django.contrib import messages
from wagtail import hooks

from tthc.content.choosers import procedure_chooser_viewset
from tthc.content.models import SELF_APPROVAL_MESSAGE, EditorApprovalTask


@hooks.register("register_admin_viewset")
def register_procedure_chooser():
    return procedure_chooser_viewset


@hooks.register("before_edit_page")
def explain_self_approval(request, page):
    """The submitter sees no "Approve" action; tell them why instead of leaving them looking."""
    if request.method != "GET":
        return
    task = page.current_workflow_task
    if isinstance(task, EditorApprovalTask) and task.is_submitter(page, request.user):
        messages.info(request, SELF_APPROVAL_MESSAGE)
