"""Keep the voice, drop every place a recording can carry words: tags, atoms, trailing bytes.

Deleting the tags that a tag library recognises (mutagen, first) is not enough: an MP3 can
carry ID3v2, ID3v1, APEv2 and Lyrics3 at once, an M4A keeps the recorder's place and device in
`udta`/`meta`/`uuid` atoms that no tag API lists, and any file can hide bytes after its end.
So each format is rebuilt from what its decoder needs and nothing else:

- MP3: only MPEG audio frames, found by walking frame headers (two in a row, or one ending
  exactly at the end, before a stretch counts as audio); everything between, before and after
  them (every tag kind) is dropped.
- OGG (Vorbis, Opus): only Ogg pages; their comment packet was emptied by mutagen before.
- M4A: the atom tree again with `ftyp`, `moov` (without `udta`, `meta`, `uuid`, `free`,
  `skip`, handler names and creation times) and `mdat`; the chunk offsets are moved by as much
  as the audio moved. Fragmented files (`moof`) are refused.
- AMR: the magic line and whole speech frames; anything after the last frame is dropped.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass


class UnreadableAudio(ValueError):
    """The recording has no frame a player could play, or a structure we will not rewrite."""


# --- MP3 ------------------------------------------------------------------------------------
_BITRATES_KBPS = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}
_VERSIONS = {0b00: 25, 0b10: 2, 0b11: 1}
_LAYERS = {0b01: 3, 0b10: 2, 0b11: 1}


def mp3_frame_length(header: bytes) -> int:
    """The length of the MPEG audio frame starting with these 4 bytes, or 0 if none does."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version = _VERSIONS.get((header[1] >> 3) & 0b11)
    layer = _LAYERS.get((header[1] >> 1) & 0b11)
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 0b11
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    bitrate = _BITRATES_KBPS[(min(version, 2), layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4
    if layer == 3 and version != 1:
        return 72 * bitrate // sample_rate + padding
    return 144 * bitrate // sample_rate + padding


def _id3v2_length(data: bytes, position: int) -> int:
    if data[position : position + 3] != b"ID3" or len(data) < position + 10:
        return 0
    size = 0
    for byte in data[position + 6 : position + 10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[position + 5] & 0x10 else 0
    return 10 + size + footer


def _is_frame_run(data: bytes, position: int) -> bool:
    length = mp3_frame_length(data[position : position + 4])
    if not length or position + length > len(data):
        return False
    following = position + length
    return following == len(data) or bool(mp3_frame_length(data[following : following + 4]))


def _next_candidate(data: bytes, position: int) -> int:
    found = [
        index for index in (data.find(b"\xff", position), data.find(b"ID3", position)) if index >= 0
    ]
    return min(found) if found else len(data)


def mp3_frames(data: bytes) -> bytes:
    kept: list[bytes] = []
    position, in_run = 0, False
    while position < len(data):
        tag = _id3v2_length(data, position)
        length = mp3_frame_length(data[position : position + 4])
        if tag:
            position, in_run = position + tag, False
        elif (
            length and position + length <= len(data) and (in_run or _is_frame_run(data, position))
        ):
            kept.append(data[position : position + length])
            position, in_run = position + length, True
        else:  # not audio: an ID3v1, APEv2 or Lyrics3 tag, or any other bytes
            position, in_run = _next_candidate(data, position + 1), False
    if not kept:
        raise UnreadableAudio("no MPEG audio frame")
    return b"".join(kept)


# --- OGG ------------------------------------------------------------------------------------
def ogg_pages(data: bytes) -> bytes:
    kept: list[bytes] = []
    position = data.find(b"OggS")
    while position >= 0 and position + 27 <= len(data):
        segments = data[position + 26]
        table_end = position + 27 + segments
        if data[position + 4] != 0 or table_end > len(data):
            position = data.find(b"OggS", position + 1)
            continue
        end = table_end + sum(data[position + 27 : table_end])
        if end > len(data):
            break
        kept.append(data[position:end])
        position = data.find(b"OggS", end)
    if not kept:
        raise UnreadableAudio("no Ogg page")
    return b"".join(kept)


# --- M4A ------------------------------------------------------------------------------------
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}
DROPPED = {b"udta", b"meta", b"uuid", b"free", b"skip", b"wide", b"pdin", b"ilst", b"Xtra"}
TOP_LEVEL_KEPT = (b"ftyp", b"moov", b"mdat")
TIMED = {b"mvhd", b"tkhd", b"mdhd"}  # version, flags, creation and modification times
MAX_DEPTH = 12


@dataclass(frozen=True, slots=True)
class Atom:
    kind: bytes
    start: int
    payload_start: int
    end: int


def atoms(data: bytes, start: int, end: int, *, lenient: bool = False) -> Iterator[Atom]:
    """The atoms between start and end; `lenient` ends quietly at bytes that are no atom
    (what follows the last atom of a file is dropped), instead of refusing the file."""
    try:
        yield from _strict_atoms(data, start, end)
    except UnreadableAudio:
        if not lenient:
            raise


def _strict_atoms(data: bytes, start: int, end: int) -> Iterator[Atom]:
    position = start
    while position < end:
        if position + 8 > end:
            raise UnreadableAudio("truncated atom header")
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        header = 8
        if size == 1:
            if position + 16 > end:
                raise UnreadableAudio("truncated atom header")
            size = struct.unpack(">Q", data[position + 8 : position + 16])[0]
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            raise UnreadableAudio("atom size out of range")
        yield Atom(kind, position, position + header, position + size)
        position += size


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _leaf(data: bytes, atom: Atom, move: Callable[[int], int]) -> bytes:
    payload = data[atom.payload_start : atom.end]
    if atom.kind in TIMED and len(payload) >= 4:
        times = 16 if payload[0] == 1 else 8  # creation + modification time
        payload = payload[:4] + bytes(times) + payload[4 + times :]
    elif atom.kind == b"hdlr" and len(payload) >= 24:
        payload = payload[:24] + b"\x00"  # the handler's free-text name, emptied
    elif atom.kind in (b"stco", b"co64") and len(payload) >= 8:
        payload = _moved_offsets(atom.kind, payload, move)
    return _box(atom.kind, payload)


def _moved_offsets(kind: bytes, payload: bytes, move: Callable[[int], int]) -> bytes:
    count = struct.unpack(">I", payload[4:8])[0]
    width, code = (4, ">I") if kind == b"stco" else (8, ">Q")
    if 8 + count * width > len(payload):
        raise UnreadableAudio("chunk offset table out of range")
    offsets = (
        struct.unpack(code, payload[8 + i * width : 8 + (i + 1) * width])[0] for i in range(count)
    )
    return payload[:8] + b"".join(struct.pack(code, move(offset)) for offset in offsets)


def _rebuilt(data: bytes, atom: Atom, move: Callable[[int], int], depth: int) -> bytes:
    if depth > MAX_DEPTH:
        raise UnreadableAudio("atoms nested too deep")
    if atom.kind not in CONTAINERS:
        return _leaf(data, atom, move)
    children = [
        _rebuilt(data, child, move, depth + 1)
        for child in atoms(data, atom.payload_start, atom.end)
        if child.kind not in DROPPED
    ]
    return _box(atom.kind, b"".join(children))


def mp4_atoms(data: bytes) -> bytes:
    top = list(atoms(data, 0, len(data), lenient=True))
    kinds = [atom.kind for atom in top]
    if (
        b"moof" in kinds
        or kinds.count(b"moov") != 1
        or b"mdat" not in kinds
        or not kinds
        or kinds[0] != b"ftyp"
    ):
        raise UnreadableAudio("not a plain (unfragmented) MP4 recording")
    kept = [atom for atom in top if atom.kind in TOP_LEVEL_KEPT]
    moov = next(atom for atom in kept if atom.kind == b"moov")
    moov_length = len(_rebuilt(data, moov, lambda offset: offset, 0))
    new_starts: dict[int, int] = {}
    position = 0
    for atom in kept:
        new_starts[atom.start] = position
        position += moov_length if atom is moov else atom.end - atom.start
    media = [atom for atom in kept if atom.kind == b"mdat"]

    def move(offset: int) -> int:
        for atom in media:
            if atom.payload_start <= offset <= atom.end:
                return offset - atom.start + new_starts[atom.start]
        raise UnreadableAudio("a chunk offset points outside the audio")

    parts = [
        _rebuilt(data, atom, move, 0) if atom is moov else data[atom.start : atom.end]
        for atom in kept
    ]
    return b"".join(parts)


# --- AMR ------------------------------------------------------------------------------------
_AMR_FRAME_BYTES = {
    b"#!AMR\n": (12, 13, 15, 17, 19, 20, 26, 31, 5, -1, -1, -1, -1, -1, -1, 0),
    b"#!AMR-WB\n": (17, 23, 32, 36, 40, 46, 50, 58, 60, 5, -1, -1, -1, -1, 0, 0),
}


def amr_frames(data: bytes) -> bytes:
    magic = next((magic for magic in _AMR_FRAME_BYTES if data.startswith(magic)), b"")
    if not magic:
        raise UnreadableAudio("not an AMR stream")
    sizes = _AMR_FRAME_BYTES[magic]
    position = len(magic)
    while position < len(data):
        header = data[position]
        size = sizes[(header >> 3) & 0x0F]
        if header & 0x83 or size < 0 or position + 1 + size > len(data):
            break  # not a frame: everything from here on is dropped
        position += 1 + size
    if position == len(magic):
        raise UnreadableAudio("no AMR frame")
    return data[:position]
