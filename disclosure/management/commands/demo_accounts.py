"""Demo logins for `make demo`. Idempotent: running it again resets the same accounts.

The roles themselves (groups and permissions) come from migration disclosure/0008_roles; this
only creates one user per role and binds the demo clerk to the seed's agency.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from bureaus.models import Agency

CLERK_AGENCY_SLUG = "liyang-xinfang"
# role (group) → (username, password)
ROLES = {
    "财务录入员": ("clerk", "clerk-demo-2014"),
    "审核人员": ("reviewer", "reviewer-demo-2014"),
    "审计人员": ("auditor", "auditor-demo-2014"),
}


class Command(BaseCommand):
    help = "创建演示账号（管理员、录入员、审核人员、审计人员）并打印登录信息。"

    def handle(self, *args, **options):
        # The passwords are printed in the README: on a real site they would be a back door
        # (and it would reset a real superuser's password). Only the demo runs with DEBUG on.
        if not settings.DEBUG:
            raise CommandError(
                "演示账号的密码是公开的，只能在演示环境（DEBUG=1）中创建；"
                "本站点未开启 DEBUG，未做任何修改。"
            )
        User = get_user_model()
        logins = [("管理员", "admin", "admin-demo-2014")]
        admin, _ = User.objects.get_or_create(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.set_password("admin-demo-2014")
        admin.save()
        for group_name, (username, password) in ROLES.items():
            try:
                group = Group.objects.get(name=group_name)
            except Group.DoesNotExist:
                raise CommandError(f"角色“{group_name}”不存在，请先运行 migrate。") from None
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = False
            user.set_password(password)
            user.save()
            user.groups.set([group])
            logins.append((group_name, username, password))
        clerk = User.objects.get(username=ROLES["财务录入员"][0])
        agency = Agency.objects.filter(slug=CLERK_AGENCY_SLUG).first()
        if agency is not None:
            agency.clerks.add(clerk)
        self.stdout.write("演示账号（仅供本地演示）：")
        for role, username, password in logins:
            self.stdout.write(f"  {role:<6} 用户名 {username:<9} 密码 {password}")
        if agency is not None:
            self.stdout.write(f"  录入员 clerk 只能查看和编辑“{agency.name}”的决算公开。")
