"""QR codes for sign-in, drawn on the server as SVG (segno, pure Python): no outside QR
service, which an intranet could not reach and which would learn the signed links."""

import io

import segno
from django.utils.translation import gettext


def svg(data: str, *, scale: int = 6) -> str:
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out,
        kind="svg",
        scale=scale,
        border=2,
        xmldecl=False,
        svgns=True,
        title=gettext("签到二维码"),
    )
    return out.getvalue().decode("utf-8")
