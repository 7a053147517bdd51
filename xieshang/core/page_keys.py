"""A new-record page's own key: the record it already created.

A phone's back button after 保存 / 提交 brings the new-record page back with the text still
typed in; posting it again must not create a second record (a second item for the office to
review). The page carries a random key (static/xs/proposals.js fills every empty
`input[data-draft-key]`, so the browser restores it with the typing); the session remembers
which record each key created and at which version, and the view then posts into that
record's edit instead (its version check and its refusals apply), or, for a record with no
edit page of its own, says it was already sent. Used by the new-proposal, 社情民意, duty-entry
and consultation-topic pages."""

KEPT = 20
MAX_KEY = 64


def _session_key(kind: str) -> str:
    return f"page_keys.{kind}"


def saved(request, kind: str) -> tuple[int, int] | None:
    """(pk, version) of the record of `kind` this page's key already created, or None."""
    key = request.POST.get("draft_key", "")
    if not key or len(key) > MAX_KEY:
        return None
    found = request.session.get(_session_key(kind), {}).get(key)
    return (found[0], found[1]) if found else None


def remember(request, kind: str, pk: int, version: int) -> None:
    """Note that this page's key created (or last saved) record `pk` at `version`."""
    key = request.POST.get("draft_key", "")
    if not key or len(key) > MAX_KEY:
        return
    kept = dict(request.session.get(_session_key(kind), {}))
    kept.pop(key, None)
    kept[key] = [pk, version]
    request.session[_session_key(kind)] = dict(list(kept.items())[-KEPT:])


def posted(request) -> str:
    """The page's key, to write back into a page shown again (a refused post)."""
    return request.POST.get("draft_key", "")[:MAX_KEY]


def post_into_saved(request, kind: str, model, edit):
    """For a page whose key already created a record of `model` that still exists: the post
    goes to `edit(request, pk)` (with the remembered version when the page carried none, so
    the edit's version check applies), and the key then remembers the version it saved. None
    when the page created nothing yet (or its record is gone): the page creates one."""
    found = saved(request, kind)
    if found is None or not model._default_manager.filter(pk=found[0]).exists():
        return None
    pk, version = found
    if not request.POST.get("version"):
        request.POST = request.POST.copy()
        request.POST["version"] = str(version)
    response = edit(request, pk)
    if response.status_code == 302:
        now = model._default_manager.values_list("version", flat=True).get(pk=pk)
        remember(request, kind, pk, now)
    return response
