"""Cross-check csrc/lz4.c against the reference LZ4 (PyPI `lz4`).

Build the library first (this script compiles nothing):
    cc -shared -fPIC -O2 -o /tmp/liblz4odb.so csrc/lz4.c
then run: python3 csrc/tests/lz4_compat_check.py [/path/to/lib.so]
(a) our compressor -> lz4.block.decompress; (b) lz4.block.compress -> our
decompressor. Exits non-zero on the first mismatch.
"""
import ctypes
import os
import random
import sys

import lz4.block


def load(path):
    lib = ctypes.CDLL(path)
    lib.odb_lz4_bound.argtypes = [ctypes.c_size_t]
    lib.odb_lz4_bound.restype = ctypes.c_size_t
    lib.odb_lz4_compress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
    lib.odb_lz4_compress.restype = ctypes.c_size_t
    lib.odb_lz4_decompress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
    lib.odb_lz4_decompress.restype = ctypes.c_long
    return lib


def inputs():
    rng = random.Random(1234)
    yield b""
    yield b"a"
    yield b"x" * 12
    yield b"x" * 13
    yield b"abcdefghijklm"
    for n in (14, 15, 16, 17, 19, 20, 31, 64, 255, 256, 4096, 65535, 65536, 65537, 300000, 1 << 20):
        yield bytes(rng.getrandbits(8) for _ in range(min(n, 70000))) * (n // min(n, 70000) + 1)
        yield os.urandom(n)
        yield bytes(n)
        period = rng.randrange(1, 20)
        pat = os.urandom(period)
        yield (pat * (n // period + 1))[:n]
        kv = b"".join(b"user:%08d|name=customer-%d;status=%s;" % (i, rng.randrange(1000), rng.choice([b"active", b"gone"]))
                      for i in range(n // 30 + 1))
        yield kv[:n]
        mixed = bytearray()
        while len(mixed) < n:
            if mixed and rng.random() < 0.5:
                start = rng.randrange(len(mixed))
                mixed += mixed[start:start + rng.randrange(1, 300)]
            else:
                mixed += bytes(rng.randrange(4) for _ in range(rng.randrange(1, 300)))
        yield bytes(mixed[:n])


def main():
    lib = load(sys.argv[1] if len(sys.argv) > 1 else "/tmp/liblz4odb.so")
    count = 0
    ours_total = ref_total = raw_total = 0
    for data in inputs():
        n = len(data)
        cap = lib.odb_lz4_bound(n)
        buf = ctypes.create_string_buffer(cap)
        c = lib.odb_lz4_compress(data, n, buf, cap)
        assert c > 0, f"compress failed for n={n}"
        ours = buf.raw[:c]
        # (a) ours -> reference
        back = lz4.block.decompress(ours, uncompressed_size=n)
        assert back == data, f"reference decode of our block differs (n={n})"
        # (b) reference -> ours
        ref = lz4.block.compress(data, store_size=False)
        out = ctypes.create_string_buffer(max(n, 1))
        r = lib.odb_lz4_decompress(ref, len(ref), out, n)
        assert r == n, f"our decode of reference block failed (n={n}, r={r})"
        assert out.raw[:n] == data, f"our decode of reference block differs (n={n})"
        # and ours -> ours, for completeness
        r = lib.odb_lz4_decompress(ours, c, out, n)
        assert r == n and out.raw[:n] == data
        count += 1
        ours_total += c
        ref_total += len(ref)
        raw_total += n
    print(f"lz4 compat: {count} inputs ok; {raw_total} bytes -> ours {ours_total}, reference {ref_total}")


if __name__ == "__main__":
    main()
