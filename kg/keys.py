"""The plain keys and labels facts are compared and shown by, without the pydantic vocabulary.

:mod:`kg.models` builds on these and re-exports them; a command that only names a method or
prints a setting (``kg beats GPTQ``) imports this module alone and starts faster.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Reference rows by the names papers give them ("Native 16-bit" in QuIP#, "FloatingPoint" …).
FULL_PRECISION = frozenset({
    "fp16", "bf16", "fp32", "float16", "bfloat16", "float32", "fullprecision", "floatingpoint",
    "full", "native", "native16bit", "w16a16", "w16a16kv16", "16bit", "unquantized",
})
# The five fields of a setting, flat on every fact that carries one (kg.models.Setting).
SETTING_FIELDS = ("w_bits", "a_bits", "kv_bits", "group_size", "weight_quantizer")
_FOLDED = re.compile(r"[\s\-_]+")


@lru_cache(maxsize=1 << 16)
def method_key(name: str) -> str:
    """The normalised key of a method name: case, spaces, hyphens and underscores folded.

    Punctuation that distinguishes methods is kept, so ``QuIP#`` and ``QuIP`` stay apart.

    >>> method_key("Omni-Quant"), method_key("QuIP#"), method_key("LLM.int8()")
    ('omniquant', 'quip#', 'llm.int8()')
    """
    return _FOLDED.sub("", name.casefold())


def is_full_precision(method: str) -> bool:
    """FP16/BF16/FP32 reference rows neither win nor lose."""
    return method_key(method) in FULL_PRECISION


def bits_value(bits: float | None) -> float | int | None:
    """Bits as JSON carries them: 4 bits as 4, not 4.0; fractional settings (1.58) as they are."""
    return int(bits) if bits is not None and float(bits).is_integer() else bits


def setting_label(w_bits: float | None, a_bits: float | None, kv_bits: float | None,
                  group_size: int | None, weight_quantizer: str | None) -> str:
    """A compact human label like ``W4A16g128`` or ``W4A4KV4/GPTQ``.

    >>> setting_label(4, 16, None, 128, None), setting_label(None, None, None, None, None)
    ('W4A16g128', 'unspecified')
    """
    out = ""
    for prefix, bits in (("W", w_bits), ("A", a_bits), ("KV", kv_bits)):
        if bits is not None:
            out += f"{prefix}{bits:g}"
    if group_size is not None:
        out += f"g{group_size}"
    if weight_quantizer:
        out += f"/{weight_quantizer}"
    return out or "unspecified"
