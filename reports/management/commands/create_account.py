"""python manage.py create_account USERNAME --role editor|reviewer|admin [--region CODE]...
[--publisher NAME]... [--password-env VAR]"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.models import Role
from reports.services.accounts import account_create


class Command(BaseCommand):
    help = "新建或更新一个账号:角色(编辑/审核/管理员)和管辖范围(地区及其下级、发布机构)。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role", required=True, choices=Role.values, help="editor=编辑, reviewer=审核, admin=管理员"
        )
        parser.add_argument("--region", action="append", default=[], metavar="CODE", help="六位行政区划代码,可重复")
        parser.add_argument("--publisher", action="append", default=[], metavar="NAME", help="发布机构名称,可重复")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", metavar="VAR", help="从这个环境变量读取密码;不给时在终端输入(不回显)")

    def handle(self, *args, **options):
        if options["password_env"]:
            password = os.environ.get(options["password_env"])
            if not password:
                raise CommandError(f"环境变量 {options['password_env']} 未设置或为空")
        else:
            password = getpass.getpass("密码:")
            if password != getpass.getpass("再次输入密码:"):
                raise CommandError("两次输入的密码不一致")
        try:
            user = account_create(
                username=options["username"],
                role=options["role"],
                password=password,
                region_codes=options["region"],
                publisher_names=options["publisher"],
                email=options["email"],
            )
        except ValidationError as e:
            raise CommandError(";".join(e.messages)) from None
        self.stdout.write(f"账号 {user.username} 已就绪:{Role(options['role']).label}。")
