"""Who may do what, written once: the roles, each account's scope, and the permission rules.

The rules are django-rules predicates (``rules`` 3.5: small, maintained, no tables of its own, and
object-level checks that Django's ``user.has_perm(perm, obj)`` and the admin already call). They
are registered in :func:`register` (``ReportsConfig.ready``); the admin, the public pages, the API
and the services all ask ``user.has_perm`` — never a role name.

- **编辑** (editor): creates and edits drafts in their scope, sends them for review, starts a
  revision of a published report, imports documents and spreadsheets into their scope.
- **审核** (reviewer): reads everything in their scope; approves or rejects what is sent for review
  (by default not their own submission: ``GOVOPEN_ALLOW_SELF_APPROVAL``), withdraws with a reason.
- **管理员** (admin) and superusers: everything, accounts and permissions included.

A scope is a set of regions (each with everything under it) and of publishers. An account with
no role sees nothing, whatever Django permissions it was given.
"""

from __future__ import annotations

import rules
from django.apps import apps
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, QuerySet

from reports.models import ROLE_GROUPS, AccountScope, Publisher, Region, Report, ReportStatus, Role
from reports.regions.codes import code_prefix

_CACHE = "_govopen_access"


class _Access:
    """What one account is, read once per request (cached on the user object)."""

    def __init__(self, user):
        active = bool(user and user.is_authenticated and user.is_active)
        groups = set(user.groups.values_list("name", flat=True)) if active else set()
        self.admin = active and (user.is_superuser or ROLE_GROUPS[Role.ADMIN] in groups)
        self.editor = active and ROLE_GROUPS[Role.EDITOR] in groups
        self.reviewer = active and ROLE_GROUPS[Role.REVIEWER] in groups
        self.prefixes: tuple[str, ...] = ()
        self.publishers: frozenset[int] = frozenset()
        if active and not self.admin and (self.editor or self.reviewer):
            scope = AccountScope.objects.filter(user=user).first()
            if scope is not None:
                self.prefixes = tuple(code_prefix(c) for c in scope.regions.values_list("code", flat=True))
                self.publishers = frozenset(scope.publishers.values_list("pk", flat=True))

    @property
    def staff(self) -> bool:
        return self.admin or self.editor or self.reviewer

    def covers(self, region_code: str, publisher_id: int | None = None) -> bool:
        if self.admin:
            return True
        return any(region_code.startswith(p) for p in self.prefixes) or publisher_id in self.publishers


def access(user) -> _Access:
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = _Access(user)
        if user is not None:
            setattr(user, _CACHE, cached)
    return cached


def forget(user) -> None:
    """Drop the cached roles and scope of ``user`` (after they change)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def roles_of(user) -> list[str]:
    a = access(user)
    return [role for role, on in ((Role.ADMIN, a.admin), (Role.EDITOR, a.editor), (Role.REVIEWER, a.reviewer)) if on]


# --- Querysets: what an account may see ----------------------------------------------------


def scope_filter(user, *, region_field: str = "region__code", publisher_field: str = "publisher_id") -> Q | None:
    """The Q that keeps rows in ``user``'s scope; None means everything (管理员)."""
    a = access(user)
    if a.admin:
        return None
    q = Q(pk__in=[])
    if not a.staff:
        return q
    for prefix in a.prefixes:
        q |= Q(**{f"{region_field}__startswith": prefix})
    if a.publishers and publisher_field:
        q |= Q(**{f"{publisher_field}__in": a.publishers})
    return q


def reports_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Report.objects.all() if queryset is None else queryset
    q = scope_filter(user)
    return qs if q is None else qs.filter(q)


def publishers_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Publisher.objects.all() if queryset is None else queryset
    a = access(user)
    if a.admin:
        return qs
    q = Q(pk__in=a.publishers)
    for prefix in a.prefixes:
        q |= Q(region__code__startswith=prefix)
    return qs.filter(q) if a.staff else qs.none()


def regions_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Regions an account may file a report under: those of its scope and under them, and the regions
    of its publishers."""
    qs = Region.objects.all() if queryset is None else queryset
    a = access(user)
    if a.admin:
        return qs
    q = Q(code__in=Publisher.objects.filter(pk__in=a.publishers).values("region_id"))
    for prefix in a.prefixes:
        q |= Q(code__startswith=prefix)
    return qs.filter(q) if a.staff else qs.none()


def region_in_scope(user, region_code: str) -> bool:
    return access(user).covers(region_code)


# --- Predicates -----------------------------------------------------------------------------


@rules.predicate
def is_admin(user) -> bool:
    return access(user).admin


@rules.predicate
def is_editor(user) -> bool:
    return access(user).editor


@rules.predicate
def is_reviewer(user) -> bool:
    return access(user).reviewer


@rules.predicate
def is_staff_role(user) -> bool:
    return access(user).staff


def _report(obj):
    """The report an object belongs to (a section, table or cell of it), or the report itself."""
    if obj is None or isinstance(obj, Report):
        return obj
    return getattr(obj, "report", None)


@rules.predicate
def in_scope(user, obj) -> bool:
    report = _report(obj)
    if report is None:
        return True  # a model-level question: the queryset limits the rows
    return access(user).covers(report.region_id, report.publisher_id)


def _status(*statuses):
    @rules.predicate(name=f"status_{'_'.join(statuses)}")
    def check(user, obj) -> bool:
        report = _report(obj)
        return report is None or report.status in statuses

    return check


is_draft = _status(ReportStatus.DRAFT)
is_pending = _status(ReportStatus.PENDING)
is_published = _status(ReportStatus.PUBLISHED)
is_editable_by_admin = _status(ReportStatus.DRAFT, ReportStatus.PENDING)


@rules.predicate
def is_original(user, obj) -> bool:
    """Not itself a revision, and with no revision under way."""
    report = _report(obj)
    return report is None or (report.revision_of_id is None and not report.revisions.exists())


REPORT_RULES = {
    "view_report": is_admin | (is_staff_role & in_scope),
    "add_report": is_admin | is_editor,
    "change_report": (is_admin & is_editable_by_admin) | (is_editor & in_scope & is_draft),
    "delete_report": (is_admin) | (is_editor & in_scope & is_draft),
    "submit_report": (is_admin | (is_editor & in_scope)) & is_draft,
    "review_report": (is_admin | (is_reviewer & in_scope)) & is_pending,
    "withdraw_report": (is_admin | (is_reviewer & in_scope)) & is_published,
    "revise_report": (is_admin | (is_editor & in_scope)) & is_published & is_original,
    "import_report": is_admin | is_editor,
}


def register() -> None:
    """Register every permission of the project's apps with django-rules (called once at start)."""
    for name, predicate in REPORT_RULES.items():
        rules.set_perm(f"reports.{name}", predicate)
    # The parts of a report follow the report.
    for model in ("section", "freetable", "reportnumbers"):
        rules.set_perm(f"reports.view_{model}", REPORT_RULES["view_report"])
        for action in ("add", "change", "delete"):
            rules.set_perm(f"reports.{action}_{model}", REPORT_RULES["change_report"])
    # Publishers and regions: every role reads (the forms' choices are limited to the scope);
    # only 管理员 changes them.
    for model in ("publisher", "region"):
        rules.set_perm(f"reports.view_{model}", is_staff_role)
        for action in ("add", "change", "delete"):
            rules.set_perm(f"reports.{action}_{model}", is_admin)
    rules.set_perm("reports.view_auditevent", is_admin)
    rules.set_perm("reports.view_reportversion", is_staff_role)
    rules.set_perm("reports", is_staff_role)
    # Accounts, groups, scopes, lockouts, second factors, anything else: 管理员 only.
    handled = {"section", "freetable", "reportnumbers", "publisher", "region", "report", "auditevent", "reportversion"}
    for model in apps.get_models():
        label, name = model._meta.app_label, model._meta.model_name
        if label == "reports" and name in handled:
            continue
        for action in ("view", "add", "change", "delete"):
            if not rules.perm_exists(f"{label}.{action}_{name}"):
                rules.set_perm(f"{label}.{action}_{name}", is_admin)
        if not rules.perm_exists(label):
            rules.set_perm(label, is_admin)


class AccountBackend(ModelBackend):
    """Django's model backend for signing in and for other apps' permissions; the project's own
    permissions (``reports.*``) are decided by the rules above alone — superusers included, so
    that a published report is never edited in place, even by them."""

    def has_perm(self, user_obj, perm, obj=None):
        if perm.startswith("reports."):
            return False
        return super().has_perm(user_obj, perm, obj=obj)

    def has_module_perms(self, user_obj, app_label):
        if app_label == "reports":
            return False
        return super().has_module_perms(user_obj, app_label)
