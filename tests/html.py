"""Reading a page's tables as a person reads them: cell texts without their markup."""

import re


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of the table with this id, each a list of its cells' texts."""
    body = re.search(rf'id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
