"""The session engine (SESSION_ENGINE): Django's database sessions, extended the documented
way ("extending database-backed session engines") with the logged-in account's id in an
indexed column, so `core.services.open_sessions`/`end_sessions` are one indexed query.
Everything else (cycling the key at login, flushing at logout, the idle timeout's expiry,
`clearsessions`) is Django's own db engine."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import AccountSession

        return AccountSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None  # an anonymous session (the language, the login form)
        return session
