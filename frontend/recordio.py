"""`mx.recordio`: MXNet 1.9.1's RecordIO files in pure Python (dmlc-core's format).

A file is a sequence of records. Each part of a record is written as the magic number
0xced7230a (little-endian uint32), a uint32 `(cflag << 29) | length`, the bytes, and zero
padding to a multiple of 4. A record whose bytes contain the magic number at a 4-byte
aligned offset is split there (the magic itself is dropped and restored on reading):
cflag 0 = a whole record, 1 = first part, 2 = middle part, 3 = last part. An index file
(`MXIndexedRecordIO`) holds one `key\\tbyte offset` line per record.

`pack`/`unpack` add and read the `IRHeader` (struct 'IfQQ': flag, label, id, id2; with an
array label, `flag` is its length and the float32 values follow the header).
`pack_img`/`unpack_img` need OpenCV, as MXNet's do.
"""
from __future__ import annotations

import numbers
import struct
from collections import namedtuple
from multiprocessing import current_process
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

__all__ = ["MXRecordIO", "MXIndexedRecordIO", "IRHeader", "pack", "unpack", "pack_img",
           "unpack_img"]

_MAGIC = 0xced7230a
_MAGIC_BYTES = struct.pack("<I", _MAGIC)
_LENGTH_MASK = (1 << 29) - 1


def _parts(buf: bytes) -> List[Tuple[int, bytes]]:
    """(cflag, bytes) of each part `buf` is written as (split at aligned magic numbers)."""
    if len(buf) >= 1 << 29:
        raise ValueError("RecordIO only accepts records of less than 2^29 bytes, got %d"
                         % len(buf))
    parts, start = [], 0
    for i in range(0, (len(buf) >> 2) << 2, 4):
        if buf[i:i + 4] == _MAGIC_BYTES:
            parts.append((1 if start == 0 else 2, buf[start:i]))
            start = i + 4
    parts.append((3 if start != 0 else 0, buf[start:]))
    return parts


class MXRecordIO:
    """Sequential reading (`flag='r'`) or writing (`flag='w'`) of a RecordIO file."""

    def __init__(self, uri: str, flag: str) -> None:
        self.uri = uri
        self.flag = flag
        self.pid: Optional[int] = None
        self.is_open = False
        self.writable = False
        self._file: Any = None
        self.open()

    def open(self) -> None:
        """Open the file (truncating it for writing)."""
        if self.flag == "w":
            self._file = open(self.uri, "wb")
            self.writable = True
        elif self.flag == "r":
            self._file = open(self.uri, "rb")
            self.writable = False
        else:
            raise ValueError("Invalid flag %s" % self.flag)
        self.pid = current_process().pid
        self.is_open = True

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 (interpreter shutdown)
            pass

    def __getstate__(self) -> Dict[str, Any]:
        is_open = self.is_open
        self.close()
        d = dict(self.__dict__)
        d["is_open"] = is_open
        d["_file"] = None
        return d

    def __setstate__(self, d: Dict[str, Any]) -> None:
        self.__dict__ = d
        is_open = d["is_open"]
        self.is_open = False
        if is_open:
            self.open()

    def _check_pid(self, allow_reset: bool = False) -> None:
        if self.pid != current_process().pid:
            if allow_reset:
                self.reset()
            else:
                raise RuntimeError("Forbidden operation in multiple processes")

    def close(self) -> None:
        """Close the file (a no-op when closed)."""
        if not self.is_open:
            return
        self._file.close()
        self.is_open = False
        self.pid = None

    def reset(self) -> None:
        """Back to the first record (for writing: truncate the file)."""
        self.close()
        self.open()

    def write(self, buf: bytes) -> None:
        """Append `buf` (bytes) as one record."""
        assert self.writable
        self._check_pid(allow_reset=False)
        if not isinstance(buf, (bytes, bytearray)):
            raise TypeError("MXRecordIO.write needs bytes, got %s" % type(buf).__name__)
        out = bytearray()
        for cflag, part in _parts(bytes(buf)):
            out += _MAGIC_BYTES + struct.pack("<I", (cflag << 29) | len(part)) + part
        out += b"\0" * (-len(buf) % 4)
        self._file.write(bytes(out))

    def read(self) -> Optional[bytes]:
        """The next record's bytes, or None at the end of the file."""
        assert not self.writable
        self._check_pid(allow_reset=False)
        out = bytearray()
        while True:
            head = self._file.read(8)
            if not head:
                if out:
                    raise ValueError("Invalid RecordIO File %s: a record ends inside its "
                                     "parts" % self.uri)
                return None
            if len(head) != 8:
                raise ValueError("Invalid RecordIO File %s: truncated header" % self.uri)
            magic, lrec = struct.unpack("<II", head)
            if magic != _MAGIC:
                raise ValueError("Invalid RecordIO File %s: bad magic number at offset %d"
                                 % (self.uri, self._file.tell() - 8))
            cflag, length = lrec >> 29, lrec & _LENGTH_MASK
            data = self._file.read((length + 3) >> 2 << 2)
            if len(data) < length:
                raise ValueError("Invalid RecordIO File %s: truncated record" % self.uri)
            out += data[:length]
            if cflag in (0, 3):
                return bytes(out)
            out += _MAGIC_BYTES

    def _tell(self) -> int:
        return self._file.tell()


class MXIndexedRecordIO(MXRecordIO):
    """RecordIO with random access through an index file of `key\\toffset` lines."""

    def __init__(self, idx_path: str, uri: str, flag: str, key_type: Any = int) -> None:
        self.idx_path = idx_path
        self.idx: Dict[Any, int] = {}
        self.keys: List[Any] = []
        self.key_type = key_type
        self.fidx: Any = None
        super().__init__(uri, flag)

    def open(self) -> None:
        super().open()
        self.idx = {}
        self.keys = []
        self.fidx = open(self.idx_path, self.flag)
        if not self.writable:
            for line in iter(self.fidx.readline, ""):
                fields = line.strip().split("\t")
                key = self.key_type(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)

    def close(self) -> None:
        if not self.is_open:
            return
        super().close()
        self.fidx.close()

    def __getstate__(self) -> Dict[str, Any]:
        d = super().__getstate__()
        d["fidx"] = None
        return d

    def seek(self, idx: Any) -> None:
        """Move the read position to the record with key `idx`."""
        assert not self.writable
        self._check_pid(allow_reset=True)
        self._file.seek(self.idx[idx])

    def tell(self) -> int:
        """The byte offset the next record will be written at."""
        assert self.writable
        return self._tell()

    def read_idx(self, idx: Any) -> Optional[bytes]:
        """The record with key `idx`."""
        self.seek(idx)
        return self.read()

    def write_idx(self, idx: Any, buf: bytes) -> None:
        """Append `buf` as the record with key `idx`."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write("%s\t%d\n" % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


IRHeader = namedtuple("HEADER", ["flag", "label", "id", "id2"])
IRHeader.__doc__ = """A record's header: `flag`, `label` (a number or an array of float32),
`id` and `id2` (the unique id's low and high bits)."""

_IR_FORMAT = "IfQQ"
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header: Any, s: bytes) -> bytes:
    """`header` (an IRHeader) followed by `s`: a record's bytes."""
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s: bytes) -> Tuple[Any, bytes]:
    """(IRHeader, the bytes after it) of a record made by `pack`."""
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


cv2 = None  # MXNet's recordio.cv2: the OpenCV module, None when absent (always, here)
_NO_CV2 = ("%s needs OpenCV (cv2) to encode/decode images, as MXNet's does; tapegraph does "
           "not depend on it: use pack/unpack with image bytes you encode yourself")


def pack_img(header: Any, img: Any, quality: int = 95, img_fmt: str = ".jpg") -> bytes:
    """Not available: encoding images needs OpenCV."""
    raise NotImplementedError(_NO_CV2 % "pack_img")


def unpack_img(s: bytes, iscolor: int = -1) -> Any:
    """Not available: decoding images needs OpenCV."""
    raise NotImplementedError(_NO_CV2 % "unpack_img")
