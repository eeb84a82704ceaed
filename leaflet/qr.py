"""A sign-up URL -> the QR code's modules, as rows of '1' (dark) and '0' (light), quiet zone not
included.

The qrcode package chooses the segments (numeric, alphanumeric, byte), knows the versions'
block tables and lays out the function patterns; building the codewords bit by bit and scoring
the eight masks module by module, it took about 5 ms a code, most of a ward's budget.  Here the
bits are packed into one integer, Reed-Solomon runs on log tables, the data is placed once as
row integers, each mask is an XOR per row, and the ISO/IEC 18004 penalty is counted on row and
column strings.  The result is the very matrix qrcode makes (the tests compare them), about six
times faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode import LUT, base, util
from qrcode.exceptions import DataOverflowError

from .errors import InputError

QUIET_MODULES = 4  # the quiet zone ISO/IEC 18004 asks for, in modules
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M  # 15%: survives a fold or a smudge

_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")  # neither overlaps itself, so str.count is exact


@dataclass(frozen=True)
class _Template:
    """What is the same for every code of one version: where data goes, what each mask flips."""

    size: int
    positions: tuple[tuple[int, int, int, int], ...]  # data modules in order: row, its bit, column, its bit
    test_rows: tuple[int, ...]  # function patterns, format and version areas light (as qrcode scores)
    test_columns: tuple[int, ...]  # the same, column by column
    final_rows: tuple[tuple[int, ...], ...]  # per mask: function patterns with that mask's format bits
    mask_rows: tuple[tuple[int, ...], ...]  # per mask: the data modules it inverts
    mask_columns: tuple[tuple[int, ...], ...]


def longest_url(size_pt: float, min_module_pt: float) -> int:
    """The longest address (in UTF-8 bytes) a QR code ``size_pt`` wide, quiet zone included, can
    hold at this error correction with modules no smaller than ``min_module_pt``."""
    modules = int(size_pt / min_module_pt) - 2 * QUIET_MODULES
    version = min(40, (modules - 17) // 4)
    if version < 1:
        return 0
    bits = util.BIT_LIMIT_TABLE[ERROR_CORRECTION][version]
    length_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)
    return (bits - 4 - length_bits) // 8


def qr_modules(url: str) -> tuple[str, ...]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(url)
    try:
        version = code.best_fit()
    except (DataOverflowError, ValueError):
        raise InputError(None, "signup_url", f"the address is too long for a QR code ({len(url)} characters)", "use a shorter sign-up address") from None
    template = _template(version, ERROR_CORRECTION)
    codewords = _codewords(version, ERROR_CORRECTION, code.data_list)
    bits = format(int.from_bytes(codewords, "big"), f"0{8 * len(codewords)}b")
    data_rows = [0] * template.size
    data_columns = [0] * template.size
    positions = template.positions
    for match in re.finditer("1", bits[: len(positions)]):
        row, row_bit, column, column_bit = positions[match.start()]
        data_rows[row] |= column_bit
        data_columns[column] |= row_bit
    mask = min(range(8), key=lambda m: (_penalty(template, data_rows, data_columns, m), m))
    width = template.size
    final, flips = template.final_rows[mask], template.mask_rows[mask]
    return tuple(format(final[r] | (data_rows[r] ^ flips[r]), f"0{width}b") for r in range(width))


def _codewords(version: int, error_correction: int, segments) -> bytes:
    """qrcode's ``util.create_data``: the segments' bits, terminator and padding, then each
    block's Reed-Solomon codewords, interleaved."""
    bits = length = 0
    for segment in segments:
        data = segment.data
        parts = [(segment.mode, 4), (len(segment), util.length_in_bits(segment.mode, version))]
        if segment.mode == util.MODE_NUMBER:
            parts += [(int(data[i : i + 3]), util.NUMBER_LENGTH[len(data[i : i + 3])]) for i in range(0, len(data), 3)]
        elif segment.mode == util.MODE_ALPHA_NUM:
            text = data.decode("ascii")
            for i in range(0, len(text), 2):
                pair = text[i : i + 2]
                parts.append((_ALPHANUMERIC.find(pair[0]) * 45 + _ALPHANUMERIC.find(pair[1]), 11) if len(pair) == 2 else (_ALPHANUMERIC.find(pair), 6))
        else:
            parts.append((int.from_bytes(data, "big"), 8 * len(data)))
        for value, size in parts:
            bits = (bits << size) | value
            length += size
    blocks = _blocks(version, error_correction)
    limit = sum(data_count for data_count, _ in blocks) * 8
    if length > limit:
        raise DataOverflowError()
    stop = min(limit - length, 4)
    stop += (8 - (length + stop) % 8) % 8
    bits <<= stop
    length += stop
    data = bits.to_bytes(length // 8, "big") + bytes([util.PAD0, util.PAD1] * limit)[: (limit - length) // 8]
    data_blocks, ec_blocks, offset = [], [], 0
    for data_count, ec_count in blocks:
        block = data[offset : offset + data_count]
        offset += data_count
        data_blocks.append(block)
        ec_blocks.append(_reed_solomon(block, ec_count))
    out = bytearray()
    for group in (data_blocks, ec_blocks):
        for i in range(max(map(len, group))):
            out.extend(block[i] for block in group if i < len(block))
    return bytes(out)


@lru_cache(maxsize=64)
def _blocks(version: int, error_correction: int) -> tuple[tuple[int, int], ...]:
    return tuple((block.data_count, block.total_count - block.data_count) for block in base.rs_blocks(version, error_correction))


_ALPHANUMERIC = util.ALPHA_NUM.decode("ascii")
_EXP = tuple(base.EXP_TABLE[:255]) * 2  # the powers repeat every 255: log + log needs no modulo
_LOG = tuple(base.LOG_TABLE)


@lru_cache(maxsize=32)
def _generator_logs(ec_count: int) -> tuple[int, ...]:
    return tuple(_LOG[coefficient] for coefficient in LUT.rsPoly_LUT[ec_count][1:])


def _reed_solomon(data: bytes, ec_count: int) -> list[int]:
    """The remainder of data(x) * x^ec_count divided by the code's generator, over GF(256)."""
    generator = _generator_logs(ec_count)
    remainder = [0] * ec_count
    for byte in data:
        factor = byte ^ remainder[0]
        remainder = remainder[1:]
        remainder.append(0)
        if factor:
            log = _LOG[factor]
            for i, generator_log in enumerate(generator):
                remainder[i] ^= _EXP[log + generator_log]
    return remainder


def _penalty(template: _Template, data_rows: list[int], data_columns: list[int], mask: int) -> int:
    """qrcode's lost_point (ISO/IEC 18004 7.8.3) for one mask, on rows held as integers."""
    size = template.size
    flips, column_flips = template.mask_rows[mask], template.mask_columns[mask]
    test_rows, test_columns = template.test_rows, template.test_columns
    rows = [test_rows[r] | (data_rows[r] ^ flips[r]) for r in range(size)]
    columns = [test_columns[c] | (data_columns[c] ^ column_flips[c]) for c in range(size)]
    layout = f"0{size}b"
    text = " ".join([format(line, layout) for line in rows] + [format(line, layout) for line in columns])
    runs = sum(len(run) - 2 for run in _RUNS.findall(text))
    finder_like = 40 * sum(text.count(pattern) for pattern in _FINDER_LIKE)
    pairs = (1 << (size - 1)) - 1
    blocks = 0
    for upper, lower in zip(rows, rows[1:]):
        dark = upper & (upper >> 1) & lower & (lower >> 1)
        light = ~(upper | (upper >> 1) | lower | (lower >> 1))
        blocks += ((dark | light) & pairs).bit_count()
    dark_share = sum(row.bit_count() for row in rows) / size**2
    balance = int(abs(dark_share * 100 - 50) / 5) * 10
    return runs + 3 * blocks + finder_like + balance


@lru_cache(maxsize=8)
def _template(version: int, error_correction: int) -> _Template:
    size = version * 4 + 17
    code = qrcode.QRCode(version=version, error_correction=error_correction, border=0)
    code.modules_count = size
    code.modules = [[None] * size for _ in range(size)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(size - 7, 0)
    code.setup_position_probe_pattern(0, size - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)
    if version >= 7:
        code.setup_type_number(True)
    base = [list(row) for row in code.modules]

    def bit(column: int) -> int:
        return 1 << (size - 1 - column)

    def as_rows(matrix) -> tuple[int, ...]:
        return tuple(sum(bit(c) for c, dark in enumerate(row) if dark) for row in matrix)

    positions = []  # the same up-and-down walk in column pairs as qrcode's map_data
    row, step = size - 1, -1
    for column in range(size - 1, 0, -2):
        if column <= 6:
            column -= 1
        while True:
            for c in (column, column - 1):
                if base[row][c] is None:
                    positions.append((row, c))
            row += step
            if row < 0 or row >= size:
                row -= step
                step = -step
                break
    def as_columns(matrix) -> tuple[int, ...]:
        return as_rows([[matrix[r][c] for r in range(size)] for c in range(size)])

    final_rows, mask_rows, mask_columns = [], [], []
    for mask in range(8):
        code.modules = [list(row) for row in base]
        code.setup_type_info(False, mask)
        if version >= 7:
            code.setup_type_number(False)
        final_rows.append(as_rows(code.modules))
        flips, column_flips = [0] * size, [0] * size
        inverts = util.mask_func(mask)
        for r, c in positions:
            if inverts(r, c):
                flips[r] |= bit(c)
                column_flips[c] |= bit(r)
        mask_rows.append(tuple(flips))
        mask_columns.append(tuple(column_flips))
    return _Template(
        size=size,
        positions=tuple((r, bit(r), c, bit(c)) for r, c in positions),
        test_rows=as_rows(base),
        test_columns=as_columns(base),
        final_rows=tuple(final_rows),
        mask_rows=tuple(mask_rows),
        mask_columns=tuple(mask_columns),
    )
