"""Shamir's secret sharing over GF(2^8), byte by byte.

Written here rather than taken from a library: the maintained Python options either cap the
secret at 16 bytes (pycryptodome) or are unmaintained; the field arithmetic is 40 lines and
tested against the threshold property in vault/tests/test_recovery.py.
"""

from __future__ import annotations

import secrets


def _gf_mul(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11B  # the AES polynomial x^8 + x^4 + x^3 + x + 1
        b >>= 1
    return product


def _gf_inverse(a: int) -> int:
    # a^254 = a^-1 in GF(2^8)
    result, power, exponent = 1, a, 254
    while exponent:
        if exponent & 1:
            result = _gf_mul(result, power)
        power = _gf_mul(power, power)
        exponent >>= 1
    return result


def _evaluate(coefficients: list[int], x: int) -> int:
    value = 0
    for coefficient in reversed(coefficients):
        value = _gf_mul(value, x) ^ coefficient
    return value


def split(secret: bytes, *, threshold: int, shares: int) -> list[tuple[int, bytes]]:
    """Split into `shares` points, any `threshold` of which rebuild the secret."""
    if not 2 <= threshold <= shares <= 255:
        raise ValueError("need 2 <= threshold <= shares <= 255")
    polynomials = [[byte, *secrets.token_bytes(threshold - 1)] for byte in secret]
    return [
        (x, bytes(_evaluate(polynomial, x) for polynomial in polynomials))
        for x in range(1, shares + 1)
    ]


def combine(points: list[tuple[int, bytes]]) -> bytes:
    """Lagrange interpolation at zero. With fewer than threshold points the result is noise."""
    xs = [x for x, _ in points]
    if len(set(xs)) != len(xs) or not points:
        raise ValueError("shares must be distinct")
    if any(not 1 <= x <= 255 for x in xs):
        raise ValueError("share numbers run from 1 to 255")
    length = len(points[0][1])
    if any(len(y) != length for _, y in points):
        raise ValueError("shares must have the same length")
    secret = bytearray(length)
    for index, (x_i, y_i) in enumerate(points):
        basis = 1
        for other_index, (x_j, _) in enumerate(points):
            if other_index != index:
                basis = _gf_mul(basis, _gf_mul(x_j, _gf_inverse(x_j ^ x_i)))
        for position in range(length):
            secret[position] ^= _gf_mul(y_i[position], basis)
    return bytes(secret)
