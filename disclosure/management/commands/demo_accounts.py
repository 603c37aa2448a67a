"""Demo logins for `make demo`. Idempotent: running it again resets the same accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

DATA_MODELS = [
    "disclosure",
    "staffingentry",
    "duty",
    "worktask",
    "worktaskitem",
    "expenditureline",
    "threepublicexpense",
]


def _perms(actions: list[str], models: list[str]) -> list[Permission]:
    codenames = [f"{a}_{m}" for a in actions for m in models]
    return list(Permission.objects.filter(codename__in=codenames))


ROLES = {
    # group: (permissions, demo username, password)
    "财务录入员": (
        lambda: (
            _perms(["view", "add", "change", "delete"], DATA_MODELS)
            + _perms(["view"], ["agency", "fiscalyear"])
        ),
        "clerk",
        "clerk-demo-2014",
    ),
    "审核人员": (
        lambda: (
            _perms(["view", "change"], DATA_MODELS)
            + _perms(["view"], ["agency", "fiscalyear"])
            + list(Permission.objects.filter(codename="publish_disclosure"))
        ),
        "reviewer",
        "reviewer-demo-2014",
    ),
    "审计人员": (
        lambda: _perms(["view"], DATA_MODELS + ["agency", "fiscalyear"]),
        "auditor",
        "auditor-demo-2014",
    ),
}


class Command(BaseCommand):
    help = "创建演示账号（管理员、录入员、审核人员、审计人员）并打印登录信息。"

    def handle(self, *args, **options):
        User = get_user_model()
        logins = [("管理员", "admin", "admin-demo-2014")]
        admin, _ = User.objects.get_or_create(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.set_password("admin-demo-2014")
        admin.save()
        for group_name, (permissions, username, password) in ROLES.items():
            group, _ = Group.objects.get_or_create(name=group_name)
            group.permissions.set(permissions())
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = False
            user.set_password(password)
            user.save()
            user.groups.set([group])
            logins.append((group_name, username, password))
        self.stdout.write("演示账号（仅供本地演示）：")
        for role, username, password in logins:
            self.stdout.write(f"  {role:<6} 用户名 {username:<9} 密码 {password}")
