"""The JSON API: /api/v1/, token auth, OpenAPI at /api/v1/openapi.json. One router per
domain, each calling the same services and policies as the web pages."""

import logging
import re

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja import errors as ninja_errors
from ninja.errors import HttpError
from ninja.security import HttpBearer

from xieshang.api.schemas import ErrorOut, ValidationErrorOut
from xieshang.core import api_tokens
from xieshang.core.audit import TransitionError

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    def __call__(self, request):
        # A script has no language switch: its Accept-Language asks for English (the
        # pages ignore the header, the API honours it); the cookie, if sent, still wins.
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return super().__call__(request)

    def authenticate(self, request, token: str):
        verdict = api_tokens.authenticate(token)
        if verdict.expired:
            raise Refusal(401, _("令牌已过期，请在“接口令牌”页面申请新令牌。"))
        if verdict.retry_after:
            raise Refusal(
                429,
                _("请求过于频繁：每个令牌每分钟最多 %(n)s 次，请 %(s)s 秒后再试。")
                % {"n": settings.API_RATE_PER_MINUTE, "s": verdict.retry_after},
                headers={"Retry-After": str(verdict.retry_after)},
            )
        if verdict.user is None:
            return None
        if verdict.refused:
            # Checked on every request, not when the token was issued (and before the token
            # is stamped as used or counted against its budget: `api_tokens.authenticate`):
            # a token its owner held as staff stops the moment they are left with 政协委员
            # only. Nothing about the account or the path is in the answer; the log keeps
            # the token's prefix.
            logger.warning(
                "API token %s… refused: user %s may no longer hold API tokens",
                token[:8],
                verdict.user.pk,
            )
            raise Refusal(
                403,
                _(
                    "该令牌已不能使用：接口令牌仅供工作人员和管理员使用，"
                    "令牌持有人的账号已不在此列。如仍需使用接口，请联系本单位安全管理员。"
                ),
            )
        request.user = verdict.user
        return verdict.user


class Refusal(HttpError):
    """An HttpError whose message is already written for the caller (in Chinese), with
    headers of its own (Retry-After)."""

    def __init__(self, status_code: int, message: str, headers: dict | None = None):
        super().__init__(status_code, message)
        self.headers = headers or {}


def validation_message(error: dict) -> str:
    """A pydantic error in Chinese, by its type (the `type` and `loc` stay as they are)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_too_long":
        return _("最多%(n)s个字。") % {"n": ctx.get("max_length")}
    if kind == "literal_error":
        return _("可选值为：%(values)s。") % {"values": ctx.get("expected", "")}
    if kind == "missing":
        return _("必须填写。")
    if kind in ("greater_than_equal", "greater_than"):
        return _("不能小于%(n)s。") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("不能大于%(n)s。") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind.startswith("int_"):
        return _("须为整数。")
    if kind.startswith("bool_"):
        return _("须为 true 或 false。")
    if kind.startswith("string_"):
        return _("须为文字。")
    if kind.startswith("list_"):
        return _("须为列表。")
    if kind.startswith(("date_", "datetime_")):
        return _("日期格式不正确，请用 2026-12-03 这样的写法。")
    if kind in ("model_attributes_type", "model_type", "dict_type"):
        return _("须为 JSON 对象（{…}），不能是列表或单个值。")
    if kind == "extra_forbidden":
        return _("此接口不接受该字段，请检查字段名的拼写。")
    if kind == "json_invalid":
        return _("请求正文不是有效的 JSON。")
    if kind == "nothing_to_change":
        return _("没有要修改的内容：除 version 外，请至少给出一个要修改的字段。")
    return _("格式不正确。")


def refusal_items(exc: ValidationError | TransitionError) -> list[dict]:
    """A service's refusal as the items of a 422 body, the shape ninja gives for a body that
    does not validate, so a client reads one shape whether the schema or a business rule
    refused the request: a field's error names it in `loc` (`["body", "payload", field]`),
    a rule about the whole request or the object's state has `["body", "payload"]`.
    `type` is `value_error` for what the request asks for, `state_error` for a step the
    object's current state does not allow."""
    if isinstance(exc, TransitionError):
        return [{"type": "state_error", "loc": ["body", "payload"], "msg": str(exc)}]
    if hasattr(exc, "error_dict"):
        return [
            {
                "type": "value_error",
                "loc": ["body", "payload"] + ([] if field == "__all__" else [field]),
                "msg": msg,
            }
            for field, messages in exc.message_dict.items()
            for msg in messages
        ]
    return [{"type": "value_error", "loc": ["body", "payload"], "msg": msg} for msg in exc.messages]


class XieshangAPI(NinjaAPI):
    """The NinjaAPI with two additions that every router gets without asking:

    - a number the database cannot take (an id past 64 bits reaching a query, a value
      PostgreSQL refuses) is the caller's 422, not a server error;
    - the OpenAPI lists the error answers every operation can give: 401 without a valid
      token, 403 when the token's owner may no longer hold one (or lacks the right), 429
      past the token's budget per minute, 422 for a request that does not validate, 404
      where a path names a row;
    - a service's refusal (django's ValidationError, a TransitionError) that a router lets
      through is the caller's 422 in the same shape (`refusal_items`), on every router.
    """

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        for exc_class in (OverflowError, DataError, ValueError):
            self.add_exception_handler(exc_class, self._unprocessable)
        # ninja's own answers are English ("Not Found", pydantic's "String should have at
        # most 120 characters"); the people reading them are Chinese first.
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(ninja_errors.ValidationError, self._invalid)
        self.add_exception_handler(ValidationError, self._refused)
        self.add_exception_handler(TransitionError, self._refused)

    def _not_found(self, request, exc):
        return self.create_response(request, {"detail": _("对象不存在或无权查看。")}, status=404)

    def _http_error(self, request, exc):
        messages = {
            401: _("未提供有效的令牌。"),
            403: _("无权执行此操作。"),
            429: _("请求过于频繁，请稍后再试。"),
        }
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            detail = _("请求正文不是有效的 JSON。")  # ninja's parser, in English
        elif isinstance(exc, Refusal) or type(exc) is HttpError:
            # Written for the caller by our routers ("无权查看经费预算。"); ninja's own
            # refusals are subclasses (AuthenticationError, Throttled…) in English.
            detail = str(exc)
        else:
            detail = messages.get(exc.status_code, str(exc))
        response = self.create_response(request, {"detail": detail}, status=exc.status_code)
        for header, value in getattr(exc, "headers", {}).items():
            response[header] = value
        return response

    def _invalid(self, request, exc):
        detail = [{**error, "msg": validation_message(error)} for error in exc.errors]
        return self.create_response(request, {"detail": detail}, status=422)

    def _refused(self, request, exc):
        return self.create_response(request, {"detail": refusal_items(exc)}, status=422)

    def _unprocessable(self, request, exc):
        if isinstance(exc, pydantic.ValidationError):
            raise exc  # our own response failed its schema: a bug, let it be a 500
        # Logged with the traceback: a ValueError may also be a bug, not only bad input.
        logger.warning("API input refused as unprocessable: %s", exc, exc_info=True)
        error = {"type": "out_of_range", "loc": ["request"], "msg": _("请求中的数值超出范围。")}
        return self.create_response(request, {"detail": [error]}, status=422)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        in_chinese(schema)
        return schema


# The routers' tags stay English words (a client generator makes class names of them);
# Swagger UI shows each with its Chinese description.
TAGS = {
    "members": "委员",
    "followups": "督办事项",
    "proposals": "提案",
    "consultation": "协商议题、年度协商计划、协商活动与成果",
    "meetings": "会议活动、请假与签到",
    "opinions": "社情民意信息",
    "budgets": "经费预算",
    "files": "文件下载",
}


ERROR_SCHEMAS = {"ErrorOut": ErrorOut, "ValidationErrorOut": ValidationErrorOut}
# Integer keys, as ninja writes the responses it knows: "422" next to 422 would be a
# duplicate key once serialised, which Swagger UI refuses to parse.
ERROR_RESPONSES = {
    400: ("ErrorOut", "请求正文不是有效的 JSON"),
    401: ("ErrorOut", "未提供有效的令牌"),
    403: ("ErrorOut", "无权执行此操作，或令牌持有人已不能使用接口令牌"),
    404: ("ErrorOut", "对象不存在或无权查看"),
    422: ("ValidationErrorOut", "请求参数不正确，或业务规则不允许（如当前状态不能进行此操作）"),
    429: ("ErrorOut", "请求过于频繁（每个令牌每分钟的次数有上限），见 Retry-After"),
}


# What each answer means, in the docs' language: ninja describes the answers an operation
# declares by their English reason phrase ("Forbidden", "Conflict").
RESPONSE_TEXT = {
    200: "成功",
    201: "已创建",
    409: "其间已被修改（所带 version 不是最新的），未作改动：请重新读取后再提交",
    **{code: text for code, (_name, text) in ERROR_RESPONSES.items()},
}
# The bodies whose class docstrings (notes for developers, in English) would be their
# description in the docs.
COMPONENT_TEXT = {
    "ErrorOut": '拒绝的说明 `{"detail": "说明"}`（400、401、403、404、409、429）',
    "ValidationErrorOut": "422：请求中不正确之处，每个字段或每条规则一项（type、loc、msg）",
    "DraftIn": (
        "委员的提案草稿。category 为本组织设定的提案类别之一（或空），suggested_department "
        "为本组织在用的承办单位编号（或 null），cosigners 为邀请联名的委员编号"
    ),
    "DraftUpdateIn": "只修改给出的字段；version 为读取时的版本号，其间已被修改时回答 409",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def in_chinese(schema) -> None:
    """The docs in one language, Chinese like the product: the tags described, the answers'
    reason phrases and the bodies' docstrings replaced by Chinese text (a docstring with no
    Chinese left out, rather than shown in English)."""
    schema["tags"] = [{"name": name, "description": text} for name, text in TAGS.items()]
    for operations in schema["paths"].values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if not CJK.search(response.get("description", "")):
                    response["description"] = RESPONSE_TEXT.get(
                        int(code), response.get("description", "")
                    )
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        if name in COMPONENT_TEXT:
            component["description"] = COMPONENT_TEXT[name]
        elif not CJK.search(component.get("description", "") or "x"):
            component.pop("description", None)


def document_errors(schema) -> None:
    """Add the 400/401/403/404/422/429 answers (with their bodies) to every operation that can give
    them; responses an operation declares itself are kept."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, model in ERROR_SCHEMAS.items():
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definition.pop("$defs", {}))
        components[name] = definition
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            codes = [422]
            if operation.get("security"):
                codes += [401, 403, 429]
            if "{" in path:
                codes.append(404)
            if "requestBody" in operation:
                codes.append(400)  # a body that is not JSON, before any schema (`_http_error`)
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code in responses or str(code) in responses:
                    continue  # the operation documents it itself
                name, description = ERROR_RESPONSES[code]
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    },
                )


DESCRIPTION = """协商平台 JSON 接口。

**认证**：在“接口令牌”页面申请令牌，每个请求带 `Authorization: Bearer <令牌>`。
`Accept-Language: en` 时提示为英文。本页即 `/api/v1/docs`（`/api/v1/` 也转到这里），
机器可读的说明在 `/api/v1/openapi.json`。

**仅限委员的接口**：撰写提案、修改提案草稿、报送社情民意信息、会议请假和会议签到以委员
（会议则为受邀人）本人的身份办理，摘要中注有“仅限委员”或“仅限受邀人”。接口令牌只发给
工作人员和管理员：委员的账号不能申请，本平台也没有开放委员令牌的设置。工作人员的令牌调用
这些接口回答 403（不是本人的草稿、不在参会名单中时为 404 或 422）。它们留待今后有独立登录
方式的委员端应用使用；目前委员在网页（含手机）上办理。

**编号**：筛选参数和请求正文中的编号取接口回答中的 `id` 或 `…_id`，不是页面上显示的届次、
名称。例如委员名单的 `term` 取委员行中的 `seat.term_id`（第十五届的编号不是 15）。

**列表**：每个列表的回答都是 `{"count", "page", "page_size", "items"}`：`count` 为符合筛选条件的
总条数。`page` 从 1 起；`page_size` 默认 50，可为 1–200，超出范围或不是整数时回答 422，
`loc` 为 `["query", "page_size"]`，`msg` 写明上限。

**修改（PATCH）**：请求正文带读取时的 `version`；其间已被修改时回答 409，内容不变。
其他字段省略（或为 null）即不修改；除 `version` 外没有要修改的字段时回答 422
（`type` 为 `nothing_to_change`），不记录、不改版本号。报送协商计划
（`POST /consultation/plans/{pk}/forward`）也可带 `version`，规则相同。

**错误**：400（请求正文不是有效的 JSON）、401、403、404、409、429 为 `{"detail": "说明"}`；
请求参数或正文不合格，以及业务规则不允许（如当前状态不能进行此操作、所选内容不符合规定）
均为 422，`{"detail": [{"type", "loc", "msg"}]}`：`loc` 指出字段（针对整个请求时为
`["body", "payload"]`），`type` 为 `value_error`（所提交内容不被接受）或 `state_error`
（对象当前状态不允许此操作）。
无权查看的对象与不存在的对象一样回答 404。

**时间**：日期为 `YYYY-MM-DD`；时刻为 ISO 8601，以 UTC 表示（`Z` 结尾）。

**变更（2026-12-05）**：`GET /consultation/plans` 与 `GET /meetings/leave/` 由数组改为上述
列表格式（请假列表不再在 200 条处截断）；`page_size` 超过 200 由自动改为 200 改为回答 422；
只有 `version` 的 PATCH 由 200 改为 422。

**变更（2026-12-06）**：业务规则不允许的操作由 400 `{"detail": "说明"}` 改为 422
`{"detail": [{"type", "loc", "msg"}]}`，各接口一致（此前只有提案接口对所提交内容的拒绝
为 422，状态不允许的操作及其他接口均为 400）。

**变更（2026-12-07）**：委员行（`seat`）增加 `term_id`、`sector_id`、`party_id`、
`committee_ids`、`activity_group_id`，即委员名单各筛选参数的取值；委员名单的 `term` 为
不存在或无权查看的届时，由回答空列表改为 422（`loc` 为 `["query", "term"]`）。"""

api = XieshangAPI(
    title="Xieshang API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api",
)

from xieshang.api.members import router as members_router  # noqa: E402

api.add_router("/members/", members_router)

from xieshang.api.followups import router as followups_router  # noqa: E402

api.add_router("/followups/", followups_router)

from xieshang.api.proposals import router as proposals_router  # noqa: E402

api.add_router("/proposals/", proposals_router)

from xieshang.api.consultation import router as consultation_router  # noqa: E402

api.add_router("/consultation/", consultation_router)

from xieshang.api.meetings import router as meetings_router  # noqa: E402

api.add_router("/meetings/", meetings_router)

from xieshang.api.opinions import router as opinions_router  # noqa: E402

api.add_router("/opinions/", opinions_router)

from xieshang.api.budgets import router as budgets_router  # noqa: E402

api.add_router("/budgets/", budgets_router)

from xieshang.api.files import router as files_router  # noqa: E402

api.add_router("/files/", files_router)
