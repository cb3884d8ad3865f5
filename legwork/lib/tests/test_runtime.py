"""The web process's collector settings (legwork/lib/runtime.py)."""

from __future__ import annotations

import gc

from legwork.lib.runtime import YOUNG_THRESHOLD, settle_for_serving


def test_settling_freezes_what_is_loaded_and_raises_the_young_threshold() -> None:
    kept = gc.get_threshold()
    try:
        settle_for_serving()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_THRESHOLD, kept[1], kept[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*kept)
