"""ASCII file names and dictionary order for Chinese unit names, from their pinyin."""

from __future__ import annotations

import re


def _pinyin(text: str, tone: bool = False) -> list[str]:
    key = ("3:" if tone else "0:") + text
    cached = _cache().get(key)  # pypinyin's import alone takes longer than a whole cached build
    if cached is None:
        from pypinyin import Style, lazy_pinyin  # imported lazily: its dictionaries are large

        cached = lazy_pinyin(text, style=Style.TONE3 if tone else Style.NORMAL, errors="default")
        _cache().put(key, cached)
    return list(cached)


_CACHE = None
_SCOPE = "default"
REPORT_CACHES = 16  # pinyin files kept: the reports built most recently on this machine


def use_cache_of(content_path: str) -> None:
    """Keep the pinyin of this report's names in a cache file of its own (one per content file).
    One file for every report built on the machine grew to 26,000 names after a few big synthetic
    reports, and reading it took 40 ms of every build (the real report's whole load takes 14 ms)."""
    global _CACHE, _SCOPE
    import hashlib
    import os

    scope = hashlib.blake2b(os.path.abspath(content_path).encode("utf-8"), digest_size=8).hexdigest()
    if scope != _SCOPE:
        _SCOPE, _CACHE = scope, None


def _cache():
    """Pinyin already computed, in the user's cache, keyed by pypinyin's installed files (reportsite/cache.py)."""
    global _CACHE
    if _CACHE is None:
        import importlib.util
        import os

        from .cache import JsonCache

        spec = importlib.util.find_spec("pypinyin")
        origin = spec.origin if spec and spec.origin else ""
        stamp = f"{origin}:{os.stat(origin).st_mtime_ns if origin else 0}"
        _CACHE = JsonCache(f"pinyin-{_SCOPE}.json", stamp, family=("pinyin-*.json", REPORT_CACHES), retired=("pinyin.json",))
    return _CACHE


def slugify(name: str) -> str:
    """住房和城乡建设局 -> zhufanghechengxiangjiansheju; only [a-z0-9-] survives."""
    raw = "".join(_pinyin(name)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", raw).strip("-")
    return slug[:80].strip("-") or "unit"


def sort_key(name: str) -> tuple[str, ...]:
    return tuple(_pinyin(name, tone=True))


def unique_slugs(names: list[str], fixed: dict[str, str]) -> dict[str, str]:
    """A stable slug per name: the given one, else pinyin, with -2, -3 … on clashes (in list order)."""
    taken = set(fixed.values()) | {"index"}
    out: dict[str, str] = {}
    for name in names:
        if name in fixed:
            out[name] = fixed[name]
            continue
        base = slugify(name)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        out[name] = slug
    return out
