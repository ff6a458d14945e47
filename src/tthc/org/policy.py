"""Who may do what: the one place where permissions are decided.

Each action lists the roles that grant it and whether the grant is province-wide or limited to
the agency where the role is held (and the agencies below it). Superusers may do everything.
Views and API handlers call `can()` / `require()`; nothing else checks roles. A state machine
(dossiers, feedback) states which policy action each of its actions needs in an `ActionRules`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tthc.core.errors import PermissionDenied
from tthc.org import directory
from tthc.org.models import Agency, Membership, Role


class Action(StrEnum):
    CATALOG_IMPORT = "catalog.import"
    CATALOG_EDIT = "catalog.edit"
    CATALOG_PUBLISH = "catalog.publish"
    CATALOG_EXPORT = "catalog.export"
    CATALOG_VIEW_INTERNAL = "catalog.view_internal"
    ORG_MANAGE_UNITS = "org.manage_units"
    ORG_MANAGE_AGENCY = "org.manage_agency"
    ORG_MANAGE_STAFF = "org.manage_staff"
    CALENDAR_MANAGE = "workdays.manage_overrides"
    DOSSIER_RECEIVE = "dossiers.receive"
    DOSSIER_PROCESS = "dossiers.process"
    DOSSIER_VIEW = "dossiers.view"
    DOSSIER_ASSIGN = "dossiers.assign"
    FEEDBACK_RECEIVE = "feedback.receive"
    FEEDBACK_PROCESS = "feedback.process"
    FEEDBACK_APPROVE = "feedback.approve"
    FEEDBACK_VIEW = "feedback.view"
    FEEDBACK_REPORT = "feedback.report"
    AUDIT_VIEW = "core.audit_view"
    SIMPLIFICATION_EDIT = "simplification.edit"
    SIMPLIFICATION_APPROVE = "simplification.approve"
    CONTENT_EDIT = "content.edit"
    PLAN_MANAGE = "plans.manage"
    PLAN_VIEW = "plans.view"
    PLAN_REPORT = "plans.report"
    VISITS_VIEW = "metrics.visits_view"
    REPORT_VIEW = "metrics.report_view"
    INDEX_VIEW = "metrics.index_view"


PROVINCE = "province"
AGENCY = "agency"


@dataclass(frozen=True)
class Grant:
    role: Role
    scope: str  # PROVINCE: anywhere; AGENCY: where the role is held, and below


RULES: dict[Action, tuple[Grant, ...]] = {
    Action.CATALOG_IMPORT: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
    ),
    Action.CATALOG_EDIT: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
    ),
    Action.CATALOG_PUBLISH: (Grant(Role.CONTROL_OFFICER, PROVINCE),),
    Action.CATALOG_EXPORT: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
        Grant(Role.AGENCY_LEADER, PROVINCE),
    ),
    Action.CATALOG_VIEW_INTERNAL: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
        Grant(Role.AGENCY_LEADER, PROVINCE),
        Grant(Role.SPECIALIST, PROVINCE),
        Grant(Role.RECEPTION_OFFICER, PROVINCE),
    ),
    Action.ORG_MANAGE_UNITS: (Grant(Role.ADMINISTRATOR, PROVINCE),),
    Action.ORG_MANAGE_AGENCY: (
        Grant(Role.ADMINISTRATOR, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    Action.ORG_MANAGE_STAFF: (
        Grant(Role.ADMINISTRATOR, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    Action.CALENDAR_MANAGE: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    # Dossiers: only staff of the agency concerned (and of the agencies above it).
    Action.DOSSIER_RECEIVE: (Grant(Role.RECEPTION_OFFICER, AGENCY),),
    Action.DOSSIER_PROCESS: (
        Grant(Role.SPECIALIST, AGENCY),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    # The agency's leader hands a dossier to one of the agency's specialists.
    Action.DOSSIER_ASSIGN: (Grant(Role.AGENCY_LEADER, AGENCY),),
    Action.DOSSIER_VIEW: (
        Grant(Role.RECEPTION_OFFICER, AGENCY),
        Grant(Role.SPECIALIST, AGENCY),
        Grant(Role.AGENCY_LEADER, AGENCY),
        Grant(Role.CONTROL_OFFICER, PROVINCE),
    ),
    # Feedback (PAKN): the control office receives and oversees everything province-wide; the
    # agency the feedback is assigned to handles it, its leader approves and publishes.
    Action.FEEDBACK_RECEIVE: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.RECEPTION_OFFICER, AGENCY),
    ),
    Action.FEEDBACK_PROCESS: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.SPECIALIST, AGENCY),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    Action.FEEDBACK_APPROVE: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    Action.FEEDBACK_VIEW: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.RECEPTION_OFFICER, AGENCY),
        Grant(Role.SPECIALIST, AGENCY),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    Action.FEEDBACK_REPORT: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.AGENCY_LEADER, PROVINCE),
    ),
    # The audit trail (changes of dossiers, reads of personal data): administrators only.
    Action.AUDIT_VIEW: (Grant(Role.ADMINISTRATOR, PROVINCE),),
    # Simplification (DOMAIN §7): the control office measures costs and drafts proposals
    # province-wide; the leader of the responsible agency drafts its own. Approving (recording the
    # competent authority's decision), implementing in the catalog and verifying are the control
    # office's alone, as for publication decisions: no agency approves its own proposal.
    Action.SIMPLIFICATION_EDIT: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    Action.SIMPLIFICATION_APPROVE: (Grant(Role.CONTROL_OFFICER, PROVINCE),),
    # Communication (DOMAIN §10): editors write and review news, events and pages (in Wagtail,
    # whose groups follow these roles); the control office drafts the yearly plan and assigns its
    # tasks; each agency sees and reports on the tasks it leads or supports, and nothing else.
    Action.CONTENT_EDIT: (
        Grant(Role.EDITOR, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
    ),
    Action.PLAN_MANAGE: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
    ),
    Action.PLAN_VIEW: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
        Grant(Role.SPECIALIST, AGENCY),
        Grant(Role.EDITOR, AGENCY),
    ),
    Action.PLAN_REPORT: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
        Grant(Role.SPECIALIST, AGENCY),
        Grant(Role.EDITOR, AGENCY),
    ),
    Action.VISITS_VIEW: (
        Grant(Role.EDITOR, PROVINCE),
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.ADMINISTRATOR, PROVINCE),
    ),
    # Official reports on dossier handling (form 06/VPCP/KSTT): the control office for the whole
    # province and any agency; an agency's leader for the agency and the agencies below it.
    Action.REPORT_VIEW: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
    # The index 766 with its drill-down lists (dossier codes, each dossier's reason): the control
    # office for the province and any agency; an agency's leader for the agency and below it.
    Action.INDEX_VIEW: (
        Grant(Role.CONTROL_OFFICER, PROVINCE),
        Grant(Role.AGENCY_LEADER, AGENCY),
    ),
}

DENIED_MESSAGES: dict[Action, str | Promise] = {
    Action.CATALOG_IMPORT: _("Bạn không có quyền nhập dữ liệu thủ tục hành chính."),
    Action.CATALOG_EDIT: _("Bạn không có quyền sửa thủ tục hành chính."),
    Action.CATALOG_PUBLISH: _("Chỉ cán bộ kiểm soát TTHC được ghi nhận quyết định công bố."),
    Action.CATALOG_EXPORT: _("Bạn không có quyền xuất dữ liệu thủ tục hành chính."),
    Action.CATALOG_VIEW_INTERNAL: _("Bạn không có quyền xem thông tin nội bộ của danh mục."),
    Action.ORG_MANAGE_UNITS: _("Chỉ quản trị hệ thống được quản lý đơn vị hành chính."),
    Action.ORG_MANAGE_AGENCY: _("Bạn không có quyền quản lý thông tin cơ quan này."),
    Action.ORG_MANAGE_STAFF: _("Bạn không có quyền quản lý cán bộ của cơ quan này."),
    Action.CALENDAR_MANAGE: _("Bạn không có quyền điều chỉnh lịch làm việc."),
    Action.DOSSIER_RECEIVE: _(
        "Chỉ công chức tiếp nhận của cơ quan tiếp nhận hồ sơ được thực hiện thao tác này."
    ),
    Action.DOSSIER_PROCESS: _(
        "Chỉ cán bộ của cơ quan đang chịu trách nhiệm xử lý hồ sơ được thực hiện thao tác này."
    ),
    Action.DOSSIER_VIEW: _("Bạn không có quyền xem hồ sơ này."),
    Action.DOSSIER_ASSIGN: _(
        "Chỉ lãnh đạo cơ quan đang chịu trách nhiệm xử lý hồ sơ được giao hồ sơ cho chuyên viên."
    ),
    Action.FEEDBACK_RECEIVE: _("Bạn không có quyền tiếp nhận phản ánh, kiến nghị này."),
    Action.FEEDBACK_PROCESS: _(
        "Chỉ cán bộ của cơ quan đang xử lý phản ánh, kiến nghị được thực hiện thao tác này."
    ),
    Action.FEEDBACK_APPROVE: _(
        "Chỉ lãnh đạo cơ quan xử lý hoặc cán bộ kiểm soát TTHC được duyệt và công khai câu trả lời."
    ),
    Action.FEEDBACK_VIEW: _("Bạn không có quyền xem phản ánh, kiến nghị này."),
    Action.FEEDBACK_REPORT: _("Bạn không có quyền xem số liệu phản ánh, kiến nghị."),
    Action.AUDIT_VIEW: _(
        "Chỉ quản trị hệ thống được xem nhật ký thay đổi và truy cập dữ liệu cá nhân."
    ),
    Action.SIMPLIFICATION_EDIT: _(
        "Bạn không có quyền lập, sửa phương án đơn giản hóa và chi phí tuân thủ này."
    ),
    Action.SIMPLIFICATION_APPROVE: _(
        "Chỉ cán bộ kiểm soát TTHC được ghi nhận phê duyệt, thực thi "
        "và kiểm tra phương án đơn giản hóa."
    ),
    Action.CONTENT_EDIT: _("Chỉ biên tập viên được viết, duyệt tin bài trên cổng thông tin."),
    Action.PLAN_MANAGE: _("Chỉ cán bộ kiểm soát TTHC được lập kế hoạch và giao nhiệm vụ."),
    Action.PLAN_VIEW: _("Bạn không có quyền xem nhiệm vụ này của kế hoạch."),
    Action.PLAN_REPORT: _(
        "Chỉ cơ quan được giao nhiệm vụ được báo cáo kết quả thực hiện nhiệm vụ này."
    ),
    Action.VISITS_VIEW: _("Bạn không có quyền xem thống kê truy cập."),
    Action.REPORT_VIEW: _(
        "Chỉ cán bộ kiểm soát TTHC và lãnh đạo cơ quan được xem báo cáo tình "
        "hình, kết quả giải quyết TTHC (của cơ quan mình)."
    ),
    Action.INDEX_VIEW: _(
        "Chỉ cán bộ kiểm soát TTHC và lãnh đạo cơ quan được xem chi tiết chỉ số "
        "phục vụ người dân, doanh nghiệp (của cơ quan mình)."
    ),
}


def ancestors_and_self(agency: Agency) -> set[int]:
    """The agency and every agency above it: where an agency-scoped grant for it may be held."""
    known = directory.current()
    if agency.pk in known.agencies:
        return known.ancestors_and_self(agency.pk)
    ids: set[int] = set()  # not saved yet: its own parents
    node: Agency | None = agency
    while node is not None and node.pk not in ids:
        ids.add(node.pk)
        node = node.parent
    return ids


def can(user, action: Action, agency: Agency | None = None) -> bool:
    """True when `user` may perform `action` (on `agency`, for agency-scoped grants)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = RULES[action]
    roles = {g.role for g in grants}
    memberships = [m for m in _memberships(user) if m.role in roles]
    for grant in grants:
        for m in memberships:
            if m.role != grant.role:
                continue
            if grant.scope == PROVINCE:
                return True
            if agency is not None and m.agency_id in ancestors_and_self(agency):
                return True
    return False


def can_somewhere(user, action: Action) -> bool:
    """True when `user` may perform `action` on at least one agency (to show an entry point;
    the screen behind it still checks each agency with `can`)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = {g.role for g in RULES[action]}
    return any(m.role in roles for m in _memberships(user))


def require(user, action: Action, agency: Agency | None = None) -> None:
    if not can(user, action, agency):
        raise PermissionDenied(str(DENIED_MESSAGES[action]))


T = TypeVar("T")
AgencyOf = Callable[[T], Agency | None]


class ActionRules(Generic[T]):
    """Who may perform each action of a state machine on one of its objects.

    `permissions` maps each action either to one policy action, checked with `can` on
    `agency(obj)`, or to (policy action, where) pairs, any one of which suffices, each checked on
    `agency[where](obj)` (e.g. a dossier's receiving or currently responsible agency). A refusal
    says the denied message of the last policy action listed.
    """

    def __init__(
        self,
        permissions: Mapping[Hashable, Action | Sequence[tuple[Action, str]]],
        *,
        agency: AgencyOf[T] | Mapping[str, AgencyOf[T]],
    ):
        self._grants: dict[Hashable, tuple[tuple[Action, AgencyOf[T]], ...]] = {}
        for action, grants in permissions.items():
            if isinstance(grants, Action):
                self._grants[action] = ((grants, agency),)
            else:
                self._grants[action] = tuple((policy, agency[where]) for policy, where in grants)

    def allows(self, user, obj: T, action: Hashable) -> bool:
        """True when one of the action's grants holds for `user` on `obj`."""
        return any(can(user, policy, agency_of(obj)) for policy, agency_of in self._grants[action])

    def check(self, user, obj: T, action: Hashable) -> None:
        """Raise PermissionDenied (the policy's message) unless `allows`."""
        if not self.allows(user, obj, action):
            raise PermissionDenied(str(DENIED_MESSAGES[self._grants[action][-1][0]]))


def _memberships(user) -> list[Membership]:
    # Cached on the user object for the request: a page asks several questions.
    cached = getattr(user, "_tthc_memberships", None)
    if cached is None:
        cached = read_memberships(user)
        remember_memberships(user, cached)
    return cached


def read_memberships(user) -> list[Membership]:
    """The user's memberships from the database: the role and the agency of each."""
    return list(Membership.objects.filter(user=user).only("role", "agency_id"))


def remember_memberships(user, memberships: list[Membership]) -> None:
    """What `user`'s memberships are for the rest of the request (read by the session's
    backend, `tthc.org.accounts`)."""
    user._tthc_memberships = memberships


def roles_of(user) -> set[str]:
    if not user or not user.is_authenticated:
        return set()
    return {m.role for m in _memberships(user)}


def granted_agencies(user, action: Action) -> set[int] | None:
    """Where `user` may perform `action`: None for everywhere (a province-wide grant or a
    superuser), else the ids of the agencies where an agency-scoped grant is held (the agencies
    below them are included by `can`, not listed here)."""
    if can(user, action, None):
        return None
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    roles = {g.role for g in RULES[action] if g.scope == AGENCY}
    return {m.agency_id for m in _memberships(user) if m.role in roles}


# Two-factor sign-in (TOTP) is required, when `TTHC_REQUIRE_2FA` is on, of everyone who can read
# personal data (dossiers, feedback, the audit trail of personal-data reads, staff records) or
# publish (publication decisions, feedback answers, portal content). Derived from RULES, so a role
# granted one of these actions later is covered without another list to keep: today that is all
# six roles (reception officer, specialist, agency leader, control officer, editor,
# administrator), plus superusers and Django-admin staff accounts.
TWO_FACTOR_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.DOSSIER_RECEIVE,
        Action.DOSSIER_VIEW,
        Action.DOSSIER_PROCESS,
        Action.FEEDBACK_RECEIVE,
        Action.FEEDBACK_VIEW,
        Action.AUDIT_VIEW,
        Action.ORG_MANAGE_STAFF,
        Action.CATALOG_PUBLISH,
        Action.FEEDBACK_APPROVE,
        Action.CONTENT_EDIT,
    }
)
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    grant.role for action in TWO_FACTOR_ACTIONS for grant in RULES[action]
)


def requires_two_factor(user) -> bool:
    """True when `user` must confirm a one-time code after the password (if enforced)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(roles_of(user) & TWO_FACTOR_ROLES)
