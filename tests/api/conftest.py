from tests.demodata import demo  # noqa: F401 - the demo district, a module fixture
from xieshang.core.models import ApiToken, User


def bearer(username: str) -> dict:
    _, raw = ApiToken.issue(user=User.objects.get(username=username), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
