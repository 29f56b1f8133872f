"""Turns a tmux capture with its colours (`capture-pane -e -p -N`) into a PNG, cell by cell.

The capture is replayed into pyte (a VT100 emulator from PyPI), which places every character
in its cell (wide characters take two, combining marks join the one before) and keeps its
colours and attributes; each cell is then drawn with Pillow in DejaVu Sans Mono (Debian's
fonts-dejavu-core). Box-drawing, block and braille characters are drawn as shapes rather
than glyphs, as terminals do, so borders join across cells whatever the font's line height.

    python assets/render.py CAPTURE.ans OUT.png [--cols 160 --rows 45]
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import lru_cache
from typing import NamedTuple

import pyte
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = {  # (bold, italic) -> files tried in order; the first holding a glyph draws it
    (False, False): ["DejaVuSansMono.ttf", "DejaVuSans.ttf"],
    (True, False): ["DejaVuSansMono-Bold.ttf", "DejaVuSans-Bold.ttf"],
    (False, True): ["DejaVuSansMono-Oblique.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans.ttf"],
    (True, True): ["DejaVuSansMono-BoldOblique.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSans-BoldOblique.ttf", "DejaVuSans-Bold.ttf"],
}

# The terminal the pictures pretend to be: a dark one, with the 16 ANSI colours of the Nord
# palette that kafka-tui's dark theme is drawn from (used by the 16-colour theme and by log
# lines' own colours; truecolor cells carry their own RGB). The background is a shade darker
# than the theme's header bar (#2e3440), so the bar stands out as it does in most terminals.
DEFAULT_FG = (0xD8, 0xDE, 0xE9)
DEFAULT_BG = (0x1F, 0x23, 0x2B)
ANSI = {
    "black": "3b4252", "red": "bf616a", "green": "a3be8c", "brown": "ebcb8b",
    "blue": "81a1c1", "magenta": "b48ead", "cyan": "88c0d0", "white": "e5e9f0",
    "brightblack": "4c566a", "brightred": "d08770", "brightgreen": "b5d19c",
    "brightbrown": "f0d9a8", "brightblue": "94b4d6", "brightmagenta": "c7a6c4",
    "brightcyan": "8fbcbb", "brightwhite": "eceff4",
}


# pyte's cell with two attributes more than its own: dim (SGR 2; ratatui's Modifier::DIM,
# which kafka-tui uses) and hidden (SGR 8).
class Cell(NamedTuple):
    data: str
    fg: str = "default"
    bg: str = "default"
    bold: bool = False
    italics: bool = False
    underscore: bool = False
    strikethrough: bool = False
    reverse: bool = False
    blink: bool = False
    dim: bool = False
    hidden: bool = False


NAMES = ["black", "red", "green", "brown", "blue", "magenta", "cyan", "white"]
FLAGS = {1: ("bold", True), 2: ("dim", True), 3: ("italics", True), 4: ("underscore", True),
         5: ("blink", True), 7: ("reverse", True), 8: ("hidden", True), 9: ("strikethrough", True),
         23: ("italics", False), 24: ("underscore", False), 25: ("blink", False),
         27: ("reverse", False), 28: ("hidden", False), 29: ("strikethrough", False)}


class Screen(pyte.Screen):
    """pyte's screen with its own SGR: dim and hidden kept, colours 0-15 of `38;5;N` by name
    (so they take the palette below, as a terminal's do), `38;2;R;G;B` as RGB."""

    @property
    def default_char(self):
        return Cell(data=" ", reverse=pyte.modes.DECSCNM in self.mode)

    def reset(self):
        super().reset()
        self.cursor.attrs = self.default_char

    def select_graphic_rendition(self, *attrs, **_kwargs):
        a = self.cursor.attrs
        params = list(attrs) or [0]
        i = 0
        while i < len(params):
            p = params[i]
            i += 1
            if p == 0:
                a = self.default_char
            elif p in FLAGS:
                name, on = FLAGS[p]
                a = a._replace(**{name: on})
            elif p == 22:
                a = a._replace(bold=False, dim=False)
            elif 30 <= p <= 37 or 90 <= p <= 97:
                a = a._replace(fg=("bright" if p >= 90 else "") + NAMES[p % 10])
            elif 40 <= p <= 47 or 100 <= p <= 107:
                a = a._replace(bg=("bright" if p >= 100 else "") + NAMES[p % 10])
            elif p in (39, 49):
                a = a._replace(**{"fg" if p == 39 else "bg": "default"})
            elif p in (38, 48, 58):
                colour = None
                if i < len(params) and params[i] == 5 and i + 1 < len(params):
                    n = params[i + 1]
                    i += 2
                    if n < 16:
                        colour = ("bright" if n >= 8 else "") + NAMES[n % 8]
                    elif n < 256:
                        colour = pyte.graphics.FG_BG_256[n]
                elif i < len(params) and params[i] == 2 and i + 3 < len(params):
                    r, g, b = params[i + 1 : i + 4]
                    i += 4
                    colour = f"{r & 255:02x}{g & 255:02x}{b & 255:02x}"
                else:
                    break  # malformed: ignore the rest, as terminals do
                if colour and p != 58:  # 58 is the underline colour: not drawn apart
                    a = a._replace(**{"fg" if p == 38 else "bg": colour})
        self.cursor.attrs = a


def parse(capture: str, cols: int, rows: int) -> Screen:
    """Replays a `capture-pane -e -p` text: one line per row, each placed with a cursor move
    (so a width disagreement on one row cannot shift the rows below)."""
    screen = Screen(cols, rows)
    stream = pyte.Stream(screen)
    lines = capture.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > rows:
        raise ValueError(f"capture has {len(lines)} rows, the screen {rows}")
    for y, line in enumerate(lines):
        stream.feed(f"\x1b[{y + 1};1H")
        # tmux carries attributes over from the row before; so does the cursor here.
        stream.feed(line.replace("\r", ""))
    return screen


def rows_text(screen: Screen) -> list[str]:
    """The screen as text, one string per row, one character per column (a wide character's
    second column is left out, as terminals do when copying)."""
    out = []
    for y in range(screen.lines):
        row = screen.buffer[y]
        out.append("".join(row[x].data for x in range(screen.columns)))
    return out


# --- drawing ---------------------------------------------------------------------------


def hex_rgb(name: str, default):
    if name == "default":
        return default
    name = ANSI.get(name, name)
    try:
        return tuple(int(name[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return default


def blend(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


@lru_cache(maxsize=None)
def cmap(path: str) -> frozenset[int]:
    with TTFont(path, lazy=True) as f:
        return frozenset(f.getBestCmap() or {})


class Fonts:
    def __init__(self, size: int):
        self.size = size
        self.cache = {}
        regular = self.load("DejaVuSansMono.ttf")
        ascent, descent = regular.getmetrics()
        self.cell_w = round(regular.getlength("M"))
        self.cell_h = ascent + descent
        self.ascent = ascent
        self.missing = set()

    def load(self, name):
        if name not in self.cache:
            self.cache[name] = ImageFont.truetype(os.path.join(FONT_DIR, name), self.size)
        return self.cache[name]

    def pick(self, ch: str, bold: bool, italic: bool):
        cp = ord(ch[0])
        files = [f for f in FONTS[(bold, italic)] if os.path.exists(os.path.join(FONT_DIR, f))]
        for f in files:
            if cp in cmap(os.path.join(FONT_DIR, f)):
                return self.load(f)
        self.missing.add(ch)
        return self.load(files[0])


# Box drawing: each character as its four arms (left, up, right, down), 0 none, 1 light,
# 2 heavy, 3 double. The rounded corners are the light ones, drawn with an arc.
L, H, D = 1, 2, 3
BOX = {
    "─": (L, 0, L, 0), "━": (H, 0, H, 0), "│": (0, L, 0, L), "┃": (0, H, 0, H),
    "┌": (0, 0, L, L), "┐": (L, 0, 0, L), "└": (0, L, L, 0), "┘": (L, L, 0, 0),
    "┏": (0, 0, H, H), "┓": (H, 0, 0, H), "┗": (0, H, H, 0), "┛": (H, H, 0, 0),
    "├": (0, L, L, L), "┤": (L, L, 0, L), "┬": (L, 0, L, L), "┴": (L, L, L, 0), "┼": (L, L, L, L),
    "┣": (0, H, H, H), "┫": (H, H, 0, H), "┳": (H, 0, H, H), "┻": (H, H, H, 0), "╋": (H, H, H, H),
    "╴": (L, 0, 0, 0), "╵": (0, L, 0, 0), "╶": (0, 0, L, 0), "╷": (0, 0, 0, L),
    "╸": (H, 0, 0, 0), "╹": (0, H, 0, 0), "╺": (0, 0, H, 0), "╻": (0, 0, 0, H),
    "═": (D, 0, D, 0), "║": (0, D, 0, D), "╔": (0, 0, D, D), "╗": (D, 0, 0, D),
    "╚": (0, D, D, 0), "╝": (D, D, 0, 0), "╠": (0, D, D, D), "╣": (D, D, 0, D),
    "╦": (D, 0, D, D), "╩": (D, D, D, 0), "╬": (D, D, D, D),
    "╭": (0, 0, L, L), "╮": (L, 0, 0, L), "╰": (0, L, L, 0), "╯": (L, L, 0, 0),
}
ROUNDED = set("╭╮╰╯")
DASHED = {"┄": (L, 3, True), "┅": (H, 3, True), "┈": (L, 4, True), "┉": (H, 4, True),
          "╌": (L, 2, True), "╍": (H, 2, True), "┆": (L, 3, False), "┇": (H, 3, False),
          "┊": (L, 4, False), "┋": (H, 4, False), "╎": (L, 2, False), "╏": (H, 2, False)}


class Painter:
    def __init__(self, size: int, pad: int):
        self.f = Fonts(size)
        self.pad = pad
        self.light = max(1, round(size / 15))

    def image(self, screen: Screen) -> Image.Image:
        cw, ch = self.f.cell_w, self.f.cell_h
        w = screen.columns * cw + 2 * self.pad
        h = screen.lines * ch + 2 * self.pad
        img = Image.new("RGB", (w, h), DEFAULT_BG)
        d = ImageDraw.Draw(img)
        for y in range(screen.lines):
            row = screen.buffer[y]
            x = 0
            while x < screen.columns:
                cell = row[x]
                width = 2 if (x + 1 < screen.columns and row[x + 1].data == "" and cell.data) else 1
                self.cell(d, img, x, y, cell, width)
                x += width
        return img

    def colours(self, cell: Cell):
        fg = hex_rgb(cell.fg, DEFAULT_FG)
        bg = hex_rgb(cell.bg, DEFAULT_BG)
        if cell.reverse:
            fg, bg = bg, fg
        if cell.dim:
            fg = blend(fg, bg, 0.45)
        if cell.hidden:
            fg = bg
        return fg, bg

    def cell(self, d, img, cx, cy, cell: Cell, width: int):
        cw, chh = self.f.cell_w, self.f.cell_h
        x0 = self.pad + cx * cw
        y0 = self.pad + cy * chh
        fg, bg = self.colours(cell)
        if bg != DEFAULT_BG:
            d.rectangle([x0, y0, x0 + width * cw - 1, y0 + chh - 1], fill=bg)
        c = cell.data
        if c and c != " ":
            if not self.shape(d, img, c, x0, y0, cw, chh, fg, bg):
                font = self.f.pick(c, cell.bold, cell.italics)
                gw = font.getlength(c)
                # Centre a glyph in its cells when it is narrower or wider than them
                # (fallback fonts are proportional).
                gx = x0 + (width * cw - gw) / 2 if abs(gw - width * cw) > 0.5 else x0
                d.text((gx, y0 + self.f.ascent), c, font=font, fill=fg, anchor="ls")
        if cell.underscore:
            uy = y0 + self.f.ascent + 2
            d.line([x0, uy, x0 + width * cw - 1, uy], fill=fg, width=self.light)
        if cell.strikethrough:
            sy = y0 + chh // 2
            d.line([x0, sy, x0 + width * cw - 1, sy], fill=fg, width=self.light)

    def shape(self, d, img, c, x0, y0, w, h, fg, bg) -> bool:
        cp = ord(c)
        t = self.light
        if c in BOX:
            self.box(d, c, x0, y0, w, h, fg, t)
            return True
        if c in DASHED:
            weight, n, horizontal = DASHED[c]
            tt = t if weight == L else 2 * t
            if horizontal:
                cy = y0 + h // 2 - tt // 2
                seg = w / n
                for i in range(n):
                    a = x0 + round(i * seg)
                    b = x0 + round((i + 0.6) * seg)
                    d.rectangle([a, cy, b - 1, cy + tt - 1], fill=fg)
            else:
                cx = x0 + w // 2 - tt // 2
                seg = h / n
                for i in range(n):
                    a = y0 + round(i * seg)
                    b = y0 + round((i + 0.6) * seg)
                    d.rectangle([cx, a, cx + tt - 1, b - 1], fill=fg)
            return True
        if 0x2581 <= cp <= 0x2588:  # ▁..█ lower eighths
            k = cp - 0x2580
            top = y0 + h - round(h * k / 8)
            d.rectangle([x0, top, x0 + w - 1, y0 + h - 1], fill=fg)
            return True
        if 0x2589 <= cp <= 0x258F:  # ▉..▏ left eighths
            k = 8 - (cp - 0x2588)
            d.rectangle([x0, y0, x0 + round(w * k / 8) - 1, y0 + h - 1], fill=fg)
            return True
        if c == "▀":
            d.rectangle([x0, y0, x0 + w - 1, y0 + h // 2 - 1], fill=fg)
            return True
        if c == "▐":
            d.rectangle([x0 + w // 2, y0, x0 + w - 1, y0 + h - 1], fill=fg)
            return True
        if c == "▔":
            d.rectangle([x0, y0, x0 + w - 1, y0 + max(1, h // 8) - 1], fill=fg)
            return True
        if c == "▕":
            d.rectangle([x0 + w - max(1, w // 8), y0, x0 + w - 1, y0 + h - 1], fill=fg)
            return True
        if c in "░▒▓":
            shade = {"░": 0.25, "▒": 0.5, "▓": 0.75}[c]
            d.rectangle([x0, y0, x0 + w - 1, y0 + h - 1], fill=blend(bg, fg, shade))
            return True
        if 0x2596 <= cp <= 0x259F:  # quadrants
            quads = {
                "▖": "3", "▗": "4", "▘": "1", "▙": "134", "▚": "14", "▛": "123",
                "▜": "124", "▝": "2", "▞": "23", "▟": "234",
            }[c]
            hw, hh = w // 2, h // 2
            boxes = {"1": (0, 0, hw, hh), "2": (hw, 0, w, hh), "3": (0, hh, hw, h), "4": (hw, hh, w, h)}
            for q in quads:
                a, b, cc, dd = boxes[q]
                d.rectangle([x0 + a, y0 + b, x0 + cc - 1, y0 + dd - 1], fill=fg)
            return True
        if 0x2800 <= cp <= 0x28FF:  # braille: dots 1-8 in two columns of four
            bits = cp - 0x2800
            pos = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]
            r = max(1, w // 5)
            for i, (col, rw) in enumerate(pos):
                if bits & (1 << i):
                    px = x0 + round(w * (col * 2 + 1) / 4)
                    py = y0 + round(h * (rw * 2 + 1) / 8)
                    d.ellipse([px - r, py - r, px + r - 1, py + r - 1], fill=fg)
            return True
        return False

    def box(self, d, c, x0, y0, w, h, fg, t):
        left, up, right, down = BOX[c]
        cx = x0 + (w - t) // 2  # left edge of a vertical stroke of width t
        cy = y0 + (h - t) // 2  # top edge of a horizontal stroke
        x1, y1 = x0 + w - 1, y0 + h - 1

        def hline(a, b, y, tt):
            d.rectangle([a, y, b, y + tt - 1], fill=fg)

        def vline(a, b, x, tt):
            d.rectangle([x, a, x + tt - 1, b], fill=fg)

        if c in ROUNDED:
            r = min(w, h) // 2 - 1
            # The arc's own box: a square of side 2r whose corner sits on the stroke centre.
            if c == "╭":
                hline(cx + r, x1, cy, t)
                vline(cy + r, y1, cx, t)
                d.arc([cx, cy, cx + 2 * r + t - 1, cy + 2 * r + t - 1], 180, 270, fill=fg, width=t)
            elif c == "╮":
                hline(x0, cx - r + t - 1, cy, t)
                vline(cy + r, y1, cx, t)
                d.arc([cx - 2 * r, cy, cx + t - 1, cy + 2 * r + t - 1], 270, 360, fill=fg, width=t)
            elif c == "╰":
                hline(cx + r, x1, cy, t)
                vline(y0, cy - r + t - 1, cx, t)
                d.arc([cx, cy - 2 * r, cx + 2 * r + t - 1, cy + t - 1], 90, 180, fill=fg, width=t)
            else:  # ╯
                hline(x0, cx - r + t - 1, cy, t)
                vline(y0, cy - r + t - 1, cx, t)
                d.arc([cx - 2 * r, cy - 2 * r, cx + t - 1, cy + t - 1], 0, 90, fill=fg, width=t)
            return

        def thick(weight):
            return 2 * t + (1 if t == 1 else 0) if weight == H else t

        # Single and heavy arms meet at the centre. A double arm is two strokes either side of
        # the centre line; where arms cross, a stroke on the side of a perpendicular arm stops
        # at that arm's near stroke, otherwise it runs to its far one (so ╔ ╦ ╬ close).
        g = t + 1  # half the distance between the two strokes of a double line
        vert = bool(up or down)
        horiz = bool(left or right)
        for weight, side in ((left, "l"), (right, "r")):
            if not weight:
                continue
            if weight == D:
                for o, perp in ((-g, up), (g, down)):
                    reach = (-g if perp else g) if vert else 0
                    if side == "r":
                        hline(cx - reach + (t - 1 if not vert else 0), x1, cy + o, t)
                    else:
                        hline(x0, cx + reach, cy + o, t)
            else:
                tt = thick(weight)
                a, b = (x0, cx + t - 1) if side == "l" else (cx, x1)
                hline(a, b, y0 + (h - tt) // 2, tt)
        for weight, side in ((up, "u"), (down, "d")):
            if not weight:
                continue
            if weight == D:
                for o, perp in ((-g, left), (g, right)):
                    reach = (-g if perp else g) if horiz else 0
                    if side == "d":
                        vline(cy - reach, y1, cx + o, t)
                    else:
                        vline(y0, cy + reach + t - 1, cx + o, t)
            else:
                tt = thick(weight)
                a, b = (y0, cy + t - 1) if side == "u" else (cy, y1)
                vline(a, b, x0 + (w - tt) // 2, tt)


PAD = 12  # pixels of terminal background around the cells


def render(capture: str, out: str, cols: int, rows: int, size: int = 15, pad: int = PAD) -> list[str]:
    """Writes OUT as a palette PNG; returns characters no font had (drawn as boxes)."""
    screen = parse(capture, cols, rows)
    painter = Painter(size, pad)
    img = painter.image(screen)
    # A terminal picture has few colours but antialiased text; 256 palette entries keep the
    # text smooth and make the file several times smaller than RGB.
    img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(out, optimize=True)
    return sorted(painter.f.missing)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture")
    ap.add_argument("out")
    ap.add_argument("--cols", type=int, default=160)
    ap.add_argument("--rows", type=int, default=45)
    ap.add_argument("--size", type=int, default=15, help="font size in pixels")
    a = ap.parse_args(argv)
    with open(a.capture, encoding="utf-8") as f:
        missing = render(f.read(), a.out, a.cols, a.rows, a.size)
    if missing:
        print(f"render: no font has {' '.join(missing)} (drawn as boxes)", file=sys.stderr)


if __name__ == "__main__":
    main()
