"""Hand-label document outlines (four corners) on real photographs, by eye.

The labels feed the outline part of ``benchmarks.real`` (IoU and corner error of the detected quad).

    PY=/work/main/.venv/bin/python
    $PY -m benchmarks.label_outlines grid FILE [--crop x0,y0,x1,y1 | --around x,y [--radius R]] [--step N] [--out PNG]
    $PY -m benchmarks.label_outlines show FILE [--quad x,y x,y x,y x,y] [--labels JSONL] [--radius R] [--out PNG]
    $PY -m benchmarks.label_outlines add FILE --quad x,y x,y x,y x,y [--cut] [--notes TEXT] [--labels JSONL]
    $PY -m benchmarks.label_outlines add FILE --none --notes TEXT [--labels JSONL]

Corners out of the frame may be negative (``--quad -250,-400 3173,-400 ...`` works as written).

Run from the repository root. ``FILE`` is a path to the picture or a bare name looked up in ``--dir`` (default
/work/shared/photos-dev; ``--dir`` goes before the sub-command: ``label_outlines --dir PATH grid p0001.jpg``).

* ``grid`` loads the picture upright (EXIF orientation applied, HEIF registered), optionally crops a region given
  in ORIGINAL upright pixel coordinates (``--crop``, or ``--around`` a point with a half-size ``--radius``,
  default 6% of the diagonal), scales it to at most 1000 px on the long side and draws a coordinate grid whose
  lines and labels are in original pixel coordinates. Default output /tmp/label-<name>.png.
  Workflow: grid the whole picture, read rough corners, then ``show --quad ...`` (or ``grid --around``)
  to read each corner in a zoomed, gridded crop to within ~0.5% of the diagonal.
* ``show`` draws a quad (``--quad``, or the labelled record of FILE) over the whole picture
  (default /tmp/show-<name>.png) and, in a second PNG (<out>-corners.png), four gridded zoomed crops around
  the corners (TL TR / BL BR), so a label can be checked - or a candidate refined - by eye.
* ``add`` writes or replaces FILE's record in the labels file, kept sorted by name, one JSON object a line:
  ``{"file", "quad": [[x,y] x4 TL,TR,BR,BL] or null, "all_corners_visible", "notes"}``.
  ``--cut`` marks a document with a corner outside the frame (``all_corners_visible: false``; give the
  extrapolated corner); ``--none`` writes ``quad: null`` (no document / no single dominant document).

Conventions used for photos-dev (``benchmarks/labels/photos-dev-outlines.jsonl``): corners clockwise from the
document's top-left (the benchmark matches the 4 cyclic orders, so only the clockwise order matters); rounded
corners = intersection of the straight sides; curled pages = the physical corners; an open book = the page the
picture is about (or the whole spread for a magazine photographed sideways), said in ``notes``; a corner out of
the frame is extrapolated along the visible sides and, when the missing length is a guess (e.g. from the page's
aspect ratio), ``notes`` says so. A document filling the whole frame with no edge visible gets the frame corners.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

try:  # HEIC/HEIF pictures
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover
    pass

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT / "benchmarks" / "labels" / "photos-dev-outlines.jsonl"
DEFAULT_DIR = Path("/work/shared/photos-dev")
MAX_SIDE = 1000
CORNER_NAMES = ("TL", "TR", "BR", "BL")


def load_upright(path: Path) -> Image.Image:
    """The picture as the viewer sees it: EXIF orientation applied, RGB."""
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    return im.convert("RGB")


def resolve(name: str, folder: Path) -> Path:
    p = Path(name)
    if p.exists():
        return p
    q = folder / name
    if q.exists():
        return q
    sys.exit(f"no such picture: {name} (nor in {folder})")


def font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def nice_step(span: float, target_lines: int = 12) -> int:
    """A round grid step (1, 2, 5 x 10^k original pixels) giving about ``target_lines`` lines over ``span``."""
    raw = max(span / target_lines, 1.0)
    k = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * k >= raw:
            return int(m * k)
    return int(10 * k)


def parse_pair(s: str) -> tuple[float, float]:
    x, y = s.strip().split(",")
    return float(x), float(y)


def render_grid(im: Image.Image, box: tuple[float, float, float, float], step: int | None = None,
                max_side: int = MAX_SIDE, quad: list | None = None, title: str = "") -> Image.Image:
    """Crop ``box`` (original coords, may extend past the picture: padded grey), scale to <= max_side,
    draw a grid every ``step`` original px labelled in original coordinates, and ``quad`` if given."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    scale = min(max_side / max(w, h), 8.0)
    ow, oh = max(1, round(w * scale)), max(1, round(h * scale))
    # PIL crop pads outside the image with black; use a grey canvas so the frame edge is visible
    canvas = Image.new("RGB", (round(w), round(h)), (110, 110, 140))
    ix0, iy0 = max(0, math.floor(x0)), max(0, math.floor(y0))
    ix1, iy1 = min(im.width, math.ceil(x1)), min(im.height, math.ceil(y1))
    if ix1 > ix0 and iy1 > iy0:
        canvas.paste(im.crop((ix0, iy0, ix1, iy1)), (round(ix0 - x0), round(iy0 - y0)))
    out = canvas.resize((ow, oh), Image.LANCZOS if scale < 1 else Image.BICUBIC)
    d = ImageDraw.Draw(out)
    step = step or nice_step(max(w, h))
    f = font(13)

    def to_out(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * scale, (y - y0) * scale

    gx = math.ceil(x0 / step) * step
    while gx <= x1:
        px, _ = to_out(gx, 0)
        d.line([(px, 0), (px, oh)], fill=(0, 255, 255), width=1)
        d.text((px + 2, 2), str(int(gx)), fill=(255, 255, 0), font=f, stroke_width=2, stroke_fill=(0, 0, 0))
        gx += step
    gy = math.ceil(y0 / step) * step
    while gy <= y1:
        _, py = to_out(0, gy)
        d.line([(0, py), (ow, py)], fill=(0, 255, 255), width=1)
        d.text((2, py + 1), str(int(gy)), fill=(255, 255, 0), font=f, stroke_width=2, stroke_fill=(0, 0, 0))
        gy += step
    if quad:
        pts = [to_out(x, y) for x, y in quad]
        d.line(pts + [pts[0]], fill=(255, 0, 0), width=2)
        for name, (px, py) in zip(CORNER_NAMES, pts, strict=True):
            d.ellipse([px - 4, py - 4, px + 4, py + 4], outline=(255, 0, 255), width=2)
            d.text((px + 6, py + 6), name, fill=(255, 0, 255), font=f, stroke_width=2, stroke_fill=(0, 0, 0))
    if title:
        d.text((ow // 2 - 60, oh - 18), title, fill=(255, 255, 255), font=f, stroke_width=2, stroke_fill=(0, 0, 0))
    return out


def read_labels(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    recs = {}
    for line in path.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            recs[r["file"]] = r
    return recs


def cmd_grid(a: argparse.Namespace) -> None:
    path = resolve(a.file, a.dir)
    im = load_upright(path)
    diag = math.hypot(im.width, im.height)
    if a.crop:
        box = tuple(float(v) for v in a.crop.split(","))
    elif a.around:
        cx, cy = parse_pair(a.around)
        r = a.radius or 0.06 * diag
        box = (cx - r, cy - r, cx + r, cy + r)
    else:
        box = (0.0, 0.0, float(im.width), float(im.height))
    out = render_grid(im, box, a.step, quad=None)
    dest = a.out or f"/tmp/label-{path.stem}.png"
    out.save(dest)
    print(f"{path.name}: upright {im.width}x{im.height}, diag {diag:.0f} (0.5% = {0.005 * diag:.1f} px); "
          f"box {tuple(round(v, 1) for v in box)} -> {dest} {out.width}x{out.height}")


def cmd_show(a: argparse.Namespace) -> None:
    path = resolve(a.file, a.dir)
    im = load_upright(path)
    diag = math.hypot(im.width, im.height)
    if a.quad:
        quad = [parse_pair(s) for s in a.quad]
        note = "candidate"
    else:
        rec = read_labels(a.labels).get(path.name)
        if rec is None:
            sys.exit(f"{path.name} has no record in {a.labels}")
        quad = rec["quad"]
        note = f"visible={rec.get('all_corners_visible')} {rec.get('notes', '')}"
    print(f"{path.name}: upright {im.width}x{im.height} quad={quad} {note}")
    if quad is None:
        whole = render_grid(im, (0, 0, im.width, im.height), max_side=900, title="quad: null")
        dest = a.out or f"/tmp/show-{path.stem}.png"
        whole.save(dest)
        print(dest)
        return
    # whole picture, padded so extrapolated corners are in view
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    box = (min(0, min(xs)) - 10, min(0, min(ys)) - 10, max(im.width, max(xs)) + 10, max(im.height, max(ys)) + 10)
    whole = render_grid(im, box, max_side=900, quad=quad)
    dest = a.out or f"/tmp/show-{path.stem}.png"
    whole.save(dest)
    # 2 x 2 sheet of gridded zooms around the corners (TL TR / BL BR), written beside it
    r = a.radius or 0.04 * diag
    tiles = [render_grid(im, (x - r, y - r, x + r, y + r), max_side=440, quad=quad, title=n)
             for n, (x, y) in zip(CORNER_NAMES, quad, strict=True)]
    tw, th = max(t.width for t in tiles), max(t.height for t in tiles)
    sheet = Image.new("RGB", (2 * tw + 5, 2 * th + 5), (40, 40, 40))
    for i, t in enumerate(tiles):
        col, row = {0: (0, 0), 1: (1, 0), 2: (1, 1), 3: (0, 1)}[i]
        sheet.paste(t, (col * (tw + 5), row * (th + 5)))
    cdest = dest[:-4] + "-corners.png" if dest.endswith(".png") else dest + "-corners.png"
    sheet.save(cdest)
    print(f"-> {dest} and {cdest} (corner tiles: +-{r:.0f} px, 0.5% of diag = {0.005 * diag:.1f} px)")


def cmd_add(a: argparse.Namespace) -> None:
    path = resolve(a.file, a.dir)
    name = path.name
    if a.none:
        quad, visible = None, False
    else:
        if not a.quad or len(a.quad) != 4:
            sys.exit("--quad needs four x,y pairs (TL TR BR BL), or --none")
        quad = [[round(x, 1), round(y, 1)] for x, y in (parse_pair(s) for s in a.quad)]
        im = load_upright(path)
        inside = all(-0.5 <= x <= im.width + 0.5 and -0.5 <= y <= im.height + 0.5 for x, y in quad)
        visible = not a.cut
        if visible and not inside:
            print(f"warning: a corner is outside the {im.width}x{im.height} frame but --cut was not given")
    rec = {"file": name, "quad": quad, "all_corners_visible": visible, "notes": a.notes or ""}
    recs = read_labels(a.labels)
    recs[name] = rec
    a.labels.parent.mkdir(parents=True, exist_ok=True)
    a.labels.write_text("".join(json.dumps(recs[k], ensure_ascii=False) + "\n" for k in sorted(recs)))
    print(json.dumps(rec, ensure_ascii=False))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of the pictures (for bare names)")
    sub = p.add_subparsers(dest="cmd", required=True)

    g = sub.add_parser("grid", help="gridded (zoomed) view of a picture, in original coordinates")
    g.add_argument("file")
    g.add_argument("--crop", help="x0,y0,x1,y1 in original upright pixels")
    g.add_argument("--around", help="x,y: crop a square around this point")
    g.add_argument("--radius", type=float, help="half-size of the --around square (default 6%% of diagonal)")
    g.add_argument("--step", type=int, help="grid step in original pixels (default: about 12 lines)")
    g.add_argument("--out")
    g.set_defaults(func=cmd_grid)

    s = sub.add_parser("show", help="draw a quad (labelled or --quad) with zoomed corner crops")
    s.add_argument("file")
    s.add_argument("--quad", nargs=4, metavar="x,y")
    s.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    s.add_argument("--radius", type=float, help="half-size of the corner crops (default 4%% of diagonal)")
    s.add_argument("--out")
    s.set_defaults(func=cmd_show)

    d = sub.add_parser("add", help="write/replace the record of a picture")
    d.add_argument("file")
    d.add_argument("--quad", nargs=4, metavar="x,y", help="TL TR BR BL corners, original upright pixels")
    d.add_argument("--cut", action="store_true", help="a corner is outside the frame (extrapolated)")
    d.add_argument("--none", action="store_true", help="no document: quad null")
    d.add_argument("--notes", default="")
    d.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    d.set_defaults(func=cmd_add)

    # a negative coordinate pair ("-250,-400") would read as an option: shield it with a leading space
    argv = [" " + t if re.fullmatch(r"-[\d.]+,-?[\d.]+", t) else t for t in (sys.argv[1:] if argv is None else argv)]
    a = p.parse_args(argv)
    a.func(a)


if __name__ == "__main__":
    main()
