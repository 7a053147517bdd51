"""Chinese form formats that differ from Django's own zh_Hans.

Django writes a date field's value as 2026/12/05 in Chinese, but a browser's date input
(`type="date"`) reads only 2026-12-05: a date filled in by the server (today as a default,
the saved date on an edit form) showed blank, and the first save was refused with 请填写此项.
ISO comes first, so every date input in the product is written in the form it reads; the
other forms are still accepted when typed. Everything else comes from Django's zh_Hans."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
