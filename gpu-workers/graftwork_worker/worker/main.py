"""`graftwork-worker`: consume the configured queues until SIGTERM or SIGINT."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import subprocess
import sys

from .config import ConfigError, WorkerConfig, load_config
from .device_probe import HostDevices, probe_devices
from .handlers import MissingHandler, check_complete, installed_kinds
from .runtime import WorkerRuntime

log = logging.getLogger("graftwork_worker")


def prepare() -> tuple[WorkerConfig, list[str]]:
    """Validate configuration and the handler registry; returns the config and the queues to consume."""
    config = load_config()
    check_complete(config.contracts_dir)
    queues = installed_kinds(config.queues)
    for kind in sorted(set(config.queues) - set(queues)):
        log.warning("queue %s skipped: its engine module is not installed on this worker", kind)
    if not queues:
        raise MissingHandler(f"none of the queues {', '.join(config.queues)} has an installed handler")
    return config, queues


def describe(devices: HostDevices) -> str:
    if devices.cuda:
        names = ", ".join(f"cuda:{gpu['index']} {gpu['name']}" for gpu in devices.cuda)
        return f"{len(devices.cuda)} CUDA GPU(s): {names}"
    return f"CPU ({devices.cpu_name}), no CUDA GPU"


async def serve(config: WorkerConfig, devices: HostDevices) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            log.error("second %s: exiting now", signal.Signals(signum).name)
            sys.exit(1)
        log.info("%s: stopping (running attempts are interrupted and will be retried)", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    await WorkerRuntime(config, devices).run_until(stop)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config, queues = prepare()
    except (ConfigError, MissingHandler) as error:
        print(f"graftwork-worker: {error}", file=sys.stderr)
        return 2
    try:
        devices = probe_devices()
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"graftwork-worker: cannot use torch to list devices: {error}", file=sys.stderr)
        return 2
    config = dataclasses.replace(config, queues=tuple(queues))
    print(f"graftwork-worker {config.worker_id}: device {describe(devices)}; "
          f"queues {', '.join(f'{config.queue_prefix}:{q}' for q in config.queues)}; "
          f"{len(devices.slot_devices())} training slot(s); service {config.api_url}", flush=True)
    asyncio.run(serve(config, devices))
    return 0


if __name__ == "__main__":
    sys.exit(main())
