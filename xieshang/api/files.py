"""/api/v1/files/: the files the API's answers point to (a proposal's attachments, a
spending line's receipt), for a token's holder under the same rule as the pages' download
(`core.files`): whoever may read the row that holds the file; 404 alike for "no such
row", "not a file", "not yours" and "gone from disk"."""

from django.urls import reverse
from ninja import Router

from xieshang.api.schemas import ErrorOut, Id
from xieshang.core import files

router = Router(tags=["files"])


def api_file_url(obj, field: str) -> str:
    """The API's link to a file field of `obj`, or "" when the field is empty."""
    if not getattr(obj, field):
        return ""
    return reverse("api:file", args=[obj._meta.label_lower, obj.pk, field])


@router.get(
    "/{label}/{pk}/{field}",
    response={200: None, 404: ErrorOut},
    url_name="file",
    summary="下载附件",
    description=(
        "下载接口回答中 api_url 所指的文件（提案附件、支出票据），规则同页面上的下载："
        "能查看所属记录的人可以下载。"
    ),
)
def get_file(request, label: str, pk: Id, field: str):
    return files.file_response(request.user, label, pk, field)
