"""One self-contained HTML page for a bulk run: summary with a chart, a filterable, sortable table of
files, and for each file an annotated thumbnail, its findings and the fix for each.

Self-contained: no network resource at all (a Content-Security-Policy forbids them; thumbnails are
data: URIs; the script carries a nonce, so no inline event handler can ever run).  Every string that
comes from a file (names, OCR text, metadata, messages) goes through :func:`html.escape`; the table is
rendered on the server side and the script only hides and reorders rows, so no record is ever parsed
as markup.  Rows are streamed to a side file while the scan runs and the page is assembled at the end,
so memory stays flat; the page appears whole (``.partial`` then rename), like every output.

Initial filters can be given in the address: ``report.html#verdict=fail&code=image.blurry&q=2024``.
"""

from __future__ import annotations

import base64
import html
import json
import os
import secrets
import sys
import tempfile
import time
from typing import IO, Any

from .. import codes
from ..checkrun import title as checkrun_title
from ..i18n import resolve_lang
from ..i18n import t as _t
from ..tally import Tally
from ..textsafe import displayable

_E = html.escape

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 24px}h1{margin:0;font-size:20px}
main{padding:16px 24px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 3px #0002;min-width:120px}
.card b{display:block;font-size:24px}.pass{color:#1b873f}.warn{color:#b36b00}.fail{color:#c62828}
.controls{display:flex;gap:8px;flex-wrap:wrap;margin:12px 0}input,select{padding:6px;font-size:14px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:8px;border-bottom:1px solid #e3e6ea;vertical-align:top;text-align:left}
th{background:#eef1f5;position:sticky;top:0}th[data-key]{cursor:pointer}th[data-key]:after{content:" \\2195";color:#99a}
td.thumb img{max-width:240px;max-height:180px;border-radius:4px}.path{word-break:break-all;max-width:280px}
ul.findings{margin:0;padding-left:18px}li.error{color:#c62828}li.warning{color:#b36b00}li.info{color:#2a6fb0}
.msg{color:#1d232a}.fix{color:#566;font-size:13px}.badge{font-weight:bold;text-transform:uppercase}
svg text{font:12px system-ui,sans-serif}details.checks{margin-top:6px;font-size:13px}
table.checks{width:auto}table.checks td{padding:2px 8px;border:0}.passed{color:#1b873f}.failed{color:#c62828}
.skipped{color:#b36b00}.not_applicable{color:#667}.codes{color:#667;font-size:12px}
"""

SCRIPT = """
(function(){
  const rows = Array.from(document.querySelectorAll('#files tbody tr'));
  const q = document.getElementById('q'), v = document.getElementById('verdict'), c = document.getElementById('code');
  const shown = document.getElementById('shown');
  function apply(){
    const text = q.value.toLowerCase(); let n = 0;
    for (const r of rows){
      const ok = (!text || r.dataset.path.toLowerCase().includes(text)) &&
                 (!v.value || r.dataset.verdict === v.value) &&
                 (!c.value || r.dataset.codes.split(' ').includes(c.value));
      r.hidden = !ok; if (ok) n++;
    }
    shown.textContent = n;
    const h = new URLSearchParams(); if (v.value) h.set('verdict', v.value); if (c.value) h.set('code', c.value);
    if (q.value) h.set('q', q.value); history.replaceState(null, '', '#' + h.toString());
  }
  const init = new URLSearchParams(location.hash.slice(1));
  if (init.get('verdict')) v.value = init.get('verdict');
  if (init.get('code')) c.value = init.get('code');
  if (init.get('q')) q.value = init.get('q');
  for (const el of [q, v, c]) el.addEventListener('input', apply);
  const body = document.querySelector('#files tbody');
  document.querySelectorAll('#files th[data-key]').forEach(function(th){
    let asc = true;
    th.addEventListener('click', function(){
      const key = th.dataset.key;
      rows.sort(function(a, b){
        const x = a.dataset[key], y = b.dataset[key];
        const nx = Number(x), ny = Number(y);
        const cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return asc ? cmp : -cmp;
      });
      asc = !asc; rows.forEach(function(r){ body.appendChild(r); });
    });
  });
  apply();
})();
"""

VERDICT_RANK = {"fail": 0, "warn": 1, "pass": 2}
PAGE_WORDS = {  # the page's own words: (English, Chinese)
    "files": ("Files", "文件"), "shown": ("shown", "个已显示"), "filter": ("filter by path", "按路径筛选"),
    "verdict": ("verdict", "结论"), "any_verdict": ("any verdict", "全部结论"), "fail": ("fail", "不通过"),
    "warn": ("warn", "警告"), "pass": ("pass", "通过"), "any_code": ("any code", "全部代码"),
    "picture": ("picture", "图片"), "file": ("file", "文件"), "errors": ("errors", "错误数"),
    "findings": ("findings and fixes", "问题与修改建议"),
    "masked_note": ("Names and identity numbers are masked unless the report was made with --reveal.",
                    "除非生成报告时使用了 --reveal，姓名和证件号码均已遮盖。"),
    "summary_json": ("Summary as JSON:", "汇总（JSON）："),
}
BAR_COLOURS = {"error": "#c62828", "warning": "#e09200"}
NOTHING_TO_FIX = ("Nothing to fix.", "无需修改。")


def _fix_text(info: Any, lang: str) -> str:
    """The catalogue's fix in ``lang`` without its "Nothing to fix." (never printed on its own)."""
    if info is None:
        return ""
    fix = info.text("fix", lang).strip()
    for empty in NOTHING_TO_FIX:
        if fix.startswith(empty):
            fix = fix[len(empty):].strip()
    return fix


def _checks_html(checks: Any, lang: str) -> str:
    """Every check of the file: status, the codes it can report, why it was skipped."""
    if not checks:
        return ""

    def shown_status(c: Any) -> str:  # a check that does not apply is skipped in the JSON, shown apart here
        return "not_applicable" if c.get("applicable") is False else c.get("status", "")

    count = {s: sum(shown_status(c) == s for c in checks) for s in ("passed", "failed", "skipped", "not_applicable")}
    summary = " · ".join(f'<span class="{s}">{n} {_E(_t(f"status.{s}", lang))}</span>' for s, n in count.items() if n)
    rows = []
    for c in checks:
        status = shown_status(c)
        why = (c.get("reason_zh") or c.get("reason")) if lang == "zh" else c.get("reason")
        if c.get("not_judged") and status != "skipped":
            why = f"{'部分未判断' if lang == 'zh' else 'partly not judged'}: {why or ''}"
        name = c.get("name", "")
        zh_title = checkrun_title(name, lang)
        shown = f"{zh_title} ({name})" if lang == "zh" and zh_title != name else name
        word = _t(f"status.{status}", lang) if status in count else status
        rows.append(f'<tr><td>{_E(shown)}</td><td class="{_E(status)}">{_E(word)}</td>'
                    f'<td class="codes">{_E(", ".join(c.get("codes") or []))}</td><td>{_E(why or "")}</td></tr>')
    colon = "：" if lang == "zh" else ": "
    return (f'<details class="checks"><summary>{_E(_t("label.checks", lang))}{colon}{summary}</summary>'
            f'<table class="checks"><tr><th>{_E(_t("label.check", lang))}</th><th>{_E(_t("label.status", lang))}</th>'
            f'<th>{_E(_t("label.codes", lang))}</th><th>{_E(_t("label.reason", lang))}</th></tr>{"".join(rows)}'
            '</table></details>')


STALE_ROWS_SECONDS = 3600.0


def remove_stale_rows(folder: str) -> list[str]:
    """Remove ``.idcheck-rows-*.html`` left by killed runs of earlier versions (untouched for an hour:
    a live run writes its rows file every few seconds)."""
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if name.startswith(".idcheck-rows-") and name.endswith(".html"):
            full = os.path.join(folder, name)
            try:
                if now - os.lstat(full).st_mtime > STALE_ROWS_SECONDS:
                    os.unlink(full)
                    removed.append(full)
            except OSError:
                continue
    return removed


class HtmlReport:
    """The page, built record by record; ``commit`` writes it to ``path`` (atomically), or with ``path``
    None to ``stream`` (standard output by default)."""

    def __init__(self, path: str | None, *, thumbnails: bool = True, title: str | None = None,
                 lang: str | None = None, reveal: bool = False, stream: IO[str] | None = None):
        self.path = path
        self.stream = stream
        self._revealed = reveal  # thumbnails unblurred (made by the workers with reveal=True)
        self.thumbnails = thumbnails
        self.lang = resolve_lang(lang)
        self.title = title or _t("html.title", self.lang)
        self.tally = Tally()
        self._bars: dict[str, int] = {}  # warning and error findings per code (the chart leaves info out)
        self._worst: dict[str, str] = {}  # code -> its worst severity seen (the bar's colour)
        folder = os.path.dirname(os.path.abspath(path)) if path is not None else None
        if folder is not None:
            remove_stale_rows(folder)
        # an anonymous file (O_TMPFILE on Linux: it has no name at all), so a killed run leaves nothing behind
        self._rows = tempfile.TemporaryFile("w+", encoding="utf-8", dir=folder, prefix=".idcheck-rows-",
                                            suffix=".html")

    def add(self, record: dict[str, Any], thumbnail: bytes | None = None) -> None:
        record = displayable(record)  # undecodable file-name bytes shown as \xNN (the page is UTF-8)
        self.tally.add_record(record)
        for f in record.get("findings") or []:
            if f.get("severity") in ("error", "warning"):
                self._bars[f["code"]] = self._bars.get(f["code"], 0) + 1
                if self._worst.get(f["code"]) != "error":
                    self._worst[f["code"]] = f["severity"]
        self._rows.write(self._row(record, thumbnail if self.thumbnails else None))

    def _row(self, record: dict[str, Any], thumbnail: bytes | None) -> str:
        findings = record.get("findings") or []
        verdict = record.get("verdict", "fail")
        code_list = " ".join(dict.fromkeys(f["code"] for f in findings))
        errors = sum(f["severity"] == "error" for f in findings)
        path = record.get("path") or "(bytes)"
        thumb = ""
        if thumbnail:
            thumb = (f'<img alt="annotated picture of {_E(os.path.basename(path))}" '
                     f'src="data:image/jpeg;base64,{base64.b64encode(thumbnail).decode()}">')
        lang = self.lang
        items = []
        for f in findings:
            info = codes.catalogue().get(f["code"])
            fix = _fix_text(info, lang)
            message = f.get("message_zh") if lang == "zh" and f.get("message_zh") else f["message"]
            fix_html = f'<div class="fix">{_E(_t("label.fix", lang))}: {_E(fix)}</div>' if fix else ""
            items.append(
                f'<li class="{_E(f["severity"])}"><b>{_E(f["code"])}</b> '
                f'<span class="msg">{_E(message)}</span>{fix_html}</li>'
            )
        findings_html = (f'<ul class="findings">{"".join(items)}</ul>' if items
                         else _E(_t("label.no_findings", lang)))
        findings_html += _checks_html(record.get("checks"), lang)
        shown_verdict = _t(f"verdict.{verdict}", lang) if verdict in VERDICT_RANK else verdict
        return (
            f'<tr data-path="{_E(path)}" data-verdict="{_E(verdict)}" data-codes="{_E(code_list)}" '
            f'data-rank="{VERDICT_RANK.get(verdict, 3)}" data-errors="{errors}">'
            f'<td class="thumb">{thumb}</td><td class="path">{_E(path)}</td>'
            f'<td><span class="badge {_E(verdict)}">{_E(shown_verdict)}</span></td><td>{errors}</td>'
            f"<td>{findings_html}</td></tr>\n"
        )

    def _chart(self, counts: dict[str, int]) -> str:
        """Warning and error findings per code, bars coloured by the worst severity (info codes left out)."""
        if not counts:
            return f"<p>{_E(_t('label.no_findings', self.lang))}</p>"
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        top = max(counts.values())
        bar_h, label_w, width = 22, 230, 420
        parts = [f'<svg role="img" aria-label="findings per code" width="{label_w + width + 60}" '
                 f'height="{bar_h * len(items) + 8}">']
        for i, (code, n) in enumerate(items):
            y = 4 + i * bar_h
            w = max(2, round(width * n / top))
            parts.append(f'<text x="0" y="{y + 15}">{_E(code)}</text>'
                         f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}" '
                         f'fill="{BAR_COLOURS.get(self._worst.get(code, ""), "#457b9d")}"/>'
                         f'<text x="{label_w + w + 6}" y="{y + 15}">{n}</text>')
        parts.append("</svg>")
        return "".join(parts)

    def commit(self) -> str:
        """Write the page (whole, atomically); returns its path."""
        t = self.tally.as_dict()
        lang = self.lang
        nonce = secrets.token_urlsafe(16)
        verdicts = t["verdicts"]
        cards = [f'<div class="card">{_E(_t("html.files", lang))}<b>{t["files"]}</b></div>'] + [
            f'<div class="card {v}">{_E(_t(f"verdict.{v}", lang))}<b>{verdicts.get(v, 0)}</b></div>'
            for v in ("pass", "warn", "fail")
        ]
        code_options = "".join(f'<option value="{_E(c)}">{_E(c)} ({n})</option>'
                               for c, n in sorted(t["codes"].items()))
        W = {k: _E(v[1] if lang == "zh" else v[0]) for k, v in PAGE_WORDS.items()}
        csp = f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'"
        head = f"""<!doctype html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_E(self.title)}</title><style>{STYLE}</style></head><body>
<header><h1>{_E(self.title)}</h1></header><main>
<section class="cards">{"".join(cards)}</section>
<section><h2>{_E(_t("html.chart", lang))}</h2>{self._chart(self._bars)}</section>
<p class="fix">{_E(_t("html.masked", lang)) if self.thumbnails and not self._revealed else ""}</p>
<section><h2>{W["files"]} (<span id="shown">{t["files"]}</span> {W["shown"]})</h2>
<div class="controls"><input id="q" type="search" placeholder="{W["filter"]}" aria-label="{W["filter"]}">
<select id="verdict" aria-label="{W["verdict"]}"><option value="">{W["any_verdict"]}</option>
<option value="fail">{W["fail"]}</option>
<option value="warn">{W["warn"]}</option><option value="pass">{W["pass"]}</option></select>
<select id="code" aria-label="code"><option value="">{W["any_code"]}</option>{code_options}</select></div>
<table id="files"><thead><tr><th>{W["picture"]}</th><th data-key="path">{W["file"]}</th>
<th data-key="rank">{W["verdict"]}</th>
<th data-key="errors">{W["errors"]}</th><th>{W["findings"]}</th></tr></thead><tbody>
"""
        tail = f"""</tbody></table></section>
<p class="fix">{W["masked_note"]}
{W["summary_json"]} <code>{_E(json.dumps(t, ensure_ascii=False))}</code></p></main>
<script nonce="{nonce}">{SCRIPT}</script></body></html>
"""
        if self.path is None:
            self._write(self.stream or sys.stdout, head, tail)
            self._rows.close()
            return "-"
        partial = self.path + ".partial"
        with open(partial, "w", encoding="utf-8") as out:
            self._write(out, head, tail)
            os.fsync(out.fileno())
        os.replace(partial, self.path)
        self._rows.close()
        return self.path

    def _write(self, out: IO[str], head: str, tail: str) -> None:
        out.write(head)
        self._rows.flush()
        self._rows.seek(0)
        while chunk := self._rows.read(1 << 20):
            out.write(chunk)
        out.write(tail)
        out.flush()

    def abandon(self) -> None:
        self._rows.close()
