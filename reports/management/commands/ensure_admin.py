import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "确保存在管理员账号 admin;密码取自 GOVOPEN_ADMIN_PASSWORD,未设置时生成并打印。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("GOVOPEN_ADMIN_USER", "admin"))

    def handle(self, *args, username, **opts):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"管理员账号 {username} 已存在(密码未改动)。")
            return
        password = os.environ.get("GOVOPEN_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        shown = "(取自 GOVOPEN_ADMIN_PASSWORD)" if os.environ.get("GOVOPEN_ADMIN_PASSWORD") else password
        self.stdout.write(f"已创建管理员账号:用户名 {username},密码 {shown}")
