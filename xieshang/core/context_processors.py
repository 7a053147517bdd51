from . import access


def navigation(request):
    """What the base layout needs: the user's roles, permissions and unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    return {
        "user_roles": access.roles(user),
        "home_org": access.home_organisation(user),
        "can": _Can(user),
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }


class _Can:
    """`{% if can.members_view %}` in templates: dots in permission names become underscores."""

    def __init__(self, user):
        self.user = user

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        # Asked once per page: the menu and the page body ask the same questions.
        allowed = access.can(self.user, name.replace("_", ".", 1))
        setattr(self, name, allowed)
        return allowed
