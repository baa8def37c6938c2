"""The cases of scripts/load: the settings of the stack each one starts, and what its clients send.

A plan lists the clients of a case: when each starts, and the uploads it sends one after the
other. Frames are made before the clock starts, so making them costs the service nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from load_abandon import NORMAL_P95_BOUND_S, AbandonAttack
from load_attack import Attack
from load_frames import Size, Upload, heavy_upload, large_upload, small_upload
from load_slow import SlowAttack

CASES = ("concurrent", "mixed", "burst", "abandoned", "slowheaders")
# Each case's own stack: two workers (as a small host has), and for the burst a short queue.
_POOL = {"GIFSVC_WORKERS": "2", "GIFSVC_QUEUE": "16"}
_CASE_SETTINGS = {
    **dict.fromkeys(("concurrent", "mixed", "abandoned", "slowheaders"), _POOL),
    "burst": {"GIFSVC_WORKERS": "2", "GIFSVC_QUEUE": "2"},
}
LARGE_EVERY = 5  # in the mixed case, one upload in five is large
BURST_FACTOR = 4  # a burst is this many times what the pool admits (workers + queue)
BURST_GAP_S = 1.0  # later bursts arrive while the first is still composing
PAUSE_S = 1.0  # between a normal user's uploads in the attack cases: they span the attack


@dataclass(frozen=True)
class Scale:
    """How big the cases are: the full run, or --small for CI."""

    rounds: int
    concurrent_clients: int
    mixed_clients: int
    large_size: Size
    large_frames: int
    heavy_size: Size
    max_side: int  # GIFSVC_MAX_SIDE of the stacks it starts
    attacked_clients: int  # the normal users of the attack cases
    attacked_rounds: int
    attackers: int  # abandoned uploads at once
    slow_connections: int


FULL = Scale(3, 50, 20, (1280, 800), 8, (4000, 3000), 1280, 8, 10, 4, 3000)
SMALL = Scale(2, 8, 4, (640, 400), 4, (2000, 1500), 640, 4, 5, 2, 500)


@dataclass(frozen=True)
class Target:
    """What the stack under load admits, as it says itself (/healthz, /api/config)."""

    workers: int
    queue: int
    max_side: int

    def words(self) -> str:
        return f"workers {self.workers}, queue {self.queue}, max side {self.max_side} px"


# Every simulated client comes from 127.0.0.1, so nginx's limits per client address are lifted:
# the cases measure the service, not the per-address limits.
_ONE_ADDRESS_SETTINGS = {
    "GIFSVC_RATE_PER_MINUTE": "100000",
    "GIFSVC_CONNECTIONS_PER_CLIENT": "1000",
}


def case_settings(case: str, scale: Scale) -> dict[str, str]:
    """The environment of the stack a case starts."""
    return {
        **_CASE_SETTINGS[case],
        **_ONE_ADDRESS_SETTINGS,
        "GIFSVC_MAX_SIDE": str(scale.max_side),
    }


@dataclass(frozen=True)
class ClientPlan:
    start_s: float
    uploads: tuple[Upload, ...]
    pause_s: float = 0.0  # after each upload: a person looking at their GIF


@dataclass(frozen=True)
class Plan:
    description: str
    clients: list[ClientPlan]
    attack: Attack | None = None  # beside the clients, while they run
    p95_bound_s: float | None = None  # of the clients' uploads that answered 201

    @property
    def uploads(self) -> int:
        return sum(len(client.uploads) for client in self.clients)


def plan(case: str, scale: Scale, target: Target) -> Plan:
    if case == "concurrent":
        return concurrent_plan(scale)
    if case == "mixed":
        return mixed_plan(scale)
    if case == "abandoned":
        attack = AbandonAttack(scale.attackers, max_waves=scale.attacked_rounds * 4)
        return attacked_plan(scale, attack, NORMAL_P95_BOUND_S)
    if case == "slowheaders":
        return attacked_plan(scale, SlowAttack(scale.slow_connections), None)
    return burst_plan(scale, target)


def concurrent_plan(scale: Scale) -> Plan:
    """Every client sends its own three-frame sequence, round after round, all at once."""
    clients = [
        ClientPlan(0.0, (small_upload(i),) * scale.rounds) for i in range(scale.concurrent_clients)
    ]
    return Plan(
        f"{scale.concurrent_clients} concurrent clients x {scale.rounds} rounds, "
        "each its own 3 frames of 64x48; /healthz polled every 100 ms",
        clients,
    )


def attacked_plan(scale: Scale, attack: Attack, p95_bound_s: float | None) -> Plan:
    """Normal users (each its own three small frames, round after round) beside an attack."""
    clients, rounds = scale.attacked_clients, scale.attacked_rounds
    return Plan(
        f"{clients} normal clients x {rounds} rounds of 3 frames of 64x48 from 127.0.0.1, "
        f"{PAUSE_S:g} s apart, "
        f"while {attack.description}",
        [
            ClientPlan(i * PAUSE_S / clients, (small_upload(i),) * rounds, PAUSE_S)
            for i in range(clients)
        ],
        attack,
        p95_bound_s,
    )


def mixed_plan(scale: Scale) -> Plan:
    """Small sequences, and now and then a large one of noise frames, from every client."""
    clients = [_mixed_client(i, scale) for i in range(scale.mixed_clients)]
    width, height = scale.large_size
    return Plan(
        f"{scale.mixed_clients} clients x {scale.rounds} rounds, one upload in {LARGE_EVERY} "
        f"large ({scale.large_frames} noise frames of {width}x{height}), "
        "the others small (3 frames of 64x48)",
        clients,
    )


def _mixed_client(client: int, scale: Scale) -> ClientPlan:
    small = small_upload(client)
    large = None
    uploads = []
    for round_ in range(scale.rounds):
        if (client + round_) % LARGE_EVERY:
            uploads.append(small)
            continue
        large = large or large_upload(client, scale.large_size, scale.large_frames)
        uploads.append(large)
    return ClientPlan(0.0, tuple(uploads))


def burst_plan(scale: Scale, target: Target) -> Plan:
    """`rounds` bursts of simultaneous heavy uploads, beyond what the pool admits, 1 s apart.

    A heavy upload is a big flat frame (slow to decode and scale down, small in bytes) and two
    noise frames of the output's size (megabytes, and slow to encode).
    """
    size = BURST_FACTOR * (target.workers + target.queue)
    noise_size = scaled_to(scale.heavy_size, target.max_side)
    clients = [
        ClientPlan(
            wave * BURST_GAP_S, (heavy_upload(wave * size + i, scale.heavy_size, noise_size),)
        )
        for wave in range(scale.rounds)
        for i in range(size)
    ]
    (width, height), (noise_width, noise_height) = scale.heavy_size, noise_size
    return Plan(
        f"{scale.rounds} bursts, {BURST_GAP_S:g} s apart, of {size} simultaneous heavy uploads "
        f"({BURST_FACTOR} x (workers + queue)): a flat {width}x{height} frame and two noise "
        f"frames of {noise_width}x{noise_height}",
        clients,
    )


def scaled_to(size: Size, max_side: int) -> Size:
    """The size the service makes of a first frame of this size (its longest side at most max)."""
    width, height = size
    ratio = min(1.0, max_side / max(width, height))
    return round(width * ratio), round(height * ratio)
