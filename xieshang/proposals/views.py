"""Pages of members and of the proposal committee (owned by the member/committee UI work)."""

urlpatterns: list = []
