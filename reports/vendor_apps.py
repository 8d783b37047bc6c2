"""The third-party apps of the admin under Chinese names (their own app configs have English ones).

``INSTALLED_APPS`` names these instead of ``axes`` and ``django_otp.plugins.otp_totp``; the apps'
labels, models and migrations are theirs, only the name the admin shows changes.
"""

from axes.apps import AppConfig as AxesAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "登录失败锁定"


class TOTPConfig(TOTPAppConfig):
    verbose_name = "动态口令(TOTP)"
