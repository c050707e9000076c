"""Illustrations for the demo newsroom, drawn with Pillow: no network, no stock photos.

Each lead image is a small flat-colour scene chosen by a motif (a ferry, a storm, a pitch...), varied by a
seed so that two articles with the same motif still look different.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 1600, 900


def _font(size):
    return ImageFont.load_default(size=size)


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _shade(color, amount):
    """Lighter for amount > 0, darker for amount < 0."""
    target = (255, 255, 255) if amount > 0 else (0, 0, 0)
    return _mix(color, target, abs(amount))


def gradient(size, top, bottom):
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _paste_gradient(canvas, box, top, bottom):
    x0, y0, x1, y1 = box
    canvas.paste(gradient((x1 - x0, y1 - y0), top, bottom), (x0, y0))


def _glow(canvas, centre, radius, color, strength=0.55):
    """A soft halo of `color` around `centre` (lamps, floodlights, a low sun)."""
    mask = Image.new("L", canvas.size, 0)
    box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
    ImageDraw.Draw(mask).ellipse(box, fill=int(255 * strength))
    mask = mask.filter(ImageFilter.GaussianBlur(radius / 2))
    canvas.paste(Image.new("RGB", canvas.size, color), (0, 0), mask)


def _waves(draw, rng, top, bottom, color, step=38):
    for y in range(top, bottom, step):
        phase = rng.uniform(0, math.tau)
        points = [(x, y + 9 * math.sin(x / 70 + phase)) for x in range(0, WIDTH + 20, 20)]
        draw.line(points, fill=color, width=4)


def _boat(draw, x, y, scale, hull, sail=None, cabin=None):
    s = scale
    draw.polygon(
        [(x - 120 * s, y), (x + 120 * s, y), (x + 90 * s, y + 40 * s), (x - 95 * s, y + 40 * s)], fill=hull
    )
    if cabin:
        draw.rectangle([x - 60 * s, y - 45 * s, x + 50 * s, y], fill=cabin)
        for i in range(4):
            wx = x - 50 * s + i * 26 * s
            draw.rectangle([wx, y - 35 * s, wx + 14 * s, y - 20 * s], fill=_shade(hull, 0.6))
    if sail:
        draw.line([(x, y), (x, y - 170 * s)], fill=hull, width=max(2, int(5 * s)))
        draw.polygon([(x + 6 * s, y - 165 * s), (x + 6 * s, y - 12 * s), (x + 95 * s, y - 12 * s)], fill=sail)


def _turbine(draw, x, base, height, color, angle):
    draw.line([(x, base), (x, base - height)], fill=color, width=9)
    hub = (x, base - height)
    for k in range(3):
        a = angle + k * math.tau / 3
        tip = (hub[0] + 0.55 * height * math.cos(a), hub[1] + 0.55 * height * math.sin(a))
        draw.line([hub, tip], fill=color, width=7)
    draw.ellipse([hub[0] - 9, hub[1] - 9, hub[0] + 9, hub[1] + 9], fill=color)


def _birds(draw, rng, count, box, color):
    x0, y0, x1, y1 = box
    for _ in range(count):
        x, y, w = rng.uniform(x0, x1), rng.uniform(y0, y1), rng.uniform(14, 34)
        draw.line([(x - w, y - w * 0.45), (x, y), (x + w, y - w * 0.45)], fill=color, width=4, joint="curve")


def _skyline(draw, rng, base, color, window, tall=330):
    x = -20
    while x < WIDTH:
        w, h = rng.randint(90, 190), rng.randint(tall // 3, tall)
        draw.rectangle([x, base - h, x + w, base], fill=color)
        if rng.random() < 0.3:
            draw.polygon([(x, base - h), (x + w / 2, base - h - 60), (x + w, base - h)], fill=color)
        for wy in range(base - h + 24, base - 20, 40):
            for wx in range(x + 16, x + w - 20, 34):
                if rng.random() < 0.55:
                    draw.rectangle([wx, wy, wx + 14, wy + 20], fill=window)
        x += w + rng.randint(4, 18)


def _crane(draw, x, base, height, color):
    draw.line([(x, base), (x, base - height)], fill=color, width=14)
    draw.line([(x - 40, base), (x + 40, base)], fill=color, width=14)
    draw.line([(x - 160, base - height), (x + 260, base - height)], fill=color, width=12)
    draw.line([(x, base - height - 60), (x + 250, base - height)], fill=color, width=4)
    draw.line([(x, base - height - 60), (x - 150, base - height)], fill=color, width=4)
    draw.line([(x + 200, base - height), (x + 200, base - height + 140)], fill=color, width=3)
    draw.rectangle([x + 180, base - height + 140, x + 220, base - height + 170], fill=color)


def _label(draw, text, dark=False):
    font = _font(30)
    fill = (20, 24, 32) if dark else (255, 255, 255)
    draw.text((130, HEIGHT - 70), text.upper(), font=font, fill=fill)


def _seascape(canvas, draw, rng, sky, sea, horizon=520):
    _paste_gradient(canvas, (0, 0, WIDTH, horizon), sky[0], sky[1])
    _paste_gradient(canvas, (0, horizon, WIDTH, HEIGHT), sea[0], sea[1])
    _waves(draw, rng, horizon + 30, HEIGHT, _shade(sea[0], 0.18))


def draw_scene(motif: str, seed: str, label: str) -> Image.Image:
    """One 1600x900 illustration for `motif`; the same seed always draws the same picture."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    canvas = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(canvas)
    dark_label = False
    hue = rng.uniform(-0.12, 0.12)

    def tint(color):
        return _shade(color, hue) if hue else color

    if motif in {"ferry", "harbour", "swim", "rowing"}:
        evening = motif == "ferry" and rng.random() < 0.6
        sky = ((250, 170, 90), (255, 220, 170)) if evening else (tint((140, 200, 235)), (225, 240, 250))
        _seascape(canvas, draw, rng, sky, (tint((30, 110, 150)), (10, 50, 90)))
        if evening:
            _glow(canvas, (rng.randint(300, 1300), 500), 120, (255, 230, 160))
        if motif == "ferry":
            _boat(draw, rng.randint(500, 1100), 600, 2.2, (245, 245, 240), cabin=(200, 60, 50))
        elif motif == "harbour":
            for i in range(6):
                _boat(
                    draw,
                    160 + i * 260,
                    590 + (i % 2) * 90,
                    0.8,
                    rng.choice([(200, 60, 50), (240, 200, 60), (245, 245, 240)]),
                    sail=(250, 250, 250) if i % 2 else None,
                )
        elif motif == "swim":
            for _ in range(38):
                x, y = rng.randint(40, WIDTH - 40), rng.randint(560, HEIGHT - 60)
                color = rng.choice([(255, 120, 40), (250, 220, 40), (240, 60, 120), (255, 255, 255)])
                draw.ellipse([x - 16, y - 12, x + 16, y + 12], fill=color)
        else:
            y = 640
            draw.rectangle([300, y, 1300, y + 26], fill=(250, 250, 245))
            for k in range(8):
                ox = 380 + k * 115
                draw.ellipse([ox - 18, y - 46, ox + 18, y - 10], fill=(40, 40, 60))
                draw.line([(ox, y + 10), (ox - 90, y + 120)], fill=(230, 200, 120), width=6)
    elif motif in {"storm", "tide", "seawall"}:
        _seascape(canvas, draw, rng, ((40, 50, 70), (90, 100, 120)), ((50, 70, 90), (20, 30, 45)), 480)
        for _ in range(160):
            x, y = rng.randint(-200, WIDTH), rng.randint(-50, HEIGHT)
            draw.line([(x, y), (x + 30, y + 70)], fill=(170, 185, 200), width=2)
        if motif == "storm":
            draw.polygon(
                [(980, 0), (900, 230), (960, 230), (880, 440), (1060, 180), (990, 180), (1060, 0)],
                fill=(255, 240, 170),
            )
            _crane(draw, 300, 520, 300, (220, 90, 40))
            for k in range(5):
                cx = 100 + k * 340
                draw.pieslice([cx - 180, 600, cx + 180, 900], 180, 360, fill=(230, 240, 245))
        elif motif == "tide":
            draw.rectangle([760, 160, 820, HEIGHT], fill=(230, 230, 225))
            for k, y in enumerate(range(200, 860, 40)):
                draw.line([(820, y), (850 if k % 5 else 880, y)], fill=(230, 230, 225), width=5)
            points = [(60 + i * 60, 760 - i * 16 - rng.randint(0, 40)) for i in range(12)]
            draw.line(points, fill=(255, 200, 60), width=8)
        else:
            draw.polygon([(0, 430), (WIDTH, 560), (WIDTH, HEIGHT), (0, HEIGHT)], fill=(150, 145, 135))
            for k in range(0, WIDTH, 80):
                draw.line([(k, 430 + k * 0.08), (k, HEIGHT)], fill=(120, 115, 108), width=3)
            for k in range(5):
                cx = 140 + k * 330
                draw.pieslice(
                    [cx - 160, 330 + k * 30, cx + 160, 640 + k * 30], 180, 360, fill=(235, 242, 245)
                )
    elif motif == "wind":
        _seascape(canvas, draw, rng, ((200, 225, 235), (245, 248, 250)), ((60, 150, 150), (20, 80, 90)), 560)
        for i in range(7):
            x = 120 + i * 220 + rng.randint(-30, 30)
            _turbine(draw, x, 560, 180 + 50 * (i % 3), (250, 250, 250), rng.uniform(0, math.tau))
        dark_label = False
    elif motif == "birds":
        _seascape(canvas, draw, rng, ((170, 210, 240), (240, 245, 250)), ((40, 120, 160), (20, 70, 110)), 600)
        draw.ellipse([-200, 520, 1100, 720], fill=(70, 120, 70))
        draw.ellipse([300, 540, 800, 640], fill=(220, 210, 170))
        _birds(draw, rng, 70, (80, 60, WIDTH - 80, 470), (40, 40, 50))
    elif motif in {"city", "street", "housing", "bike"}:
        night = motif == "city"
        sky = ((30, 40, 90), (230, 120, 90)) if night else (tint((150, 205, 240)), (240, 245, 250))
        _paste_gradient(canvas, (0, 0, WIDTH, HEIGHT), *sky)
        if motif == "city":
            _skyline(draw, rng, 760, (35, 35, 55), (255, 210, 120), tall=430)
            draw.rectangle([700, 220, 800, 760], fill=(35, 35, 55))
            draw.ellipse([715, 250, 785, 320], fill=(250, 240, 210))
            draw.rectangle([0, 760, WIDTH, HEIGHT], fill=(25, 25, 35))
        elif motif == "housing":
            draw.rectangle([0, 640, WIDTH, HEIGHT], fill=(110, 170, 90))
            for i in range(7):
                x = 60 + i * 215
                color = rng.choice([(220, 120, 90), (240, 200, 120), (160, 190, 210), (230, 230, 220)])
                draw.rectangle([x, 420, x + 190, 680], fill=color)
                draw.polygon([(x - 10, 420), (x + 95, 320), (x + 200, 420)], fill=(90, 70, 70))
                draw.rectangle([x + 75, 590, x + 115, 680], fill=(70, 60, 60))
                for wx in (x + 25, x + 130):
                    draw.rectangle([wx, 470, wx + 38, 520], fill=(250, 250, 235))
            dark_label = True
        else:
            draw.polygon([(650, 300), (950, 300), (1500, HEIGHT), (100, HEIGHT)], fill=(70, 70, 78))
            draw.polygon([(900, 300), (950, 300), (1500, HEIGHT), (1180, HEIGHT)], fill=(60, 160, 90))
            _skyline(draw, rng, 300, (120, 130, 150), (230, 235, 240), tall=200)
            for k in range(6):
                y0 = 330 + k * 95
                draw.line([(800, y0), (800, y0 + 45)], fill=(250, 250, 250), width=6 + k * 3)
            bx, by = 1250, 760
            for dx in (-70, 70):
                draw.ellipse([bx + dx - 50, by - 50, bx + dx + 50, by + 50], outline=(255, 255, 255), width=8)
            draw.line(
                [(bx - 70, by), (bx, by - 70), (bx + 70, by), (bx - 20, by)], fill=(255, 255, 255), width=8
            )
            if motif == "street":
                draw.rectangle([80, 380, 360, 620], fill=(200, 90, 60))
                draw.text((110, 460), "SCHOOL", font=_font(56), fill=(255, 255, 255))
    elif motif in {"market", "cranes", "shipyard"}:
        sky = ((255, 190, 120), (250, 230, 200)) if motif == "market" else ((70, 50, 110), (220, 110, 120))
        _paste_gradient(canvas, (0, 0, WIDTH, HEIGHT), *sky)
        if motif == "market":
            draw.polygon([(0, 260), (WIDTH // 2, 90), (WIDTH, 260)], fill=(120, 60, 50))
            draw.rectangle([0, 260, WIDTH, 290], fill=(90, 45, 40))
            for row in range(4):
                for col in range(9):
                    x, y = 80 + col * 165, 480 + row * 100 - (col % 3) * 20
                    draw.rectangle(
                        [x, y, x + 150, y + 80], fill=(60, 120, 170), outline=(30, 70, 110), width=4
                    )
                    for f in range(3):
                        fx = x + 20 + f * 42
                        draw.ellipse([fx, y + 20, fx + 38, y + 50], fill=(200, 210, 215))
            dark_label = True
        else:
            draw.rectangle([0, 700, WIDTH, HEIGHT], fill=(30, 30, 50))
            for i in range(3 if motif == "cranes" else 1):
                _crane(draw, 250 + i * 480, 700, 420 - i * 40, (250, 120, 60))
            if motif == "cranes":
                for row in range(2):
                    for col in range(14):
                        color = rng.choice([(200, 60, 50), (60, 120, 180), (240, 200, 60), (80, 160, 100)])
                        draw.rectangle(
                            [20 + col * 112, 620 - row * 60, 124 + col * 112, 676 - row * 60], fill=color
                        )
            else:
                draw.polygon([(700, 420), (1500, 420), (1400, 690), (800, 690)], fill=(160, 170, 180))
                for k in range(8):
                    draw.line([(760 + k * 90, 430), (820 + k * 75, 685)], fill=(120, 130, 140), width=4)
    elif motif == "pitch":
        for k in range(10):
            draw.rectangle(
                [k * 160, 0, k * 160 + 160, HEIGHT], fill=(60, 150, 70) if k % 2 else (70, 165, 80)
            )
        white = (245, 245, 245)
        draw.rectangle([60, 60, WIDTH - 60, HEIGHT - 60], outline=white, width=8)
        draw.line([(WIDTH // 2, 60), (WIDTH // 2, HEIGHT - 60)], fill=white, width=8)
        draw.ellipse(
            [WIDTH // 2 - 130, HEIGHT // 2 - 130, WIDTH // 2 + 130, HEIGHT // 2 + 130], outline=white, width=8
        )
        draw.rectangle([60, 230, 300, 670], outline=white, width=8)
        draw.rectangle([WIDTH - 300, 230, WIDTH - 60, 670], outline=white, width=8)
        bx, by = rng.randint(400, 1200), rng.randint(200, 700)
        draw.ellipse([bx - 22, by - 22, bx + 22, by + 22], fill=white, outline=(20, 20, 20), width=3)
        for corner in ((0, 0), (WIDTH, 0)):
            _glow(canvas, corner, 260, (255, 255, 220), 0.7)
    elif motif in {"stage", "music"}:
        _paste_gradient(canvas, (0, 0, WIDTH, HEIGHT), (40, 10, 20), (10, 5, 10))
        if motif == "stage":
            for k in range(0, WIDTH // 2 - 250, 40):
                draw.rectangle([k, 0, k + 30, HEIGHT], fill=(150, 20, 40))
                draw.rectangle([WIDTH - k - 30, 0, WIDTH - k, HEIGHT], fill=(150, 20, 40))
            draw.polygon([(800, 0), (560, 760), (1040, 760)], fill=(90, 70, 60))
            _glow(canvas, (800, 700), 220, (255, 240, 190), 0.8)
            draw.rectangle([0, 760, WIDTH, HEIGHT], fill=(70, 40, 30))
            for x in (700, 880):
                draw.ellipse([x - 30, 520, x + 30, 580], fill=(20, 10, 10))
                draw.rounded_rectangle([x - 55, 585, x + 55, 760], radius=40, fill=(20, 10, 10))
        else:
            draw.rectangle([0, 700, WIDTH, HEIGHT], fill=(120, 80, 50))
            for k in range(0, WIDTH, 60):
                draw.line([(k, 700), (k, HEIGHT)], fill=(95, 60, 40), width=3)
            for _ in range(26):
                x, y = rng.randint(60, WIDTH - 60), rng.randint(80, 620)
                color = rng.choice([(250, 210, 120), (240, 240, 240), (230, 140, 120)])
                draw.ellipse([x - 20, y - 14, x + 20, y + 14], fill=color)
                draw.line([(x + 18, y), (x + 18, y - 80)], fill=color, width=6)
            draw.ellipse([620, 360, 900, 640], fill=(170, 90, 40))
            draw.ellipse([660, 250, 860, 430], fill=(170, 90, 40))
            draw.rectangle([745, 60, 775, 300], fill=(60, 30, 20))
    elif motif == "lanterns":
        _paste_gradient(canvas, (0, 0, WIDTH, 560), (10, 20, 50), (30, 40, 90))
        _paste_gradient(canvas, (0, 560, WIDTH, HEIGHT), (15, 25, 60), (5, 10, 30))
        for i in range(14):
            x = 80 + i * 110 + rng.randint(-20, 20)
            y = 300 + 120 * math.sin(i / 2.2) + rng.randint(-30, 30)
            color = rng.choice([(255, 190, 80), (255, 140, 60), (255, 220, 130)])
            _glow(canvas, (x, y), 70, color, 0.6)
            draw.ellipse([x - 32, y - 40, x + 32, y + 40], fill=color)
            draw.line([(x, y - 40), (x, y - 90)], fill=(200, 170, 120), width=2)
            draw.line([(x - 16, 620 + (i % 3) * 70), (x + 16, 620 + (i % 3) * 70)], fill=color, width=8)
    elif motif == "chart":
        _paste_gradient(canvas, (0, 0, WIDTH, HEIGHT), (250, 240, 225), (240, 220, 200))
        values = [rng.randint(120, 380) for _ in range(8)]
        values[rng.randrange(8)] = 640
        for i, v in enumerate(values):
            x = 150 + i * 165
            color = (210, 80, 60) if v == 640 else (230, 170, 110)
            draw.rectangle([x, 760 - v, x + 110, 760], fill=color)
        draw.line([(110, 760), (WIDTH - 110, 760)], fill=(60, 50, 50), width=6)
        dark_label = True
    elif motif in {"museum", "library", "books"}:
        warm = motif != "books"
        _paste_gradient(canvas, (0, 0, WIDTH, HEIGHT), (120, 60, 45) if warm else (20, 25, 45), (60, 30, 25))
        if motif == "museum":
            draw.polygon([(0, HEIGHT), (700, 420), (900, 420), (WIDTH, HEIGHT)], fill=(180, 150, 110))
            for k in range(9):
                t = k / 9
                x0, x1 = 700 * (1 - t**1.6), WIDTH - 700 * (1 - t**1.6)
                y = 420 - 380 * (1 - t**1.6)
                draw.line([(x0, y), (x0, HEIGHT)], fill=(90, 45, 35), width=int(3 + 10 * (1 - t)))
                draw.line([(x1, y), (x1, HEIGHT)], fill=(90, 45, 35), width=int(3 + 10 * (1 - t)))
            for c in range(4):
                cx, cy = 500 + c * 200, 760 - c * 50
                for r in range(60 - c * 10, 0, -12):
                    draw.ellipse(
                        [cx - r * 1.6, cy - r * 0.6, cx + r * 1.6, cy + r * 0.6],
                        outline=(230, 200, 140),
                        width=5,
                    )
        else:
            shelves = range(100, 820, 180) if motif == "library" else range(520, 800, 70)
            for y in shelves:
                x = 80 if motif == "library" else 480
                limit = WIDTH - 80 if motif == "library" else 1120
                while x < limit:
                    w, h = rng.randint(28, 60), rng.randint(110, 160)
                    color = rng.choice(
                        [(200, 60, 50), (50, 110, 160), (230, 180, 60), (70, 140, 90), (240, 235, 220)]
                    )
                    if motif == "library":
                        draw.rectangle([x, y + 160 - h, x + w, y + 160], fill=color)
                    else:
                        draw.rectangle([x, y, x + rng.randint(520, 640), y + 60], fill=color)
                        break
                    x += w + 4
                if motif == "library":
                    draw.rectangle([60, y + 160, WIDTH - 60, y + 176], fill=(90, 55, 35))
            if motif == "books":
                _glow(canvas, (800, 500), 420, (255, 210, 130), 0.35)
                draw.rectangle([400, 200, 1200, 820], outline=(60, 40, 30), width=24)
    elif motif == "river":
        draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(90, 150, 80))
        for _ in range(60):
            x, y, r = rng.randint(0, WIDTH), rng.randint(0, HEIGHT), rng.randint(20, 60)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(60, 120, 60))
        points = [(x, 450 + 220 * math.sin(x / 260 + rng.uniform(0, 1))) for x in range(-40, WIDTH + 60, 30)]
        draw.line(points, fill=(40, 110, 170), width=150, joint="curve")
        draw.line(points, fill=(90, 160, 210), width=40, joint="curve")
    else:
        _paste_gradient(canvas, (0, 0, WIDTH, HEIGHT), tint((60, 90, 140)), (20, 30, 50))
    _label(draw, label, dark=dark_label)
    return canvas


def portrait(name: str, color, agency=False) -> Image.Image:
    """A 600x600 stand-in portrait: a silhouette and initials, or a logo for an agency."""
    size = (600, 600)
    canvas = gradient(size, _shade(color, 0.35), _shade(color, -0.25))
    draw = ImageDraw.Draw(canvas)
    initials = "".join(word[0] for word in name.split()[:3]).upper()
    if agency:
        draw.rounded_rectangle([110, 160, 490, 440], radius=40, fill=(245, 245, 240))
        draw.text((300, 300), initials, font=_font(150), fill=color, anchor="mm")
        rng = random.Random(name)  # noqa: S311 - pictures, not secrets
        _waves(draw, rng, 470, 600, (245, 245, 240), step=45)
    else:
        body = _shade(color, -0.45)
        draw.ellipse([200, 110, 400, 330], fill=body)
        draw.pieslice([90, 330, 510, 760], 180, 360, fill=body)
        draw.text((560, 560), initials, font=_font(56), fill=(255, 255, 255), anchor="rs")
    return canvas


def jpeg_bytes(image: Image.Image, quality=84) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
