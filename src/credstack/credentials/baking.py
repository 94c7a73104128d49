"""Open Badges 3.0 baking: a credential carried inside its badge image, and a default badge image.

https://www.imsglobal.org/spec/ob/v3p0/#baking (section 5.3)

PNG: one uncompressed `iTXt` chunk with the keyword `openbadgecredential` whose text is the
credential's JSON or its compact JWS; never two such chunks. SVG: `xmlns:openbadges` on the root
`<svg>` and an `<openbadges:credential>` element right after its start tag, with the JSON in CDATA
or the JWS in a `verify` attribute; never two such elements.

Baking works on the file as it is (PNG chunks, SVG text): the image is never decoded and
re-encoded, so the pixels and every other chunk or attribute stay byte for byte.
"""

from __future__ import annotations

import io
import json
import math
import re
import xml.parsers.expat
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "BadCredentialText",
    "BakingError",
    "DamagedImage",
    "NoCredential",
    "NotAPng",
    "NotAnSvg",
    "SeveralCredentials",
    "bake_png",
    "bake_svg",
    "render_badge_png",
    "render_badge_svg",
    "unbake_png",
    "unbake_svg",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
MAX_TEXT_BYTES = 8 * 1024 * 1024
"""A compressed iTXt chunk is inflated up to this size, no further (a credential is kilobytes)."""

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class BakingError(ValueError):
    """An image or a credential text that cannot be baked or read."""


class NotAPng(BakingError):
    """The bytes do not start with the PNG signature."""


class NotAnSvg(BakingError):
    """The text is not a well-formed, safe SVG document."""


class DamagedImage(BakingError):
    """A PNG with a truncated or corrupted chunk (bad CRC), or a malformed credential chunk."""


class NoCredential(BakingError):
    """The image carries no credential."""


class SeveralCredentials(BakingError):
    """The image carries more than one credential, which the spec forbids."""


class BadCredentialText(BakingError):
    """The text to bake is neither a JSON credential nor a compact JWS."""


def _check_credential(text: str, *, jws: bool | None) -> str:
    """The credential text, checked: a JSON object (jws False), a compact JWS (jws True), or
    either (jws None)."""
    if not isinstance(text, str) or not text.strip():
        raise BadCredentialText("the credential text is empty")
    stripped = text.strip()
    if jws is not False and _COMPACT_JWS.fullmatch(stripped):
        return stripped
    if jws is True:
        raise BadCredentialText("a JWS credential must be a compact JWS (header.payload.signature)")
    try:
        parsed = json.loads(stripped)
    except ValueError as exc:
        raise BadCredentialText(f"the credential is not JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise BadCredentialText("the credential JSON must be an object")
    return text


# --- PNG -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    data: bytes
    raw: bytes
    """The chunk as it was in the file (length, type, data, CRC): written back unchanged."""

    @classmethod
    def make(cls, type_: bytes, data: bytes) -> _Chunk:
        crc = zlib.crc32(type_ + data)
        return cls(type_, data, len(data).to_bytes(4, "big") + type_ + data + crc.to_bytes(4, "big"))

    @property
    def is_credential(self) -> bool:
        return self.type == b"iTXt" and self.data.split(b"\0", 1)[0] == PNG_KEYWORD


def _chunks(png: bytes) -> list[_Chunk]:
    """Every chunk from IHDR to IEND, each CRC checked (https://www.w3.org/TR/png/#5Chunk-layout)."""
    if not isinstance(png, bytes | bytearray) or not png.startswith(PNG_SIGNATURE):
        raise NotAPng("not a PNG image (no PNG signature)")
    chunks: list[_Chunk] = []
    pos = len(PNG_SIGNATURE)
    while pos < len(png):
        if pos + 12 > len(png):
            raise DamagedImage(f"truncated chunk at byte {pos}")
        length = int.from_bytes(png[pos : pos + 4], "big")
        type_ = bytes(png[pos + 4 : pos + 8])
        end = pos + 12 + length
        if length > 2**31 - 1 or end > len(png):
            raise DamagedImage(f"truncated {type_!r} chunk at byte {pos}")
        if not type_.isalpha() or not type_.isascii():
            raise DamagedImage(f"invalid chunk type {type_!r} at byte {pos}")
        data = bytes(png[pos + 8 : pos + 8 + length])
        if zlib.crc32(type_ + data) != int.from_bytes(png[end - 4 : end], "big"):
            raise DamagedImage(f"bad CRC in the {type_.decode()} chunk at byte {pos}")
        chunks.append(_Chunk(type_, data, bytes(png[pos:end])))
        pos = end
        if type_ == b"IEND":
            break
    if not chunks or chunks[0].type != b"IHDR":
        raise DamagedImage("the first chunk is not IHDR")
    if chunks[-1].type != b"IEND":
        raise DamagedImage("the image ends before its IEND chunk")
    if pos != len(png):
        raise DamagedImage(f"{len(png) - pos} bytes follow the IEND chunk")
    return chunks


def _itxt_text(data: bytes) -> str:
    """The text of an iTXt chunk (https://www.w3.org/TR/png/#11iTXt), inflated if compressed."""
    try:
        _keyword, rest = data.split(b"\0", 1)
        flag, method, rest = rest[0], rest[1], rest[2:]
        _language, rest = rest.split(b"\0", 1)
        _translated, text = rest.split(b"\0", 1)
    except (ValueError, IndexError) as exc:
        raise DamagedImage("malformed openbadgecredential iTXt chunk") from exc
    if flag == 1:
        if method != 0:
            raise DamagedImage(f"unknown iTXt compression method {method}")
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_TEXT_BYTES)
        except zlib.error as exc:
            raise DamagedImage(f"the compressed credential is damaged: {exc}") from exc
        if inflater.unconsumed_tail or not inflater.eof:
            raise DamagedImage("the compressed credential is truncated or too large")
    elif flag != 0:
        raise DamagedImage(f"invalid iTXt compression flag {flag}")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DamagedImage("the credential text is not UTF-8") from exc


def bake_png(png: bytes, credential: str) -> bytes:
    """The PNG with `credential` (JSON or compact JWS) in one uncompressed iTXt chunk right
    after IHDR, replacing any credential chunk it had."""
    chunks = _chunks(png)
    text = _check_credential(credential, jws=None)
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadCredentialText("the credential text cannot be written as UTF-8") from exc
    # keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0
    itxt = _Chunk.make(b"iTXt", PNG_KEYWORD + b"\0\0\0\0\0" + encoded)
    kept = [c.raw for c in chunks[1:] if not c.is_credential]
    return b"".join([PNG_SIGNATURE, chunks[0].raw, itxt.raw, *kept])


def unbake_png(png: bytes) -> str:
    """The credential text baked into a PNG."""
    found = [c for c in _chunks(png) if c.is_credential]
    if not found:
        raise NoCredential("the PNG has no openbadgecredential iTXt chunk")
    if len(found) > 1:
        raise SeveralCredentials(f"rejected: {len(found)} openbadgecredential chunks")
    return _itxt_text(found[0].data)


# --- SVG -------------------------------------------------------------------------------------


def _parse_svg(svg: str) -> Element:
    """The SVG parsed by defusedxml: no entity declarations (billion laughs) nor external
    entities (XXE) are accepted."""
    if not isinstance(svg, str):
        raise NotAnSvg("an SVG is given as text")
    try:
        root = safe_xml.fromstring(svg)
    except UnicodeEncodeError as exc:
        raise NotAnSvg("the SVG text holds characters that cannot be written as UTF-8") from exc
    except DefusedXmlException as exc:
        raise NotAnSvg(f"unsafe XML refused: {exc!r}") from exc
    except ParseError as exc:
        raise NotAnSvg(f"not well-formed XML: {exc}") from exc
    if root.tag not in ("svg", f"{{{SVG_NAMESPACE}}}svg"):
        raise NotAnSvg(f"the root element is {root.tag!r}, not <svg>")
    return root


def _credential_elements(root: Element) -> list[Element]:
    return list(root.iter(f"{{{OB_NAMESPACE}}}credential"))


def unbake_svg(svg: str) -> str:
    """The credential baked into an SVG: the `verify` attribute (a JWS) or the element's text
    (JSON, usually in CDATA), without surrounding whitespace."""
    found = _credential_elements(_parse_svg(svg))
    if not found:
        raise NoCredential("the SVG has no openbadges:credential element")
    if len(found) > 1:
        raise SeveralCredentials(f"rejected: {len(found)} openbadges:credential elements")
    verify = found[0].get("verify")
    text = (verify if verify is not None else found[0].text or "").strip()
    if not text:
        raise NoCredential("the openbadges:credential element is empty")
    return text


@dataclass
class _SvgLayout:
    """Byte offsets in the UTF-8 SVG: where the root start tag ends and where credential
    elements lie, and the prefixes the root binds."""

    root_qname: bytes = b""
    root_start: int = -1
    root_tag_end: int = -1
    root_self_closing: bool = False
    root_prefixes: dict[str, str] = field(default_factory=dict)
    credentials: list[tuple[int, int]] = field(default_factory=list)


def _tag_end(doc: bytes, start: int) -> tuple[int, bool]:
    """The offset just past the tag that starts at `start`, and whether it is `<.../>`.

    Attribute values may hold `>`, so quoted text is skipped.
    """
    quote = 0
    for pos in range(start + 1, len(doc)):
        byte = doc[pos]
        if quote:
            quote = 0 if byte == quote else quote
        elif byte in b"\"'":
            quote = byte
        elif byte == ord(">"):
            return pos + 1, doc[pos - 1] == ord("/")
    raise NotAnSvg("unterminated tag")  # pragma: no cover - the document parsed


def _layout(doc: bytes) -> _SvgLayout:
    # Plain expat is used only for offsets, and only on a document that defusedxml has already
    # accepted (so it declares no entities); it never fetches an external DTD.
    layout = _SvgLayout()
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    opened: list[tuple[int, bool]] = []

    def on_namespace(prefix: str | None, uri: str) -> None:
        if layout.root_start < 0:
            layout.root_prefixes[prefix or ""] = uri

    def on_start(name: str, _attrs: dict[str, str]) -> None:
        start = parser.CurrentByteIndex
        end, self_closing = _tag_end(doc, start)
        if layout.root_start < 0:
            layout.root_start, layout.root_tag_end, layout.root_self_closing = start, end, self_closing
            layout.root_qname = re.split(rb"[\s/>]", doc[start + 1 : end], maxsplit=1)[0]
        opened.append((start, self_closing))

    def on_end(name: str) -> None:
        start, self_closing = opened.pop()
        if name == f"{OB_NAMESPACE} credential":
            end = _tag_end(doc, start)[0] if self_closing else doc.index(b">", parser.CurrentByteIndex) + 1
            layout.credentials.append((start, end))

    parser.StartNamespaceDeclHandler = on_namespace
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    try:
        parser.Parse(doc, True)
    except xml.parsers.expat.ExpatError as exc:  # pragma: no cover - defusedxml parsed it
        raise NotAnSvg(f"not well-formed XML: {exc}") from exc
    return layout


def _credential_element(text: str, *, jws: bool) -> str:
    if jws:
        return f'<openbadges:credential verify="{text}"></openbadges:credential>'
    # "]]>" cannot occur inside one CDATA section: split it across two.
    return (
        f"<openbadges:credential><![CDATA[{text.replace(']]>', ']]]]><![CDATA[>')}]]></openbadges:credential>"
    )


def bake_svg(svg: str, credential: str, *, jws: bool = False) -> str:
    """The SVG with the credential baked in: JSON in CDATA, or with `jws=True` a compact JWS in
    a `verify` attribute. A credential already baked in is replaced.

    The SVG is parsed (safely) to check it and to find byte offsets, then edited as text:
    serialising an ElementTree would rename namespace prefixes (`ns0:`), drop the DOCTYPE,
    comments and processing instructions, and can leave an image browsers no longer render.
    """
    root = _parse_svg(svg)
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise NotAnSvg(f'the root <svg> needs xmlns="{SVG_NAMESPACE}" to render as an image')
    text = _check_credential(credential, jws=jws).strip()
    if not jws:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # XML would do so; JSON whitespace only
    if _NOT_XML_CHAR.search(text):
        raise BadCredentialText("the credential holds characters XML cannot carry; escape them in the JSON")

    doc = svg.encode("utf-8")
    layout = _layout(doc)
    bound = layout.root_prefixes.get("openbadges")
    if bound not in (None, OB_NAMESPACE):
        raise NotAnSvg(f"the prefix openbadges is already bound to {bound!r}")
    declaration = b"" if bound else f' xmlns:openbadges="{OB_NAMESPACE}"'.encode()
    element = _credential_element(text, jws=jws).encode("utf-8")

    tag_close = layout.root_tag_end - (2 if layout.root_self_closing else 1)
    out = bytearray(doc[:tag_close] + declaration + b">" + element)
    if layout.root_self_closing:
        out += b"</" + layout.root_qname + b">"
    pos = layout.root_tag_end
    for start, end in sorted(layout.credentials):
        if start < pos:  # inside a credential element already left out
            continue
        out += doc[pos:start]
        pos = end
    out += doc[pos:]
    baked = out.decode("utf-8")

    if unbake_svg(baked) != text:  # pragma: no cover - a guard against a bug here, not bad input
        raise BakingError("the baked SVG does not read back the credential")
    return baked


# --- a default badge image -------------------------------------------------------------------
# Used when an achievement has no uploaded image: a round badge in the institution's colour with
# the achievement's title, a star, and the institution's name. The PNG and the SVG share one
# layout, measured with the Bitstream Vera fonts that ship inside reportlab.

_HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_SVG_FONTS = "'Bitstream Vera Sans', 'DejaVu Sans', Verdana, Arial, sans-serif"


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "VeraBd.ttf" if bold else "Vera.ttf"
    with resources.as_file(resources.files("reportlab") / "fonts" / name) as path:
        return ImageFont.truetype(str(path), size)


def _rgb(colour: str) -> tuple[int, int, int]:
    match = _HEX_COLOUR.fullmatch(colour.strip()) if isinstance(colour, str) else None
    if not match:
        raise BakingError(f"a badge colour is a hex colour such as #1f6feb, not {colour!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    """Darker for factor < 1, lighter (towards white) for factor > 1."""
    if factor <= 1:
        return (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
    return (
        round(rgb[0] + (255 - rgb[0]) * (factor - 1)),
        round(rgb[1] + (255 - rgb[1]) * (factor - 1)),
        round(rgb[2] + (255 - rgb[2]) * (factor - 1)),
    )


def _mix(top: tuple[int, int, int], under: tuple[int, int, int], opacity: float) -> tuple[int, int, int]:
    return (
        round(top[0] * opacity + under[0] * (1 - opacity)),
        round(top[1] * opacity + under[1] * (1 - opacity)),
        round(top[2] * opacity + under[2] * (1 - opacity)),
    )


def _ink(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """White or near-black, whichever reads better on the colour (WCAG relative luminance)."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
    return (255, 255, 255) if luminance < 0.40 else (26, 26, 26)


def _clean(text: str) -> str:
    return " ".join(_NOT_XML_CHAR.sub("", text).split())


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap by measured width; a word too long for a line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while font.getlength(word) > width and len(word) > 1:
            cut = max(1, next(n for n in range(len(word), 0, -1) if font.getlength(word[:n]) <= width))
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit(
    text: str, *, bold: bool, sizes: range, width: float, max_lines: int, max_height: float
) -> tuple[int, list[str]]:
    """The largest font size at which `text` wraps into `max_lines` and `max_height`; at the
    smallest size the last line is shortened with an ellipsis."""
    size = sizes[-1]
    for size in sizes:
        lines = _wrap(text, _font(bold, size), width)
        if len(lines) <= max_lines and len(lines) * size * 1.18 <= max_height:
            return size, lines
    lines = _wrap(text, _font(bold, size), width)
    last = lines[max_lines - 1]
    font = _font(bold, size)
    while last and font.getlength(last + "…") > width:
        last = last[:-1].rstrip()
    return size, [*lines[: max_lines - 1], last + "…"]


@dataclass(frozen=True)
class _BadgeLayout:
    size: int
    fill: tuple[int, int, int]
    rim: tuple[int, int, int]
    ink: tuple[int, int, int]
    title_size: int
    title_lines: list[str]
    title_top: float
    subtitle_size: int
    subtitle_lines: list[str]
    subtitle_top: float
    divider_y: float
    star: list[tuple[float, float]]

    def line_height(self, font_size: int) -> float:
        return font_size * 1.18


def _badge_layout(title: str, subtitle: str, colour: str, size: int) -> _BadgeLayout:
    if isinstance(size, bool) or not isinstance(size, int) or not 64 <= size <= 4096:
        raise BakingError(f"a badge size is 64 to 4096 pixels, not {size!r}")
    fill = _rgb(colour)
    title = _clean(title) or "Achievement"
    subtitle = _clean(subtitle)
    title_size, title_lines = _fit(
        title,
        bold=True,
        sizes=range(max(8, round(size * 0.095)), max(6, round(size * 0.05)) - 1, -1),
        width=size * 0.60,
        max_lines=5,
        max_height=size * 0.36,
    )
    subtitle_size, subtitle_lines = (
        _fit(
            subtitle,
            bold=False,
            sizes=range(max(6, round(size * 0.045)), 5, -1),
            width=size * 0.5,
            max_lines=2,
            max_height=size,
        )
        if subtitle
        else (max(6, round(size * 0.045)), [])
    )
    title_height = len(title_lines) * title_size * 1.18
    title_top = size * 0.50 - title_height / 2 - size * 0.015
    divider_y = title_top + title_height + size * 0.035
    star_y, star_r = min(size * 0.245, title_top - size * 0.075), size * 0.05
    star = [
        (
            size / 2 + (star_r if i % 2 == 0 else star_r * 0.42) * math.sin(math.radians(i * 36)),
            star_y - (star_r if i % 2 == 0 else star_r * 0.42) * math.cos(math.radians(i * 36)),
        )
        for i in range(10)
    ]
    return _BadgeLayout(
        size=size,
        fill=fill,
        rim=_shade(fill, 0.72),
        ink=_ink(fill),
        title_size=title_size,
        title_lines=title_lines,
        title_top=title_top,
        subtitle_size=subtitle_size,
        subtitle_lines=subtitle_lines,
        subtitle_top=divider_y + size * 0.035,
        divider_y=divider_y,
        star=star,
    )


def render_badge_png(title: str, subtitle: str, colour: str, size: int = 400) -> bytes:
    """A round badge image (RGBA PNG, `size` pixels square) for an achievement without one."""
    layout = _badge_layout(title, subtitle, colour, size)
    scale = 4  # drawn large and scaled down, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(radius: float) -> tuple[float, float, float, float]:
        return (big / 2 - radius, big / 2 - radius, big / 2 + radius, big / 2 + radius)

    draw.ellipse(box(big * 0.49), fill=layout.rim)
    draw.ellipse(box(big * 0.45), fill=layout.fill)

    # ImageDraw writes RGBA values instead of blending them: translucent ink would punch holes
    # through the badge, so the ink is mixed into the fill colour here.
    def ink(opacity: float) -> tuple[int, int, int]:
        return _mix(layout.ink, layout.fill, opacity)

    draw.ellipse(box(big * 0.415), outline=ink(0.47), width=max(2, round(big * 0.007)))
    draw.polygon([(x * scale, y * scale) for x, y in layout.star], fill=layout.ink)

    def text_block(lines: list[str], top: float, font_size: int, *, bold: bool, opacity: float) -> None:
        font = _font(bold, font_size * scale)
        for n, line in enumerate(lines):
            y = (top + n * layout.line_height(font_size)) * scale
            draw.text((big / 2, y), line, font=font, fill=ink(opacity), anchor="ma")

    text_block(layout.title_lines, layout.title_top, layout.title_size, bold=True, opacity=1)
    if layout.subtitle_lines:
        half = big * 0.09
        draw.line(
            (big / 2 - half, layout.divider_y * scale, big / 2 + half, layout.divider_y * scale),
            fill=ink(0.6),
            width=max(2, round(big * 0.005)),
        )
        text_block(layout.subtitle_lines, layout.subtitle_top, layout.subtitle_size, bold=False, opacity=0.9)

    out = io.BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_badge_svg(title: str, subtitle: str, colour: str, size: int = 400) -> str:
    """The same badge as `render_badge_png`, as an SVG document; every text is escaped."""
    layout = _badge_layout(title, subtitle, colour, size)
    c = size / 2

    def hex_(rgb: tuple[int, int, int]) -> str:
        return "#{:02x}{:02x}{:02x}".format(*rgb)

    def text_block(lines: list[str], top: float, font_size: int, *, weight: str, opacity: float) -> str:
        ascent = _font(weight == "bold", font_size).getmetrics()[0]  # PNG lines hang from the ascent
        spans = "".join(
            f'<tspan x="{c:g}" y="{top + n * layout.line_height(font_size) + ascent:.1f}">'
            f"{escape(line)}</tspan>"
            for n, line in enumerate(lines)
        )
        return (
            f'<text font-family="{_SVG_FONTS}" font-size="{font_size}" font-weight="{weight}" '
            f'fill="{hex_(layout.ink)}" fill-opacity="{opacity}" text-anchor="middle">{spans}</text>'
        )

    label = f"{_clean(title)} — {_clean(subtitle)}" if _clean(subtitle) else _clean(title)
    star = " ".join(f"{x:.1f},{y:.1f}" for x, y in layout.star)
    parts = [
        f'<svg xmlns="{SVG_NAMESPACE}" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label={quoteattr(label)}>',
        f"<title>{escape(label)}</title>",
        f'<circle cx="{c:g}" cy="{c:g}" r="{size * 0.49:.1f}" fill="{hex_(layout.rim)}"/>',
        f'<circle cx="{c:g}" cy="{c:g}" r="{size * 0.45:.1f}" fill="{hex_(layout.fill)}"/>',
        f'<circle cx="{c:g}" cy="{c:g}" r="{size * 0.415:.1f}" fill="none" stroke="{hex_(layout.ink)}" '
        f'stroke-opacity="0.47" stroke-width="{max(0.5, size * 0.007):.1f}"/>',
        f'<polygon points="{star}" fill="{hex_(layout.ink)}"/>',
        text_block(layout.title_lines, layout.title_top, layout.title_size, weight="bold", opacity=1),
    ]
    if layout.subtitle_lines:
        half = size * 0.09
        parts.append(
            f'<line x1="{c - half:.1f}" y1="{layout.divider_y:.1f}" x2="{c + half:.1f}" '
            f'y2="{layout.divider_y:.1f}" stroke="{hex_(layout.ink)}" stroke-opacity="0.6" '
            f'stroke-width="{max(0.5, size * 0.005):.1f}"/>'
        )
        parts.append(
            text_block(
                layout.subtitle_lines, layout.subtitle_top, layout.subtitle_size, weight="normal", opacity=0.9
            )
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
