"""CA3 content-addressable memory: structure, schedule rules and the published experiments.

The structural tests build networks only (no simulation). The reference tests run the
functional experiment (C=5, M=10, 90 ms) and the state map (C=16, M=6, 140 ms) of the
paper on the engine (``Network(scheme="spinnaker")``, dendritic-delay STDP) and
compare every output set at the reference ticks with the published tables. The model
is deterministic, so the comparisons are exact (no tolerance).
"""
import numpy as np
import pytest

from neuromem.ca3 import (CA3Memory, Schedule, build_network, expected_outputs, memory_neuron_count,
                          synapse_count)
from neuromem.ca3.parameters import FAST, OUTPUT, POPULATIONS, SLOW
from neuromem.ca3.plots import operations_raster, operations_table
from neuromem.ca3.published import (FUNCTIONAL_OVERWRITE_LEAK, FUNCTIONAL_REFERENCE, STATE_MAP_REFERENCE,
                                    functional_schedule, state_map_schedule)
from neuromem.ca3.workloads import random_contents, store_and_recall
from neuromem.engine.build import realise_connections
from neuromem.errors import ModelError


@pytest.mark.parametrize("cues,bits", [(5, 10), (16, 6), (3, 1)])
def test_counts_match_formulas(cues, bits):
    net = build_network(cues, bits, [[] for _ in range(cues + bits)])
    memory = sum(p.size for p in net.populations if p.label not in ("IL", "OL"))
    synapses = sum(c.pre.size for c in realise_connections(net, seed=0))
    plastic = sum(c.pre.size for c, p in zip(realise_connections(net, seed=0), net.projections)
                  if hasattr(p.synapse_type, "timing_dependence"))
    assert memory == memory_neuron_count(cues, bits) == 3 * cues + 4 * bits + 1
    assert synapses == synapse_count(cues, bits) == 3 * cues * bits + 2 * cues * (cues - 1) + 5 * cues + 8 * bits
    assert plastic == 2 * cues * bits


def test_reference_counts():
    # numbers quoted in the reference (§2.2): 56 neurons / 295 synapses, 73 / 896
    assert (memory_neuron_count(5, 10), synapse_count(5, 10)) == (56, 295)
    assert (memory_neuron_count(16, 6), synapse_count(16, 6)) == (73, 896)


def test_published_parameters_and_delays():
    net = build_network(5, 10, [[] for _ in range(15)])
    cells = {p.label: p.cell_type.parameters for p in net.populations if p.label != "IL"}
    for spec in POPULATIONS:
        assert cells[spec.label] == pytest.approx(spec.parameters)
    assert cells["cueCont"]["cm"] == FAST["cm"] == 0.14 and cells["cueCue"]["tau_m"] == SLOW["tau_m"] == 3.0
    assert cells["OL"]["v_thresh"] == OUTPUT["v_thresh"] == -57.5
    delays = {p.label: (p.synapse_type.delay, p.receptor_type) for p in net.projections}
    assert delays["cueCue->cueCont_inh"] == (3.0, "inhibitory")
    assert delays["cueCont->cueCont"] == (2.0, "inhibitory")
    assert delays["cueCue->contCond_inh"] == (2.0, "inhibitory")
    assert delays["cueCue->mergeCue"][0] == delays["contCue->mergeCont"][0] == 3.0
    assert net.scheme == "spinnaker" and net.dt == 1.0
    plastic = [p.synapse_type for p in net.projections if hasattr(p.synapse_type, "timing_dependence")]
    assert len(plastic) == 2 and all(s.dendritic_delay_fraction == 1.0 for s in plastic)


def test_cue_inhibition_skips_own_counterpart():
    net = build_network(4, 3, [[] for _ in range(7)])
    k = [p.label for p in net.projections].index("cueCue->cueCont_inh")
    conn = realise_connections(net, seed=0)[k]
    assert conn.pre.size == 4 * 3 and not np.any(conn.pre == conn.post)
    assert np.all(conn.weight == 6.0 * 3)   # 6·M nA


def test_schedule_timing_rules():
    s = Schedule(5, 10).learn(0, [1, 2])
    assert s.next_free() == 7
    with pytest.raises(ModelError, match="a learn needs 7 ms .* start it at 7 ms or later"):
        s.recall_cue(0, at=6)
    s.recall_cue(0, at=7)
    with pytest.raises(ModelError, match="a recall_cue needs 6 ms"):
        s.recall_content([1], at=12)
    s.recall_content([1])
    assert [op.t0 for op in s.ops] == [0, 7, 13]
    trains = s.input_trains(shift=1.0)
    assert trains[0] == [1.0, 2.0, 3.0, 8.0]          # learn holds 3 ticks, recall 1 tick
    assert trains[5 + 1] == [1.0, 2.0, 3.0, 14.0]


def test_schedule_rejects_bad_input():
    s = Schedule(5, 10)
    with pytest.raises(ModelError, match="cue: expected an integer in \\[0, 4\\]"):
        s.learn(5, [0])
    with pytest.raises(ModelError, match="out of range"):
        s.learn(0, [10])
    with pytest.raises(ModelError, match="needs at least one content bit"):
        s.recall_content([])
    lenient = Schedule(5, 10, strict=False).learn(0, [1]).recall_cue(0, at=3)
    assert lenient.ops[-1].t0 == 3


def test_schedule_without_one_operation():
    s = Schedule(5, 10).learn(0, [1]).recall_cue(0).recall_content([1])
    shorter = s.without(1)
    assert [op.kind for op in shorter.ops] == ["learn", "recall_content"]
    assert shorter.ops[1].t0 == s.ops[2].t0 and len(s.ops) == 3   # times kept, original intact
    with pytest.raises(ModelError, match="operation index must be in \\[0, 2\\]"):
        s.without(3)


def test_preload_only_before_operations():
    mem = CA3Memory(3, 4)
    mem.preload({1: [0, 2]})
    assert mem.cue_to_content[1].tolist() == [6.0, 0.0, 6.0, 0.0]
    assert mem.content_to_cue[:, 1].tolist() == [6.0, 0.0, 6.0, 0.0]
    mem.schedule.recall_cue(1)
    with pytest.raises(ModelError, match="only be preloaded before the first operation"):
        mem.preload({0: [1]})


def test_functional_experiment_reproduces_reference_table():
    run = CA3Memory(5, 10).run(functional_schedule())
    got = [(set(o.cues), set(o.content)) for o in run.outputs]
    assert got == list(FUNCTIONAL_REFERENCE)
    # read at the reference ticks: learn t0+5; recall by cue t0+5/t0+6; by content t0+6/t0+5
    assert [o.cue_time for o in run.outputs] == [5, 15, 25, 35, 46, 56, 65, 75, 86]
    # the overwrite re-evokes the old content {5, 6} on OUTcont at 66 ms (reference trace)
    assert {(t, i - 5) for t, i in run.outputs[6].window if t == 66} == FUNCTIONAL_OVERWRITE_LEAK


def test_state_map_reproduces_published_queries():
    schedule = state_map_schedule()
    run = CA3Memory(16, 6).run(schedule)
    assert [set(o.cues) for o in run.outputs[-4:]] == list(STATE_MAP_REFERENCE)
    assert [(o.cues, o.content) for o in run.outputs] == expected_outputs(schedule)


def test_overwrite_forgets_and_preload_weights_continues_a_memory():
    mem = CA3Memory(3, 6)
    mem.learn(0, [0, 1, 2], at=0)
    mem.learn(1, [2, 3], at=14)
    mem.learn(0, [4, 5], at=28)                        # full overwrite of cue 0
    assert mem.recall_by_cue(0, at=42) == {4, 5}
    assert mem.recall_by_content([0], at=56) == frozenset()     # old bit 0 forgotten
    weights = mem.run().final_weights()
    again = CA3Memory(3, 6)
    again.preload_weights(*weights)
    assert again.recall_by_content([2]) == {1}
    assert again.complete([5]) == {0: frozenset({4, 5})}


def test_preload_weights_rejects_bad_matrices():
    mem = CA3Memory(2, 3)
    with pytest.raises(ModelError, match="cue_to_content: weight matrix of shape"):
        mem.preload_weights(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ModelError, match=r"content_to_cue: weights must lie in \[0.0, 6.0\] nA"):
        mem.preload_weights(np.zeros((2, 3)), np.full((3, 2), 7.0))


def test_oracle_and_random_workload():
    contents = random_contents(6, 10, 0.3, np.random.default_rng(3))
    assert all(len(c) == 3 for c in contents)
    schedule, fragments = store_and_recall(contents, 0.5, np.random.default_rng(4), content_bits=10)
    assert [op.t0 for op in schedule.ops[:3]] == [0, 14, 28] and len(schedule.ops) == 18
    expected = expected_outputs(schedule)
    assert expected[6] == (frozenset({0}), frozenset(contents[0]))
    assert expected[12][0] == {c for c, bits in enumerate(contents) if set(bits) & set(fragments[0])}
    with pytest.raises(ModelError, match="density"):
        random_contents(2, 4, 0.0, np.random.default_rng(0))


def test_plots_draw_raster_and_table():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = CA3Memory(5, 10).run(functional_schedule())
    fig, (top, bottom) = plt.subplots(2, 1)
    operations_raster(run, top)
    operations_table(run.outputs, bottom)
    labels = [t.get_text() for t in top.get_yticklabels()]
    assert labels[0] == "IL" and labels[-1] == "OL" and len(labels) == 10
    assert [t.get_text() for t in top.texts][:3] == ["L0", "L4", "L3"]
    cells = bottom.tables[0].get_celld()
    assert cells[(5, 1)].get_text().get_text() == "recall by content {6}"
    assert cells[(5, 2)].get_text().get_text() == "[3, 4] @46"
    plt.close(fig)
