"""Administration of accounts, roles and reference data (三员分立), and staff second factor.

The security administrator (`security.manage`) creates accounts, grants and removes roles in
the organisations of their scope, resets passwords, deactivates and unlocks accounts. The
system administrator (`system.manage`) keeps the reference data (organisations, the working-
day calendar). Each function checks the actor's permission through `core.access`, refuses
with a `Refused` whose message is shown to the user, and writes one audit event in the
same transaction as the change.
"""

import datetime as dt
import hmac
import secrets
import string
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.orgs.models import ADMIN_DUTIES, Organisation, Role, RoleAssignment
from xieshang.orgs.services import (
    organisation_code_taken,
    organisation_create,
    organisation_name_taken,
)

from . import access
from . import calendar as working_calendar
from .audit import StaleEdit, changed_fields, lock, record_event, save_versioned
from .models import CalendarDay, HolidayNotice, TotpDevice
from .pii import mask_phone
from .sms import send_sms
from .text import chinese_date

User = get_user_model()

# Roles that act for a handling unit need to know which one.


class Refused(Exception):
    """A request the rules do not allow; the message is shown to the user as it is."""


# --- Accounts ---------------------------------------------------------------------------


def generate_password(length: int = 14) -> str:
    """A temporary password that passes the complexity rules: all four character classes."""
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "@#%+=!?"]
    # Leave out look-alike characters: the administrator reads this aloud or copies it.
    classes = ["".join(ch for ch in chars if ch not in "O0oIl1") or chars for chars in classes]
    chars = [secrets.choice(c) for c in classes]
    pool = "".join(classes)
    chars += [secrets.choice(pool) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@dataclass(frozen=True)
class Issued:
    """A temporary password handed out: either shown once to the administrator
    (`password`), or, for an administrator-duty account, sent only to the holder's own phone
    (`sent_to`, masked), so that the security administrator never knows the auditor's or the
    system administrator's password (三员分立)."""

    password: str = ""
    sent_to: str = ""


def _hand_out(user, password: str, *, duty: bool) -> Issued:
    """Call inside the change's transaction: a refused or failed SMS undoes the change."""
    if not duty:
        return Issued(password=password)
    if not user.phone:
        raise Refused(
            _(
                "管理员账号的临时密码只以短信发送到本人登记的手机，不向操作人显示；"
                "该账号未登记手机号。请在服务器上由部署人员用 manage.py changepassword 重置。"
            )
        )
    text = _("【协商平台】您的账号 %(username)s 的临时密码：%(password)s，登录后须立即修改。") % {
        "username": user.username,
        "password": password,
    }
    try:
        send_sms(user.phone, text)
    except Exception as exc:  # the provider refused: change nothing, and say so
        raise Refused(_("短信发送失败，密码未更改，请稍后再试。")) from exc
    return Issued(sent_to=mask_phone(user.phone))


def _holds_duty(user) -> bool:
    return RoleAssignment.objects.filter(user=user, role__in=ADMIN_DUTIES).exists()


def _require_manageable(actor, user) -> None:
    """The actor may administer `user`: security.manage over one of the user's
    organisations, never their own account, never the installer's superuser."""
    if not access.can(actor, "security.manage"):
        raise PermissionDenied
    if not access.scoped_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    if user.pk == actor.pk:
        raise Refused(_("不能管理自己的账号，请由另一位安全管理员办理。"))
    if user.is_superuser and not actor.is_superuser:
        raise Refused(_("不能管理超级管理员账号。"))


def _home(user) -> Organisation | None:
    access.forget(user)  # roles may have just changed
    return access.home_organisation(user)


def _check_role(actor, user, organisation, role, department, committee) -> None:
    access.require(actor, "security.manage", organisation)
    if user is not None and user.pk == actor.pk:
        raise Refused(_("不能给自己分配角色。"))
    if role not in Role.values:
        raise Refused(_("角色无效。"))
    if role in access.DEPARTMENT_ROLES and department is None:
        raise Refused(_("承办单位角色须选择承办单位。"))
    if department is not None and department.organisation_id != organisation.pk:
        raise Refused(_("所选承办单位不属于该组织。"))
    if committee is not None and committee.organisation_id != organisation.pk:
        raise Refused(_("所选专门委员会不属于该组织。"))
    if user is not None:
        clash = access.admin_duty_conflict(user, role)
        if clash:
            raise Refused(
                _("三员分立：该用户已是%(held)s，不能再担任%(new)s。")
                % {"held": Role(clash).label, "new": Role(role).label}
            )
        # An account without a duty may have had its password shown to the security
        # administrator (created or reset on screen) or its phone set by them: given a duty,
        # it would be theirs to log in with. A duty comes with a new account, whose password
        # is texted to its holder; an account already holding it may hold it elsewhere too.
        if role in ADMIN_DUTIES and not _holds_duty(user):
            raise Refused(
                _(
                    "三员分立：管理员职责只能在新建账号时授予（临时密码以短信发到本人手机），"
                    "不能授予已有的业务账号或无角色账号。"
                )
            )


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    organisation: Organisation,
    role: str,
    department=None,
    committee=None,
) -> tuple:
    """A new account with its first role and a temporary password (returned once, never
    stored in clear; for an administrator duty sent by SMS instead) that must be changed at
    first login."""
    _check_role(actor, None, organisation, role, department, committee)
    if role in ADMIN_DUTIES:
        _check_duty_phone(actor, phone, role)
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(_("用户名“%(name)s”已被使用。") % {"name": username})
    password = generate_password()
    user = User(username=username, full_name=full_name, phone=phone, email=email)
    user.set_password(password)
    user.must_change_password = True
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # taken between the check above and now
        raise Refused(_("用户名“%(name)s”已被使用。") % {"name": username}) from exc
    RoleAssignment.objects.create(
        user=user, organisation=organisation, role=role, department=department, committee=committee
    )
    issued = _hand_out(user, password, duty=role in ADMIN_DUTIES)
    if role in ADMIN_DUTIES:
        _tell_duty_holders(actor, user, organisation, role)
    record_event(
        actor=actor,
        verb="user.create",
        subject=user,
        organisation=organisation,
        to_state=role,
        note=_role_note(organisation, role, department, committee),
        data={
            "role": role,
            "to_label": str(Role(role).label),
            "organisation": organisation.pk,
            "by_sms": bool(issued.sent_to),
        },
    )
    return user, issued


def _check_duty_phone(actor, phone: str, role: str) -> None:
    """A new administrator account's temporary password is texted to the number typed, so
    it must not be a number the creating security administrator reads (三员分立): their own,
    or that of an account holding another administrator duty."""
    phone = (phone or "").strip()
    if not phone:
        # Said before anything is made, for a new account (_hand_out's refusal speaks of an
        # existing account's reset, and left the security administrator unsure whether the
        # account was created).
        raise Refused(
            _(
                "账号未创建：管理员账号须填写本人手机号，临时密码只以短信发送到该手机，"
                "不向操作人显示。"
            )
        )
    others = RoleAssignment.objects.filter(role__in=ADMIN_DUTIES - {role}).values("user_id")
    if (
        phone == (actor.phone or "").strip()
        or User.objects.filter(pk__in=others, phone=phone).exists()
    ):
        raise Refused(
            _(
                "三员分立：管理员账号须登记其本人的手机号；该号码是您本人或其他管理员职责账号的号码，"
                "临时密码不能发到这里。"
            )
        )


def _tell_duty_holders(actor, user, organisation, role: str) -> None:
    """Who already holds the duty here or above hears of the new holder and the number its
    password went to: a second person sees at once what only the audit trail showed later."""
    from django.utils.translation import gettext_noop as N_

    from .notifications import notify
    from .phrases import Phrase

    holders = (
        User.objects.filter(
            is_active=True,
            role_assignments__role=role,
            role_assignments__organisation__in=[organisation.pk, *organisation.ancestor_ids()],
        )
        .exclude(pk=user.pk)
        .distinct()
    )
    notify(
        holders,
        title=Phrase(
            N_("%(actor)s新建了%(role)s账号 %(username)s"),
            actor=actor.full_name or actor.username,
            role=Phrase.of_label(Role(role).label),
            username=user.username,
        ),
        body=Phrase(
            N_("%(organisation)s；临时密码已以短信发到 %(phone)s。如非您所知，请立即核实。"),
            organisation=organisation.name,
            phone=mask_phone(user.phone),
        ),
    )


def _role_note(organisation, role: str, department=None, committee=None) -> str:
    """The audit note of a grant: "东湖区政协 · 政协办公室", then the department or
    committee the role acts for, if any."""
    parts = [organisation.name, str(Role(role).label)]
    parts += [unit.name for unit in (department, committee) if unit is not None]
    return " · ".join(parts)


def role_assign(
    *, actor, user, organisation: Organisation, role: str, department=None, committee=None
) -> RoleAssignment:
    """Grant `role`; an administrator duty refused under 三员分立 is itself audited
    (user.role_refused, after the refused grant's transaction): a security administrator
    trying to give an account a second duty is what the auditor must see."""
    try:
        return _role_assign(
            actor=actor,
            user=user,
            organisation=organisation,
            role=role,
            department=department,
            committee=committee,
        )
    except Refused as refused:
        if role in Role.values and (role in ADMIN_DUTIES or access.admin_duty_conflict(user, role)):
            record_event(
                actor=actor,
                verb="user.role_refused",
                subject=user,
                organisation=organisation,
                to_state=role,
                note=str(refused),
                data={"role": role, "to_label": str(Role(role).label)},
            )
        raise


@transaction.atomic
def _role_assign(
    *, actor, user, organisation: Organisation, role: str, department=None, committee=None
) -> RoleAssignment:
    if user.pk == actor.pk:
        raise Refused(_("不能给自己分配角色。"))
    _require_manageable(actor, user)
    _check_role(actor, user, organisation, role, department, committee)
    # Grants to one user are made one at a time: the check below then sees the other's.
    lock(User, user.pk)
    grant = {
        "user": user,
        "organisation": organisation,
        "role": role,
        "department": department,
        "committee": committee,
    }
    # Said here, not left to the database: its unique constraint counted NULL department
    # and committee as distinct, so a role could be granted twice (see orgs 0008).
    if RoleAssignment.objects.filter(**grant).exists():
        raise Refused(_("该用户在此组织已有这一角色。"))
    try:
        with transaction.atomic():
            ra = RoleAssignment.objects.create(**grant)
    except IntegrityError as exc:
        raise Refused(_("该用户在此组织已有这一角色。")) from exc
    record_event(
        actor=actor,
        verb="user.role_assign",
        subject=user,
        organisation=organisation,
        to_state=role,
        note=_role_note(organisation, role, department, committee),
        data={"role": role, "to_label": str(Role(role).label), "organisation": organisation.pk},
    )
    return ra


def _with_reason(note: str, reason: str) -> str:
    """An action's audit note with the optional reason the administrator gave."""
    reason = (reason or "").strip()[:200]
    if not reason:
        return note
    if not note:
        return reason
    return _("%(note)s；原因：%(reason)s") % {"note": note, "reason": reason}


def _grant_key(ra) -> tuple:
    return (ra.organisation_id, ra.role, ra.department_id, ra.committee_id)


def last_role_refusal(assignment: RoleAssignment, others=None) -> str:
    """Why this role may not be revoked, or "": it is the account's last one. A role-less
    account belongs to no organisation, so no security administrator of one can find or
    manage it, while it still logs in; and an administrator duty, given only with a new
    account, could never be given back (the only auditor, gone for good). Deactivating is
    the way to take an account out of use. `others`: the account's grants, if read already."""
    if others is None:
        others = RoleAssignment.objects.filter(user_id=assignment.user_id)
    if any(_grant_key(ra) != _grant_key(assignment) for ra in others):
        return ""
    if assignment.role in ADMIN_DUTIES:
        return _(
            "不能撤销：这是该账号唯一的管理员职责。管理员职责只能在新建账号时授予，"
            "撤销后无法恢复。该人员不再担任时，请停用账号。"
        )
    return _(
        "不能撤销该账号的最后一个角色：没有角色的账号不属于任何组织，撤销后安全管理员将无法再找到和管理它。"
        "调岗请先分配新角色再撤销此角色；不再使用请停用账号。"
    )


def _self_and_above(path: str) -> set[str]:
    """An organisation's path and its ancestors': "1.5.12." → {"1.", "1.5.", "1.5.12."}."""
    return {path[: i + 1] for i, ch in enumerate(path) if ch == "."}


def last_holder_refusal(user, assignment: RoleAssignment | None = None, grants=None) -> str:
    """Why `user` may not be deactivated — or, given `assignment`, why that grant may not be
    revoked — or "": the account is the only active holder of an administrator duty
    (三员分立) for an organisation, with nobody holding it there or above (where nobody
    above holds it, `access.is_top_level`). The three duties must each stay held: with no
    auditor nobody can read the audit log again, with no security administrator nobody can
    manage accounts. A holder above counts, as their duty reaches down; one below does not.
    `grants`: the account's grants with their organisations, if read already."""
    if not user.is_active:
        return ""  # holds no duty in use: nothing is lost
    if grants is None:
        grants = RoleAssignment.objects.filter(user_id=user.pk).select_related("organisation")
    duties = [ra for ra in grants if ra.role in ADMIN_DUTIES]
    if assignment is not None:
        duties = [ra for ra in duties if _grant_key(ra) == _grant_key(assignment)]
    for ra in duties:
        holders = RoleAssignment.objects.filter(
            role=ra.role,
            organisation__path__in=_self_and_above(ra.organisation.path),
            user__is_active=True,
        )
        if assignment is None:  # deactivated, the account holds nothing anywhere
            holders = holders.exclude(user_id=user.pk)
        else:  # revoked, its same duty granted higher up still holds
            holders = holders.exclude(
                organisation_id=ra.organisation_id, role=ra.role, user_id=user.pk
            )
        if holders.exists():
            continue
        names = {"org": ra.organisation.name, "duty": Role(ra.role).label}
        if assignment is None:
            return (
                _(
                    "不能停用：该账号是%(org)s唯一在用的%(duty)s，上级组织也没有，"
                    "停用后将无人担任这一职责（三员分立的三个职责须始终有人担任）。"
                    "请先新建另一个%(duty)s账号，再停用此账号。"
                )
                % names
            )
        return (
            _(
                "不能撤销：该账号是%(org)s唯一在用的%(duty)s，上级组织也没有，"
                "撤销后将无人担任这一职责（三员分立的三个职责须始终有人担任）。"
                "请先新建另一个%(duty)s账号，再撤销。"
            )
            % names
        )
    return ""


def _lock_holders(user) -> None:
    """Lock the account and every account holding one of its administrator duties there or
    above, in one order: two accounts taken out of use at once (each the other's only
    fellow holder) are then decided one after the other, the second seeing the first gone."""
    paths = set()
    duties = RoleAssignment.objects.filter(user_id=user.pk, role__in=ADMIN_DUTIES)
    for role, path in duties.values_list("role", "organisation__path"):
        paths |= {(role, p) for p in _self_and_above(path)}
    ids = {user.pk}
    for role in {role for role, _path in paths}:
        ids |= set(
            RoleAssignment.objects.filter(
                role=role, organisation__path__in=[p for r, p in paths if r == role]
            ).values_list("user_id", flat=True)
        )
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


@transaction.atomic
def role_remove(*, actor, assignment: RoleAssignment, reason: str = "") -> None:
    user = assignment.user
    access.require(actor, "security.manage", assignment.organisation)
    if user.pk == actor.pk:
        raise Refused(_("不能修改自己的角色。"))
    _require_manageable(actor, user)
    organisation, role = assignment.organisation, assignment.role
    department, committee = assignment.department, assignment.committee
    # Revocations of one account are made one at a time: the check below sees the other's
    # (and the fellow holders of its duties, taken out of use meanwhile).
    _lock_holders(user)
    refusal = last_role_refusal(assignment) or last_holder_refusal(user, assignment)
    if refusal:
        raise Refused(refusal)
    # Every copy of the grant goes (copies made before orgs 0008 forbade them): a revoked
    # role that stayed through a twin row would still be held.
    RoleAssignment.objects.filter(
        user=user, organisation=organisation, role=role, department=department, committee=committee
    ).delete()
    record_event(
        actor=actor,
        verb="user.role_remove",
        subject=user,
        organisation=organisation,
        from_state=role,
        note=_with_reason(_role_note(organisation, role, department, committee), reason),
        data={"role": role, "from_label": str(Role(role).label), "organisation": organisation.pk},
    )


@transaction.atomic
def user_password_reset(*, actor, user, reason: str = "") -> Issued:
    """A new temporary password, to be changed at the next login. Open sessions of the
    account end, because Django ties a session to the password hash."""
    _require_manageable(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    issued = _hand_out(user, password, duty=_holds_duty(user))
    end_sessions(user)  # ended by the new hash already; the page's count says 0
    record_event(
        actor=actor,
        verb="user.password_reset",
        subject=user,
        organisation=_home(user),
        note=_with_reason("", reason),
        data={"by_sms": bool(issued.sent_to)},
    )
    return issued


@transaction.atomic
def user_set_active(*, actor, user, active: bool, reason: str = "") -> None:
    """Deactivate (停用: the person left, or the account is misused) or reactivate an
    account. A deactivation says why: the audit trail keeps who, when and why."""
    _require_manageable(actor, user)
    reason = (reason or "").strip()[:200]
    if not active and not reason:
        raise Refused(_("请填写停用原因，例如“调离本单位”。"))
    if not active:
        _lock_holders(user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return
    if not active:
        refusal = last_holder_refusal(user)
        if refusal:
            raise Refused(refusal)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_sessions(user)  # refused by the backend anyway; the page's count says 0
    record_event(
        actor=actor,
        verb="user.activate" if active else "user.deactivate",
        subject=user,
        organisation=_home(user),
        from_state="active" if not active else "inactive",
        to_state="active" if active else "inactive",
        note=reason,
    )


@transaction.atomic
def user_update_contact(
    *, actor, user, full_name: str, phone: str | None, shown: tuple[str, str] | None = None
) -> bool:
    """Correct an account's name or register its mobile number (an account created without
    one cannot get a temporary password by text). `phone=None` leaves the number as it is.
    The audit note says from → to, the numbers masked. False when nothing changed.

    An administrator duty's temporary password goes to the number registered here
    (`_hand_out`): the security administrator may register one where none is, but not
    replace the holder's own, or they could route the auditor's password to themselves.

    `shown` is (name, masked number) as the page showed them: if the account holds others
    now (another security administrator saved it meanwhile), the save is refused
    (`StaleEdit`) rather than overwriting theirs unseen."""
    _require_manageable(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if shown is not None and tuple(shown) != contact_shown(user):
        raise StaleEdit()
    full_name = (full_name or "").strip()
    phone = user.phone if phone is None else phone.strip()
    changes, notes = {}, []
    if full_name != user.full_name:
        changes["full_name"] = [user.full_name, full_name]
        notes.append(
            _("姓名：%(old)s → %(new)s") % {"old": user.full_name or "—", "new": full_name}
        )
    if phone != user.phone:
        # Not registered where none is either: a number the security administrator typed
        # could be their own, and the next reset would text them the auditor's password.
        if _holds_duty(user):
            raise Refused(
                _(
                    "管理员账号的临时密码发往本人登记的手机，该号码不能由安全管理员登记或更改；"
                    "请由部署人员在服务器上办理。"
                )
            )
        old, new = mask_phone(user.phone), mask_phone(phone)
        changes["phone"] = [old, new]
        notes.append(_("手机号码：%(old)s → %(new)s") % {"old": old or "—", "new": new or "—"})
    if not changes:
        return False
    user.full_name, user.phone = full_name, phone
    user.save(update_fields=["full_name", "phone"])
    record_event(
        actor=actor,
        verb="user.update",
        subject=user,
        organisation=_home(user),
        note="；".join(notes),
        data={"changes": changes},
    )
    return True


def contact_shown(user) -> tuple[str, str]:
    """An account's name and number as its page shows them (the number masked): what an
    edit of them is checked against (`user_update_contact`)."""
    return user.full_name, mask_phone(user.phone) if user.phone else ""


def _open_sessions(user):
    """The account's open sessions: one query on the sessions' indexed account column
    (`core.sessions.SessionStore` fills it), whatever the number of other logins."""
    from .models import AccountSession

    return AccountSession.objects.filter(user_id=user.pk, expire_date__gt=timezone.now())


def open_sessions(user) -> int:
    """How many browsers are logged in as the account now."""
    return _open_sessions(user).count()


def end_sessions(user) -> int:
    """Log the account out everywhere: its open sessions are deleted (one DELETE; expired
    ones are left to `clearsessions`). Returns how many."""
    deleted, _rows = _open_sessions(user).delete()
    return deleted


@transaction.atomic
def user_end_sessions(*, actor, user, reason: str) -> int:
    """强制下线: end every open session of the account (a stolen or forgotten-open login);
    the person can log in again. The reason goes into the audit note."""
    _require_manageable(actor, user)
    reason = (reason or "").strip()[:200]
    if not reason:
        raise Refused(_("请填写强制下线的原因，例如“电脑遗失”。"))
    ended = end_sessions(user)
    if not ended:
        raise Refused(_("该账号当前没有登录。"))
    record_event(
        actor=actor,
        verb="user.sessions_end",
        subject=user,
        organisation=_home(user),
        note=reason,
        data={"sessions": ended},
    )
    return ended


def locked_usernames(usernames) -> set[str]:
    """Which of these usernames are locked out now (failed logins at the limit within the
    cool-off time). One query."""
    from axes.models import AccessAttempt

    usernames = list(usernames)
    if not usernames:
        return set()
    query = AccessAttempt.objects.filter(username__in=usernames)
    cooloff = settings.AXES_COOLOFF_TIME
    if cooloff:
        query = query.filter(attempt_time__gte=timezone.now() - dt.timedelta(hours=cooloff))
    rows = query.values("username").annotate(n=Sum("failures_since_start"))
    return {row["username"] for row in rows if row["n"] >= settings.AXES_FAILURE_LIMIT}


@transaction.atomic
def user_unlock(*, actor, user, reason: str = "") -> int:
    from axes.utils import reset

    _require_manageable(actor, user)
    count = reset(username=user.username)
    TotpDevice.objects.filter(user=user).update(failures=0)
    record_event(
        actor=actor,
        verb="user.unlock",
        subject=user,
        organisation=_home(user),
        note=_with_reason("", reason),
        data={"attempts_cleared": count},
    )
    return count


@transaction.atomic
def user_otp_reset(*, actor, user) -> None:
    """Forget the account's authenticator (a lost phone): it enrols again at next login."""
    _require_manageable(actor, user)
    deleted, _rows = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        record_event(actor=actor, verb="user.otp_reset", subject=user, organisation=_home(user))


# --- Reference data (system administrator) ------------------------------------------------


def calendar_editable(actor) -> bool:
    """The working-day calendar is shared by the whole deployment, so only a system
    administrator at the top of the tree edits it."""
    return access.is_top_level(actor, "system.manage")


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, is_working_day: bool, note: str = "") -> CalendarDay:
    if not calendar_editable(actor):
        raise PermissionDenied
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = None if day is None else day.is_working_day
    if day is None:
        day = CalendarDay(date=date)
    day.is_working_day = is_working_day
    day.note = note
    # Entered on its own, the day is a local exception from now on, even on a date the
    # year's notice wrote (the notice takes its dates back if it is entered again).
    day.notice = None
    day.save()
    record_event(
        actor=actor,
        verb="calendar.set",
        subject=day,
        organisation=access.home_organisation(actor),
        from_state="" if before is None else ("work" if before else "rest"),
        to_state="work" if is_working_day else "rest",
        note=note,
        data={"date": date.isoformat()},
    )
    return day


@transaction.atomic
def calendar_day_remove(*, actor, day: CalendarDay) -> None:
    if not calendar_editable(actor):
        raise PermissionDenied
    record_event(
        actor=actor,
        verb="calendar.remove",
        subject=day,
        organisation=access.home_organisation(actor),
        from_state="work" if day.is_working_day else "rest",
        data={"date": day.date.isoformat()},
    )
    CalendarDay.objects.filter(pk=day.pk).delete()


def _day_label(working: bool, note: str) -> str:
    return f"{'班' if working else '休'} {note}".strip()


def notice_days(
    year: int, periods: list[tuple[str, dt.date, dt.date]], makeups: list[tuple[dt.date, str]]
) -> dict[dt.date, tuple[bool, str]]:
    """{date: (is_working_day, note)} that a year's notice writes: every day of each holiday
    period off (named after it), each make-up day a working day. Refuses days outside the
    year and a date given twice (the form says which row; this is the service's own check)."""
    days: dict[dt.date, tuple[bool, str]] = {}

    def put(day: dt.date, value: tuple[bool, str]) -> None:
        if day.year != year:
            raise ValidationError(
                _("%(day)s不在%(year)s年内。") % {"day": chinese_date(day), "year": year}
            )
        if day in days:
            raise ValidationError(_("%(day)s重复填写。") % {"day": chinese_date(day)})
        days[day] = value

    for name, first, last in periods:
        if last < first:
            raise ValidationError(_("%(name)s：结束日期早于开始日期。") % {"name": name})
        day = first
        while day <= last:
            put(day, (False, name))
            day += dt.timedelta(days=1)
    for day, note in makeups:
        put(day, (True, note or _("调休上班")))
    return days


@transaction.atomic
def holiday_notice_save(
    *,
    actor,
    year: int,
    title: str,
    number: str,
    published_on: dt.date,
    periods: list[tuple[str, dt.date, dt.date]],
    makeups: list[tuple[dt.date, str]],
    expected_version: int = 0,
) -> HolidayNotice:
    """Enter (or enter again) the State Council's notice for `year`: its `CalendarDay` rows
    replace those of the year's previous notice; days entered on their own (local
    exceptions) stay, except on a date the notice names, which the notice takes over. The
    year is confirmed from then on. `expected_version` is the notice's version the form was
    loaded with (0 for a year without one): a notice saved meanwhile raises StaleEdit."""
    if not calendar_editable(actor):
        raise PermissionDenied
    wanted = notice_days(year, periods, makeups)
    notice = HolidayNotice.objects.select_for_update().filter(year=year).first()
    if notice is not None and not expected_version:
        raise ValidationError(
            _("%(year)s年的通知已经录入，请打开该年度的通知修改后再保存。") % {"year": year}
        )
    if (notice.version if notice else 0) != expected_version:
        raise StaleEdit()
    header = {"title": title, "number": number, "published_on": published_on}
    if notice is None:
        before_header: dict = {}
        try:
            with transaction.atomic():
                notice = HolidayNotice.objects.create(
                    year=year, entered_by=actor, entered_at=timezone.now(), **header
                )
        except IntegrityError as exc:  # another administrator created it meanwhile
            raise StaleEdit() from exc
    else:
        before_header = {key: getattr(notice, key) for key in header}
        for key, value in header.items():
            setattr(notice, key, value)
        notice.entered_by, notice.entered_at = actor, timezone.now()
        save_versioned(
            notice,
            expected_version=expected_version,
            fields=[*header, "entered_by", "entered_at"],
        )
    previous = {
        row.date: (row.is_working_day, row.note)
        for row in CalendarDay.objects.select_for_update().filter(notice=notice)
    }
    CalendarDay.objects.filter(notice=notice).delete()
    local = {
        row.date: row
        for row in CalendarDay.objects.select_for_update().filter(date__in=list(wanted))
    }
    taken_over = {}
    new_rows = []
    for day, (working, note) in sorted(wanted.items()):
        row = local.get(day)
        if row is not None:
            taken_over[day.isoformat()] = _day_label(row.is_working_day, row.note)
            row.is_working_day, row.note, row.notice = working, note, notice
            row.save(update_fields=["is_working_day", "note", "notice"])
        else:
            new_rows.append(CalendarDay(date=day, is_working_day=working, note=note, notice=notice))
    CalendarDay.objects.bulk_create(new_rows)
    # The year is confirmed: the deadline warnings of this process stop now.
    working_calendar.forget_confirmed()
    transaction.on_commit(working_calendar.forget_confirmed)
    record_event(
        actor=actor,
        verb="calendar.notice",
        subject=notice,
        organisation=access.home_organisation(actor),
        from_state="confirmed" if previous or before_header else "",
        to_state="confirmed",
        note=" ".join(part for part in (title, number) if part),
        data={
            "year": year,
            "header": changed_fields(
                {k: str(v) for k, v in before_header.items()},
                {k: str(v) for k, v in header.items()},
            ),
            "added": {
                d.isoformat(): _day_label(*v) for d, v in wanted.items() if d not in previous
            },
            "removed": {
                d.isoformat(): _day_label(*v) for d, v in previous.items() if d not in wanted
            },
            "changed": {
                d.isoformat(): [_day_label(*previous[d]), _day_label(*v)]
                for d, v in wanted.items()
                if d in previous and previous[d] != v
            },
            "local_taken_over": taken_over,
        },
    )
    return notice


@transaction.atomic
def organisation_add(*, actor, name: str, level: str, parent: Organisation, **fields):
    """A new organisation below an open one the system administrator manages. Its name must
    differ from its siblings' (two 和平社区 under different streets are fine; two under one
    street cannot be told apart anywhere), and so must its code: refused with a
    ValidationError on the field."""
    access.require(actor, "system.manage", parent)
    name = (name or "").strip()
    code = (fields.pop("code", "") or "").strip()
    # Additions below one parent are made one at a time, so the check sees the other's.
    parent = lock(Organisation, parent.pk)
    errors = {}
    if not parent.is_active:
        errors["parent"] = _("“%(parent)s”已撤销，不能在其下新建组织。") % {"parent": parent.name}
    if organisation_name_taken(parent=parent, name=name):
        errors["name"] = _("“%(parent)s”下已有名为“%(name)s”的组织，请换一个名称。") % {
            "parent": parent.name,
            "name": name,
        }
    # A code typed (the official 行政区划代码) must differ from the siblings'; none typed,
    # one is numbered after the parent's (orgs.services.next_code).
    if code and organisation_code_taken(parent=parent, code=code):
        errors["code"] = _("同一上级下已有代码为“%(code)s”的组织，请换一个代码。") % {"code": code}
    if errors:
        raise ValidationError(errors)
    return organisation_create(
        name=name, level=level, parent=parent, actor=actor, code=code, **fields
    )


# --- Staff second factor (TOTP) -----------------------------------------------------------

OTP_SESSION_KEY = "xs_otp_ok"
# The lockout of too many wrong codes is the password lockout (django-axes), so the login
# page, the administrators' list and "unlock" treat both the same. Its attempt row is told
# apart by this user agent.
OTP_LOCK_AGENT = "xieshang-totp"


def otp_required(user) -> bool:
    return bool(settings.STAFF_2FA_REQUIRED) and access.is_staff_user(user)


def otp_device(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def otp_pending_device(user) -> TotpDevice:
    """The device being set up: an unconfirmed one with a fresh secret (kept across page
    reloads, so the secret the user typed into their app stays valid)."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        device = TotpDevice.objects.create(user=user, secret=pyotp.random_base32(32))
    return device


def otp_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.username, issuer_name=settings.TOTP_ISSUER
    )


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code equals `code`, allowing one step of clock drift."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for drift in (0, -1, 1):
        when = now + dt.timedelta(seconds=30 * drift)
        if hmac.compare_digest(totp.at(when), code):
            return totp.timecode(when)
    return None


def otp_locked(user) -> bool:
    """Is the account locked out (by wrong passwords or wrong codes)?"""
    return user.username in locked_usernames([user.username])


def _lock_account(user) -> None:
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=user.username, user_agent=OTP_LOCK_AGENT).delete()
    AccessAttempt.objects.create(
        username=user.username,
        user_agent=OTP_LOCK_AGENT,
        ip_address=None,
        http_accept="",
        path_info="",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    record_event(
        actor=None,
        verb="auth.locked_out",
        subject=user,
        organisation=_home(user),
        note=user.username,
        data={"username": user.username, "factor": "totp"},
    )


@transaction.atomic
def otp_check(*, user, code: str, enrol: bool = False) -> bool:
    """Is `code` valid for the user's device? With `enrol`, a valid code also confirms a
    device being set up. A code is accepted once only. Wrong codes count per account; at
    the login failure limit the account is locked as a password lockout would lock it, and
    while it is locked no code is accepted."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or (device.confirmed_at is None and not enrol):
        return False
    if otp_locked(user):
        return False
    step = _matching_step(device.secret, code)
    if step is None or step <= device.last_step:
        record_event(actor=user, verb="auth.otp_failed", subject=user, organisation=_home(user))
        device.failures += 1
        if device.failures >= settings.AXES_FAILURE_LIMIT:
            device.failures = 0
            _lock_account(user)
        device.save(update_fields=["failures"])
        return False
    device.last_step = step
    device.failures = 0
    fields = ["last_step", "failures"]
    if device.confirmed_at is None:
        device.confirmed_at = timezone.now()
        fields.append("confirmed_at")
        record_event(actor=user, verb="auth.otp_enrolled", subject=user, organisation=_home(user))
    device.save(update_fields=fields)
    return True
