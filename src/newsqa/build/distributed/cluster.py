"""Connecting to Ray: import it only when asked, start a local instance or join a cluster."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

INSTALL_HINT = "pip install 'newsqa[ray]'"
LOCAL = "local"  # `--ray` with no address: start a Ray instance inside this command
# Settings and caches the workers must share with the driver (model cache, offline mode).
_SHARED_ENV = ("NEWSQA_", "HF_", "TRANSFORMERS_", "XDG_CACHE_HOME")


class RayUnavailable(ValueError):
    """Ray is not installed (or cannot be imported): the message says how to install it."""


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a distributed build runs."""

    address: str = LOCAL  # LOCAL, "auto" (a `ray start` cluster here) or ray://host:10001
    workers: int | None = None  # embedding actors; None: the cluster's CPUs less one (≥ 1)
    num_cpus: int | None = None  # CPUs of a local instance; None: every core
    commit_every: int = 2000  # input articles per atomic commit (what a killed run keeps)


def import_ray() -> ModuleType:
    """The `ray` module with Ray Data, or RayUnavailable with the one line that fixes it."""
    try:
        import ray
        import ray.data  # the Data library is a separate extra of ray
    except ImportError:
        raise RayUnavailable(f"--ray needs Ray Data, not installed here: {INSTALL_HINT}") from None
    return ray


@contextmanager
def ray_session(options: RayOptions) -> Iterator[ModuleType]:
    """Ray, initialised for this build; a local instance it started is shut down after."""
    ray = import_ray()
    if ray.is_initialized():  # a caller (or a test) already holds a session: use it
        yield ray
        return
    env = {k: v for k, v in os.environ.items() if k.startswith(_SHARED_ENV)}
    ray.init(
        address=None if options.address == LOCAL else options.address,
        num_cpus=options.num_cpus if options.address == LOCAL else None,
        include_dashboard=False,
        logging_level=logging.WARNING,
        runtime_env={"env_vars": env} if env else None,
    )
    try:
        yield ray
    finally:
        ray.shutdown()


def embedding_workers(ray: ModuleType, options: RayOptions) -> int:
    """Actors in the embedding pool: as asked, else one per CPU with one CPU left for reading
    and the driver (a pool holding every CPU can starve the tasks that feed it)."""
    if options.workers:
        return options.workers
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cpus - 1)
