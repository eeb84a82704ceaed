"""Writes the photo fixtures of tests/assets/test_photo_modes.py: one picture in every pixel mode
Pillow opens (and a few it opens but leaflet must refuse).  Run from this folder to remake them;
the test compares each, placed and rendered, with ``reference()`` laid on white."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

WIDTH, HEIGHT = 462, 156  # the example's hero frame (154 x 52 mm), 76 ppi
HERE = Path(__file__).resolve().parent


def reference() -> Image.Image:
    """Greys, colours and transparency: a grey ramp, muted colour patches, an alpha ramp over dark
    blue (white where it is transparent), and a band that is transparent over black."""
    image = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 255))
    draw = ImageDraw.Draw(image)
    third = WIDTH // 3
    for x in range(third):
        grey = round(x * 255 / (third - 1))
        draw.line([(x, 0), (x, HEIGHT)], fill=(grey, grey, grey, 255))
    patches = [(196, 120, 96), (70, 130, 180), (90, 150, 80), (230, 200, 90), (150, 90, 140), (200, 200, 200)]
    for index, colour in enumerate(patches):
        x0, y0 = third + (index % 3) * third // 3, (index // 3) * HEIGHT // 2
        draw.rectangle([x0, y0, x0 + third // 3 - 1, y0 + HEIGHT // 2 - 1], fill=(*colour, 255))
    for x in range(2 * third, WIDTH):
        alpha = round(255 - (x - 2 * third) * 255 / (WIDTH - 2 * third - 1))
        draw.line([(x, 0), (x, HEIGHT)], fill=(20, 40, 110, alpha))
    draw.rectangle([2 * third, HEIGHT - 40, WIDTH, HEIGHT], fill=(0, 0, 0, 0))
    return image


def _png16(path: Path, colour_type: int, image: Image.Image) -> None:
    """A 16-bit PNG (Pillow writes none but greyscale): every 8-bit value v as v * 257."""
    channels = {0: "L", 2: "RGB", 4: "LA", 6: "RGBA"}[colour_type]
    pixels = image.convert(channels)
    rows = []
    data = pixels.tobytes()
    stride = len(channels) * image.width
    for y in range(image.height):
        row = data[y * stride : (y + 1) * stride]
        rows.append(b"\x00" + b"".join(struct.pack(">H", value * 257) for value in row))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", image.width, image.height, 16, colour_type, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    picture = reference()
    opaque = picture.convert("RGB")  # the colours under the transparency, as opaque modes have them
    grey = picture.convert("LA")
    opaque.save(HERE / "rgb.png")
    opaque.save(HERE / "rgb.jpg", quality=95)
    picture.save(HERE / "rgba.png")
    picture.save(HERE / "rgba.tif", compression="tiff_adobe_deflate")
    keyed = opaque.copy()
    keyed.paste((1, 2, 3), (2 * WIDTH // 3, HEIGHT - 40, WIDTH, HEIGHT))
    keyed.save(HERE / "rgb-transparent-colour.png", transparency=(1, 2, 3))
    _png16(HERE / "rgb-16-bit.png", 2, opaque)
    _png16(HERE / "rgba-16-bit.png", 6, picture)
    grey.convert("L").save(HERE / "l.png")
    grey.save(HERE / "la.png")
    grey.save(HERE / "la.tif", compression="tiff_adobe_deflate")
    _png16(HERE / "la-16-bit.png", 4, grey)
    grey_keyed = grey.convert("L")
    grey_keyed.paste(7, (2 * WIDTH // 3, HEIGHT - 40, WIDTH, HEIGHT))
    grey_keyed.save(HERE / "l-transparent-grey.png", transparency=7)
    sixteen = Image.frombytes(
        "I;16", grey.size, b"".join(struct.pack("<H", v * 257) for v in grey.convert("L").tobytes())
    )
    sixteen.save(HERE / "i16.png")
    greys = grey.convert("L").tobytes()
    keyed_values = [
        1000 if x >= 2 * WIDTH // 3 and y >= HEIGHT - 40 else greys[y * WIDTH + x] * 257
        for y in range(HEIGHT)
        for x in range(WIDTH)
    ]
    keyed16 = Image.frombytes("I;16", grey.size, struct.pack(f"<{len(keyed_values)}H", *keyed_values))
    keyed16.save(HERE / "i16-transparent-grey.png", transparency=1000)
    sixteen.save(HERE / "i16.tif", compression="tiff_adobe_deflate")
    grey.convert("L").convert("I").save(HERE / "i-32-bit.tif", compression="tiff_adobe_deflate")
    grey.convert("L").convert("F").save(HERE / "f-32-bit-float.tif", compression="tiff_adobe_deflate")
    grey.convert("L").convert("1").save(HERE / "1-bit.png")
    opaque.quantize(64).save(HERE / "p.png")
    picture.quantize(64, method=Image.Quantize.FASTOCTREE).save(HERE / "p-transparent.png")
    picture.convert("PA").save(HERE / "pa.tif", compression="tiff_adobe_deflate")
    opaque.convert("CMYK").save(HERE / "cmyk.jpg", quality=95)
    opaque.convert("CMYK").save(HERE / "cmyk.tif", compression="tiff_adobe_deflate")
    opaque.convert("YCbCr").save(HERE / "ycbcr.tif", compression="tiff_adobe_deflate")
    to_lab = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB")
    lab = ImageCms.applyTransform(opaque, to_lab)
    assert lab is not None
    lab.save(HERE / "lab.tif", compression="tiff_adobe_deflate")
    picture.save(HERE / "rgba.webp", lossless=True)
    gif = opaque.quantize(63)
    gif.paste(63, mask=picture.getchannel("A").point(lambda a: 255 if a < 128 else 0))
    gif.save(HERE / "p-transparent.gif", transparency=63)
    # refused
    Image.new("RGB", (1, 1), (200, 30, 30)).save(HERE / "refused-one-pixel.png")
    Image.new("I", (WIDTH, HEIGHT), 400_000).save(HERE / "refused-i-32-bit-large.tif", compression="tiff_adobe_deflate")
    Image.new("F", (WIDTH, HEIGHT), 0.5).save(HERE / "refused-f-between-0-and-1.tif", compression="tiff_adobe_deflate")
    grey.convert("L").resize((60, 20)).save(HERE / "refused-too-few-pixels.png")


if __name__ == "__main__":
    main()
