"""Logins, logouts, failed logins and lockouts go into the audit trail (等保: 登录日志).

Each event carries the account's home organisation, so a district's auditor sees the logins
of the district's accounts; a failed login for a name that is no account belongs to no
organisation and is seen by top-level auditors only.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from . import access, login_guard
from .audit import record_event, register_verbs

register_verbs(
    module=_("登录与账号"),
    labels={
        "auth.login": _("登录"),
        "auth.logout": _("退出登录"),
        "auth.login_failed": _("登录失败"),
        "auth.locked_out": _("账号锁定"),
        "auth.login_refused_locked": _("账号锁定中，拒绝登录"),
        "auth.address_blocked": _("网络地址登录失败过多，暂停登录"),
        "auth.address_unblocked": _("解除网络地址的登录暂停"),
        "auth.password_changed": _("修改密码"),
        "auth.otp_enrolled": _("启用动态口令"),
        "auth.otp_failed": _("动态口令错误"),
        "user.create": _("创建账号"),
        "user.role_assign": _("分配角色"),
        "user.role_refused": _("拒绝分配管理员职责（三员分立）"),
        "user.role_remove": _("撤销角色"),
        "user.update": _("修改姓名或手机号码"),
        "user.password_reset": _("重置密码"),
        "user.deactivate": _("停用账号"),
        "user.activate": _("启用账号"),
        "user.unlock": _("解除锁定"),
        "user.sessions_end": _("强制下线"),
        "user.otp_reset": _("重置动态口令"),
        "api_token.issue": _("申请接口令牌"),
        "api_token.revoke": _("撤销接口令牌"),
        "calendar.set": _("设置工作日调整"),
        "calendar.remove": _("删除工作日调整"),
        "calendar.notice": _("录入节假日安排通知"),
        "org.create": _("新建组织"),
        "org.rename": _("组织改名"),
        "org.code": _("修改组织代码"),
        "org.close": _("撤销组织"),
        "org.reopen": _("恢复组织"),
        "org.department_order": _("调整承办单位排序"),
        "pii.view": _("查看个人信息"),
        "pii.export": _("导出个人信息"),
        "audit.export": _("导出审计日志"),
        "audit.purge": _("清理过期审计记录"),
        "audit.verify": _("审计记录完整性校验"),
        "backup.create": _("备份数据"),
        "backup.restore": _("恢复数据"),
    },
)


def _account(username: str):
    return get_user_model().objects.filter(username=username).first() if username else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event(
        actor=user, verb="auth.login", subject=user, organisation=access.home_organisation(user)
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(
            actor=user,
            verb="auth.logout",
            subject=user,
            organisation=access.home_organisation(user),
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    account = _account(username)
    # An attempt at an account already locked was refused before its password was checked:
    # one row that says so, not a wrong password (and no new lock event, see below).
    locked = request is not None and login_guard.locked_before(request)
    record_event(
        actor=None,
        verb="auth.login_refused_locked" if locked else "auth.login_failed",
        subject=account,
        organisation=access.home_organisation(account) if account else None,
        note=username,
        data={"username": username},
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    if request is not None and login_guard.locked_before(request):
        return  # still locked, not locked again: recorded as a refusal in _login_failed
    username = str(username or "")[:150]
    account = _account(username)
    record_event(
        actor=None,
        verb="auth.locked_out",
        subject=account,
        organisation=access.home_organisation(account) if account else None,
        note=username,
        data={"username": username},
    )
