"""The admin's sign-in form: password, then — for 审核 and 管理员 when ``GOVOPEN_REQUIRE_2FA`` is
on — a TOTP code from the authenticator app a 管理员 set up for the account (django-otp's TOTP
devices, with their QR code, in the admin). Lockout after repeated failures is django-axes'."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp import devices_for_user
from django_otp.forms import OTPAuthenticationFormMixin

from reports.selectors.access import access


def needs_second_factor(user) -> bool:
    if not settings.GOVOPEN_REQUIRE_2FA or user is None:
        return False
    a = access(user)
    return a.admin or a.reviewer


class AdminLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        required=False,
        label="动态口令",
        help_text="审核、管理员账号:身份验证器应用中显示的 6 位数字",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "这个账号需要动态口令:请输入身份验证器应用中的 6 位数字。",
        "invalid_token": "动态口令不正确或已过期,请重新输入。",
        "n_failed_attempts": "动态口令错误次数过多,请稍后再试。",
        "verification_failed": "动态口令不正确或已过期,请重新输入。",
        "challenge_exception": "无法发送动态口令。",
        "not_interactive": "这个设备不能发送动态口令。",
        "challenge_message": "{0}",
        "device_required": "这个账号还没有设置动态口令设备:请联系管理员在管理后台为它添加 TOTP 设备。",
        "verification_not_allowed": "动态口令验证暂时被禁用,请稍后再试。",
    }

    def _chosen_device(self, user):
        """The device the form names, else the account's (first) confirmed one: people type the
        six digits and do not pick a device."""
        device = super()._chosen_device(user)
        if device is None:
            device = next(iter(devices_for_user(user, confirmed=True)), None)
        return device

    def clean(self):
        self.cleaned_data = super().clean()
        user = self.get_user()
        if needs_second_factor(user):
            self.clean_otp(user)
        return self.cleaned_data


admin.site.login_form = AdminLoginForm
admin.site.login_template = "admin/govopen_login.html"
