from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxpytest._scheduler import Scheduler, WorkUnit, split_contiguous


def _units(costs: list[float]) -> list[WorkUnit]:
    return [WorkUnit([f"f{i}.py"], [f"f{i}.py::t"], cost) for i, cost in enumerate(costs)]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(0, 10), max_size=40), st.integers(1, 6))
def test_contiguous_split_keeps_order_and_everything(costs: list[float], parts: int) -> None:
    units = _units(costs)
    blocks = split_contiguous(units, parts)
    assert len(blocks) == parts
    assert [unit for block in blocks for unit in block] == units


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.floats(0, 10), max_size=40),
    st.integers(1, 4),
    st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=200),
)
def test_every_unit_is_handed_out_exactly_once(
    costs: list[float], workers: int, requests: list[tuple[int, bool]]
) -> None:
    """Whatever the order of requests, departures and new workers, nothing is lost or doubled."""
    units = _units(costs)
    scheduler = Scheduler(units, workers)
    handed: list[WorkUnit] = []
    alive = set(range(workers))
    next_id = workers
    for worker, depart in requests:
        if depart and worker in alive:
            alive.discard(worker)
            scheduler.remove_worker(worker)
            scheduler.add_worker(next_id)
            alive.add(next_id)
            next_id += 1
        elif worker in alive:
            unit = scheduler.next_for(worker)
            if unit is not None:
                handed.append(unit)
    while scheduler.remaining():
        worker = min(alive)
        unit = scheduler.next_for(worker)
        assert unit is not None
        handed.append(unit)
    assert sorted(u.paths[0] for u in handed) == sorted(u.paths[0] for u in units)


def test_an_idle_worker_steals_half_of_the_busiest_queue() -> None:
    scheduler = Scheduler(_units([1.0] * 8), 2)
    assert len(scheduler.queues[0]) == 4
    while scheduler.queues[1]:
        scheduler.next_for(1)
    stolen = scheduler.next_for(1)
    assert stolen is not None
    assert scheduler.steals == 1
    assert len(scheduler.queues[0]) == 2


def test_work_of_the_last_worker_waits_for_its_replacement() -> None:
    scheduler = Scheduler(_units([1.0, 1.0]), 1)
    scheduler.remove_worker(0)
    assert scheduler.remaining() == 2
    scheduler.add_worker(7)
    assert scheduler.next_for(7) is not None
    assert scheduler.next_for(0) is None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0, 100), st.integers(0, 50), st.floats(-16, 64))
def test_auto_is_serial_for_short_suites_or_saturated_machines(
    estimated: float, units: int, idle: float
) -> None:
    from dxpytest._run import SERIAL_BELOW_S, decide_workers

    workers = decide_workers("auto", estimated, units, idle_cores=idle)
    if estimated < SERIAL_BELOW_S or units < 2 or idle <= 0.0:
        assert workers == 1
    else:
        assert 2 <= workers <= min(8, max(2, units))


def test_an_explicit_count_is_taken_as_given() -> None:
    from dxpytest._run import decide_workers

    assert decide_workers("3", 0.0, 1, idle_cores=0.0) == 3
    assert decide_workers("0", 50.0, 10, idle_cores=8.0) == 1
