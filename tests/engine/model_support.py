"""What the engine's model tests share: the seed choice, the bounded view of the model, the weighted
random walk over actions that ends with a verify, a reopen and a verify."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from typing import Protocol


class ModelWalk(Protocol):
    rng: random.Random
    step: int

    def verify_all(self) -> None: ...
    def do_reopen(self) -> None: ...
    def close(self) -> None: ...


def model_seed(default: int | None) -> int:
    """ORBITDB_MODEL_SEED replays a failure; without it, the given seed or a random one."""
    env = os.environ.get("ORBITDB_MODEL_SEED")
    if env:
        return int(env)
    return default if default is not None else random.SystemRandom().randrange(1 << 32)


def bounded(model: dict[bytes, bytes], start: bytes | None, stop: bytes | None) -> list[tuple[bytes, bytes]]:
    return [(k, model[k]) for k in sorted(model) if (start is None or k >= start) and (stop is None or k < stop)]


def walk(run: ModelWalk, actions: Sequence[tuple[Callable[[], None], float]], steps: int) -> None:
    funcs = [f for f, _ in actions]
    weights = [w for _, w in actions]
    try:
        for run.step in range(steps):
            run.rng.choices(funcs, weights)[0]()
        run.verify_all()
        run.do_reopen()
        run.verify_all()
    finally:
        run.close()
