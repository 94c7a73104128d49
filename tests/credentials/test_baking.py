"""Open Badges 3.0 baking (PNG iTXt chunk, SVG element) and the default badge images."""

from __future__ import annotations

import io
import json
import zlib

import defusedxml.ElementTree as safe_xml
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from credstack.credentials.baking import (
    BadCredentialText,
    BakingError,
    DamagedImage,
    NoCredential,
    NotAnSvg,
    NotAPng,
    SeveralCredentials,
    bake_png,
    bake_svg,
    render_badge_png,
    render_badge_svg,
    unbake_png,
    unbake_svg,
)

OB = "https://purl.imsglobal.org/ob/v3p0"
SVG = "http://www.w3.org/2000/svg"
CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Python Data Wrangling — Zoë Ødegård ✓ 数据",
    },
    ensure_ascii=False,
)
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuZWR1In0.c2lnbmF0dXJlLWJ5dGVz"
# JSON whose strings hold anything XML can carry (surrogates and U+FFFE/U+FFFF it cannot).
xml_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff"))
credentials = st.builds(
    lambda name, extra, ascii_: json.dumps({"name": name, "extra": extra}, ensure_ascii=ascii_),
    xml_text,
    st.lists(xml_text, max_size=3),
    st.booleans(),
)


# --- PNG helpers -----------------------------------------------------------------------------


def a_png(mode: str = "RGB", *, info: PngImagePlugin.PngInfo | None = None) -> bytes:
    image = Image.new("RGB", (24, 16))
    image.putdata([(x * 10, y * 15, (x + y) * 5) for y in range(16) for x in range(24)])
    if mode != "RGB":
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, each CRC checked: an independent reader for the tests."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, pos = [], 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        type_, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        assert zlib.crc32(type_ + data) == int.from_bytes(png[pos + 8 + length : pos + 12 + length], "big")
        found.append((type_, data))
        pos += 12 + length
    return found


def chunk(type_: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + type_ + data + zlib.crc32(type_ + data).to_bytes(4, "big")


def with_extra_chunk(png: bytes, extra: bytes) -> bytes:
    """Insert a raw chunk right before IEND."""
    return png[:-12] + extra + png[-12:]


def credential_itxt(text: str) -> bytes:
    return chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + text.encode())


# --- PNG -------------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS])
def test_png_round_trip(credential):
    assert unbake_png(bake_png(a_png(), credential)) == credential


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(credentials)
def test_png_round_trip_of_any_unicode_json(credential):
    assert unbake_png(bake_png(a_png(), credential)) == credential


def test_png_credential_is_one_uncompressed_itxt_right_after_ihdr():
    baked = bake_png(a_png(), CREDENTIAL)
    found = chunks(baked)
    assert found[0][0] == b"IHDR"
    assert found[1][0] == b"iTXt"
    keyword, rest = found[1][1].split(b"\0", 1)
    assert keyword == b"openbadgecredential"
    assert rest[:2] == b"\0\0"  # compression flag 0, method 0
    assert rest[2:4] == b"\0\0"  # empty language tag and translated keyword
    assert rest[4:].decode() == CREDENTIAL
    assert [t for t, _ in found].count(b"iTXt") == 1


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_baked_png_opens_in_pillow_with_the_same_pixels(mode):
    original = a_png(mode)
    baked = bake_png(original, CREDENTIAL)
    Image.open(io.BytesIO(baked)).verify()  # Pillow's own CRC and structure check
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(baked))
    assert after.mode == before.mode and after.size == before.size
    assert after.tobytes() == before.tobytes()
    assert after.info["openbadgecredential"] == CREDENTIAL  # Pillow reads our chunk too


def test_baking_keeps_every_other_chunk_byte_for_byte():
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "credstack tests")
    info.add_itxt("Title", "Zoë", lang="en")
    original = a_png(info=info)
    baked = bake_png(original, CREDENTIAL)
    assert [c for c in chunks(baked) if c[0] != b"iTXt" or not c[1].startswith(b"openbadge")] == chunks(
        original
    )


def test_baking_twice_replaces_the_credential():
    twice = bake_png(bake_png(a_png(), CREDENTIAL), JWS)
    assert unbake_png(twice) == JWS
    assert twice.count(b"openbadgecredential") == 1


def test_a_png_with_two_credential_chunks_is_rejected():
    doubled = with_extra_chunk(bake_png(a_png(), CREDENTIAL), credential_itxt(JWS))
    with pytest.raises(SeveralCredentials, match="rejected: 2 openbadgecredential chunks"):
        unbake_png(doubled)
    rebaked = bake_png(doubled, CREDENTIAL)  # baking never leaves two
    assert unbake_png(rebaked) == CREDENTIAL


def test_a_compressed_itxt_from_another_baker_is_inflated():
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadgecredential", CREDENTIAL, zip=True)
    png = a_png(info=info)
    itxt = next(data for type_, data in chunks(png) if type_ == b"iTXt")
    assert itxt.split(b"\0", 1)[1][0] == 1  # Pillow really compressed it
    assert unbake_png(png) == CREDENTIAL


def test_a_damaged_compressed_itxt_is_refused():
    data = b"openbadgecredential\0\1\0\0\0" + zlib.compress(CREDENTIAL.encode())[:-6]
    with pytest.raises(DamagedImage):
        unbake_png(with_extra_chunk(a_png(), chunk(b"iTXt", data)))


def test_a_compressed_itxt_that_inflates_too_far_is_refused():
    data = b"openbadgecredential\0\1\0\0\0" + zlib.compress(b" " * (9 * 1024 * 1024))
    with pytest.raises(DamagedImage):
        unbake_png(with_extra_chunk(a_png(), chunk(b"iTXt", data)))


def test_a_bad_crc_is_detected():
    baked = bytearray(bake_png(a_png(), CREDENTIAL))
    baked[33 + 8 + 30] ^= 0x01  # a byte of the credential text, in the chunk after IHDR
    with pytest.raises(DamagedImage, match="bad CRC in the iTXt chunk"):
        unbake_png(bytes(baked))
    with pytest.raises(DamagedImage):
        bake_png(bytes(baked), CREDENTIAL)


def test_a_png_without_a_credential():
    with pytest.raises(NoCredential):
        unbake_png(a_png())


def test_an_openbadge_text_chunk_of_another_kind_is_not_a_credential():
    info = PngImagePlugin.PngInfo()
    info.add_text("openbadgecredential", JWS)  # tEXt (Latin-1), not iTXt
    with pytest.raises(NoCredential):
        unbake_png(a_png(info=info))


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"\xff\xd8\xff\xe0JFIF", "a string"])
def test_what_is_not_a_png_is_refused(data):
    with pytest.raises(NotAPng):
        bake_png(data, CREDENTIAL)
    with pytest.raises(NotAPng):
        unbake_png(data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda png: png[:-5],  # truncated IEND
        lambda png: png[:40],  # cut inside a chunk
        lambda png: png + b"trailing junk",
        lambda png: png[:8] + png[33:],  # no IHDR
        lambda png: png[:8] + b"\x00\x00\x00\x00bad!" + png[8:],  # an invalid chunk type
    ],
)
def test_a_damaged_png_is_refused(damage):
    with pytest.raises(DamagedImage):
        unbake_png(damage(bake_png(a_png(), CREDENTIAL)))


def test_a_malformed_credential_chunk_is_refused():
    with pytest.raises(DamagedImage):
        unbake_png(with_extra_chunk(a_png(), chunk(b"iTXt", b"openbadgecredential\0\0\0")))
    with pytest.raises(DamagedImage):
        unbake_png(with_extra_chunk(a_png(), chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0\xff\xfe")))


@pytest.mark.parametrize("text", ["", "   ", "not json", "[1, 2]", '"a string"', "a.b"])
def test_only_a_json_object_or_a_compact_jws_is_baked(text):
    with pytest.raises(BadCredentialText):
        bake_png(a_png(), text)


def test_a_credential_text_that_is_not_utf8_encodable_is_refused():
    with pytest.raises(BadCredentialText):
        bake_png(a_png(), '{"name": "\ud800"}')


# --- SVG -------------------------------------------------------------------------------------

PLAIN_SVG = f'<svg xmlns="{SVG}" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#1f6feb"/></svg>'
RICH_SVG = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- made by hand, kept by baking -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="64" height="64" data-note="a &gt; b and 'quoted' > too">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <inkscape:layer inkscape:label="Layer 1"/>
  <?render hint?>
  <use xlink:href="#g"/>
  <text x="4" y="40">Zoë &amp; 数据</text>
</svg>
"""


def children(svg: str) -> list[str]:
    return [element.tag for element in safe_xml.fromstring(svg)]


def credential_elements(svg: str) -> list[object]:
    return list(safe_xml.fromstring(svg).iter(f"{{{OB}}}credential"))


@pytest.mark.parametrize("svg", [PLAIN_SVG, RICH_SVG])
def test_svg_round_trip_json(svg):
    baked = bake_svg(svg, CREDENTIAL)
    assert unbake_svg(baked) == CREDENTIAL
    assert f'xmlns:openbadges="{OB}"' in baked
    assert "<openbadges:credential><![CDATA[" in baked
    assert children(baked) == [f"{{{OB}}}credential", *children(svg)]  # first child, the rest kept


def test_svg_round_trip_jws_in_a_verify_attribute():
    baked = bake_svg(PLAIN_SVG, JWS, jws=True)
    assert f'<openbadges:credential verify="{JWS}"></openbadges:credential>' in baked
    assert unbake_svg(baked) == JWS


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(credentials)
def test_svg_round_trip_of_any_unicode_json(credential):
    assert unbake_svg(bake_svg(RICH_SVG, credential)) == credential


def test_a_cdata_terminator_inside_the_json_survives():
    credential = json.dumps({"name": "a ]]> b ]]]]> c"})
    baked = bake_svg(PLAIN_SVG, credential)
    assert unbake_svg(baked) == credential


def test_baking_an_svg_changes_nothing_else():
    baked = bake_svg(RICH_SVG, CREDENTIAL)
    element = baked[baked.index("<openbadges:credential>") : baked.index("</openbadges:credential>") + 24]
    assert baked.replace(element, "").replace(f' xmlns:openbadges="{OB}"', "") == RICH_SVG


def test_baked_svg_still_parses_as_svg():
    root = safe_xml.fromstring(bake_svg(RICH_SVG, CREDENTIAL))
    assert root.tag == f"{{{SVG}}}svg"
    assert root.get("width") == "64"
    assert root.find(f"{{{SVG}}}text").text == "Zoë & 数据"


def test_baking_an_svg_twice_replaces_the_credential():
    twice = bake_svg(bake_svg(RICH_SVG, CREDENTIAL), JWS, jws=True)
    assert unbake_svg(twice) == JWS
    assert len(credential_elements(twice)) == 1
    assert twice.count("xmlns:openbadges") == 1
    assert children(twice) == [f"{{{OB}}}credential", *children(RICH_SVG)]


def doubled_svg() -> str:
    element = f'<ob:credential xmlns:ob="{OB}" verify="{JWS}"/>'
    return bake_svg(PLAIN_SVG, CREDENTIAL).replace("</svg>", element + "</svg>")


def test_an_svg_with_two_credentials_is_rejected():
    with pytest.raises(SeveralCredentials, match="rejected: 2"):
        unbake_svg(doubled_svg())


def test_baking_over_two_credentials_leaves_one():
    baked = bake_svg(doubled_svg(), CREDENTIAL)
    assert len(credential_elements(baked)) == 1
    assert unbake_svg(baked) == CREDENTIAL


def test_baking_over_nested_credentials_leaves_one():
    nested = f'<svg xmlns="{SVG}"><o:credential xmlns:o="{OB}">x<o:credential verify="{JWS}"/></o:credential><g/></svg>'
    with pytest.raises(SeveralCredentials):
        unbake_svg(nested)
    baked = bake_svg(nested, CREDENTIAL)
    assert unbake_svg(baked) == CREDENTIAL
    assert children(baked) == [f"{{{OB}}}credential", f"{{{SVG}}}g"]


def test_a_credential_baked_elsewhere_in_the_spec_layout_is_read():
    svg = f"""<?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="{SVG}" xmlns:openbadges="{OB}" viewBox="0 0 512 512">
      <openbadges:credential>
        <![CDATA[
          {CREDENTIAL}
        ]]>
      </openbadges:credential>
      <!-- rest-of-image -->
    </svg>"""
    assert unbake_svg(svg) == CREDENTIAL
    rebaked = bake_svg(svg, JWS, jws=True)  # the existing declaration is reused
    assert rebaked.count("xmlns:openbadges") == 1
    assert unbake_svg(rebaked) == JWS


@pytest.mark.parametrize(
    "svg",
    [
        f'<svg xmlns="{SVG}"/>',
        f'<svg xmlns="{SVG}" width="5" />',
        f'<s:svg xmlns:s="{SVG}"><s:rect width="1" height="1"/></s:svg>',
        f'<s:svg xmlns:s="{SVG}"/>',
        f"\ufeff<svg xmlns='{SVG}' a='>'><g/></svg>",
    ],
)
def test_unusual_but_valid_svg_roots(svg):
    baked = bake_svg(svg, CREDENTIAL)
    assert unbake_svg(baked) == CREDENTIAL
    assert safe_xml.fromstring(baked).tag == f"{{{SVG}}}svg"
    assert children(baked)[0] == f"{{{OB}}}credential"


def test_an_svg_without_a_credential():
    with pytest.raises(NoCredential):
        unbake_svg(PLAIN_SVG)
    with pytest.raises(NoCredential):
        unbake_svg(PLAIN_SVG.replace("</svg>", f'<o:credential xmlns:o="{OB}"> </o:credential></svg>'))


XXE = f"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="{SVG}" xmlns:openbadges="{OB}"><openbadges:credential>&xxe;</openbadges:credential></svg>"""
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + f']><svg xmlns="{SVG}" xmlns:openbadges="{OB}"><openbadges:credential>&lol9;</openbadges:credential></svg>'
)


@pytest.mark.parametrize("svg", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_tricks_are_refused(svg):
    with pytest.raises(NotAnSvg, match="unsafe XML"):
        unbake_svg(svg)
    with pytest.raises(NotAnSvg):
        bake_svg(svg, CREDENTIAL)


@pytest.mark.parametrize(
    "svg",
    ["", "<svg", "not xml", "<html><body/></html>", f'<svg xmlns="{SVG}"><g></svg>', "<svg>\ud800</svg>"],
)
def test_what_is_not_an_svg_is_refused(svg):
    with pytest.raises(NotAnSvg):
        unbake_svg(svg)
    with pytest.raises(NotAnSvg):
        bake_svg(svg, CREDENTIAL)


def test_an_svg_without_the_svg_namespace_is_not_baked():
    with pytest.raises(NotAnSvg, match="xmlns"):
        bake_svg("<svg><rect/></svg>", CREDENTIAL)


def test_an_openbadges_prefix_bound_elsewhere_is_refused():
    with pytest.raises(NotAnSvg, match="already bound"):
        bake_svg(f'<svg xmlns="{SVG}" xmlns:openbadges="http://openbadges.org"/>', CREDENTIAL)


def test_svg_jws_and_json_are_not_confused():
    with pytest.raises(BadCredentialText):
        bake_svg(PLAIN_SVG, CREDENTIAL, jws=True)
    with pytest.raises(BadCredentialText):
        bake_svg(PLAIN_SVG, JWS)
    with pytest.raises(BadCredentialText):
        bake_svg(PLAIN_SVG, 'a.b.c" onload="alert(1)', jws=True)


def test_characters_xml_cannot_carry_are_refused_with_advice():
    with pytest.raises(BadCredentialText, match="escape"):
        bake_svg(PLAIN_SVG, json.dumps({"name": "\uffff"}, ensure_ascii=False))
    baked = bake_svg(PLAIN_SVG, json.dumps({"name": "\uffff"}))  # escaped: fine
    assert json.loads(unbake_svg(baked)) == {"name": "\uffff"}


# --- default badge images --------------------------------------------------------------------


def test_render_badge_png():
    png = render_badge_png("Python Data Wrangling", "Northfield University", "#1f6feb", size=300)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (300, 300) and image.mode == "RGBA"
    assert image.getpixel((2, 2))[3] == 0  # transparent corners
    assert image.getpixel((150, 40))[:3] == (0x1F, 0x6F, 0xEB)  # the badge's colour
    assert unbake_png(bake_png(png, CREDENTIAL)) == CREDENTIAL


def test_render_badge_png_is_opaque_inside_the_badge():
    """Translucent ink must be mixed into the badge, not punch see-through holes in it."""
    image = Image.open(io.BytesIO(render_badge_png("Data Wrangling", "Northfield University", "#1f6feb")))
    alpha = image.getchannel("A")
    inside = [
        alpha.getpixel((x, y))
        for y in range(60, 340, 3)
        for x in range(60, 340, 3)
        if (x - 200) ** 2 + (y - 200) ** 2 < 170**2
    ]
    assert min(inside) == 255


def test_render_badge_png_draws_the_title():
    plain = Image.open(io.BytesIO(render_badge_png("", "", "#1f6feb"))).convert("L")
    titled = Image.open(io.BytesIO(render_badge_png("Data Wrangling", "", "#1f6feb"))).convert("L")
    assert plain.tobytes() != titled.tobytes()


def test_render_badge_svg_escapes_text():
    title = '</text><script>alert("x")</script> & <b>'
    svg = render_badge_svg(title, "O'Brien & Sons <Ltd>", "#f2c94c")
    root = safe_xml.fromstring(svg)
    assert root.tag == f"{{{SVG}}}svg"
    assert not list(root.iter(f"{{{SVG}}}script"))
    texts = ["".join(t.itertext()) for t in root.iter(f"{{{SVG}}}text")]
    assert "alert" in texts[0] and "&" in texts[0]
    assert texts[1] == "O'Brien & Sons <Ltd>"
    assert unbake_svg(bake_svg(svg, CREDENTIAL)) == CREDENTIAL


def test_a_long_title_is_wrapped_and_if_need_be_shortened():
    svg = render_badge_svg("Applied " * 40, "Northfield University", "#2e7d32")
    lines = [span.text for span in safe_xml.fromstring(svg).iter(f"{{{SVG}}}tspan")]
    assert 2 <= len(lines) <= 7
    assert lines[-2].endswith("…")  # the title's last line; the subtitle follows


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=120), st.text(max_size=60))
def test_any_title_gives_a_well_formed_svg(title, subtitle):
    svg = render_badge_svg(title, subtitle, "#123", size=200)
    assert safe_xml.fromstring(svg).tag == f"{{{SVG}}}svg"


@pytest.mark.parametrize("colour", ["blue", "#12345", "", "#gggggg"])
def test_a_colour_must_be_hex(colour):
    with pytest.raises(BakingError):
        render_badge_png("T", "S", colour)


@pytest.mark.parametrize("size", [0, 10, 10_000, True])
def test_a_size_must_be_sensible(size):
    with pytest.raises(BakingError):
        render_badge_svg("T", "S", "#000000", size=size)


def test_dark_ink_on_a_light_colour():
    svg = render_badge_svg("T", "S", "#f2c94c")
    assert 'fill="#1a1a1a"' in svg
    assert 'fill="#ffffff"' in render_badge_svg("T", "S", "#1f6feb")
