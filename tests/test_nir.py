"""NIR export/import: round trip, ms -> s conversion, refusals, and real NIR readers
(Norse 1.1 and snnTorch 1.0) running what neuromem writes."""
import numpy as np
import pytest

import neuromem as nm
from neuromem.backends.nir import from_nir, read_nir, to_nir, write_nir
from neuromem.engine.build import realise_connections
from neuromem.engine.hooks import EngineHook
from neuromem.errors import ModelError, UnsupportedFeatureError

nir = pytest.importorskip("nir")
DT = 0.1
INPUT_TIMES = [[5.0, 6.0, 7.0, 30.0, 31.0, 32.0, 33.0], [10.0, 12.0, 14.0, 16.0, 50.0, 51.0, 52.0, 53.0]]


def mixed_network() -> nm.Network:
    """Both NIR cell types, per-cell parameters, exc + inh input, several delays, recurrence."""
    net = nm.Network(dt=DT, label="nir mixed")
    src = net.add(nm.Population(4, nm.SpikeSourceArray(np.arange(2.0, 60.0, 3.0)), label="in"))
    noise = net.add(nm.Population(3, nm.SpikeSourcePoisson(rate=20.0, start=5.0), label="noise"))
    cuba = net.add(nm.Population(5, nm.IF_curr_exp(tau_m=np.linspace(10.0, 20.0, 5), tau_syn_E=3.0,
                                                   tau_syn_I=3.0, tau_refrac=2.0, cm=0.5),
                                 label="cuba"))
    delta = net.add(nm.Population(3, nm.IF_curr_delta(tau_refrac=1.0), label="delta"))
    net.add(nm.Projection(src, cuba, nm.FixedProbabilityConnector(0.7),
                          nm.StaticSynapse(weight=nm.RandomDistribution("uniform", low=0.5, high=1.5),
                                           delay=np.arange(1, 21).reshape(4, 5) * DT),
                          label="drive"))
    net.add(nm.Projection(noise, cuba, nm.AllToAllConnector(), nm.StaticSynapse(weight=0.3, delay=1.0),
                          receptor_type="inhibitory", label="noise_inh"))
    net.add(nm.Projection(cuba, delta, nm.AllToAllConnector(), nm.StaticSynapse(weight=6.0, delay=0.5),
                          label="relay"))
    net.add(nm.Projection(delta, cuba[:3], nm.OneToOneConnector(), nm.StaticSynapse(weight=0.4, delay=DT),
                          receptor_type="inhibitory", label="feedback"))
    cuba.record("spikes")
    delta.record("spikes")
    return net


def connection_table(net: nm.Network, seed: int) -> dict:
    """(pre, post, receptor) -> sorted rows (pre, post, |weight|, delay) over all projections."""
    table: dict = {}
    for proj, conn in zip(net.projections, realise_connections(net, seed)):
        key = (proj.pre.parent.label, proj.post.parent.label, proj.receptor_type)
        rows = np.column_stack([conn.pre, conn.post, np.abs(conn.weight), np.round(conn.delay / DT)])
        table[key] = np.concatenate([table.get(key, np.zeros((0, 4))), rows])
    return {k: v[np.lexsort(v.T[::-1])] for k, v in table.items()}


def test_round_trip_through_a_nir_file_keeps_network_and_spikes(tmp_path):
    original = mixed_network()
    path = write_nir(original, tmp_path / "mixed.nir", seed=4, time_unit="s")
    back = read_nir(path)
    assert back.dt == pytest.approx(DT)
    for label in ("cuba", "delta", "in", "noise"):
        a, b = original.population(label), back.population(label)
        assert (a.size, a.cell_type.name) == (b.size, b.cell_type.name)
        for name, value in a.cell_type.parameters.items():
            # times went ms -> s -> ms: equal to rounding
            np.testing.assert_allclose(b.cell_type.parameter_array(name, b.size),
                                       a.cell_type.parameter_array(name, a.size), rtol=1e-12)
    for a, b in zip(original.population("in").cell_type.trains(4), back.population("in").cell_type.trains(4)):
        np.testing.assert_allclose(b, a, rtol=1e-12)
    # connections: same cells, weights, delays (the drive projection had several
    # delays and came back as one projection per delay; duplicates would be summed)
    want, got = connection_table(original, 4), connection_table(back, 0)
    assert sorted(want) == sorted(got)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-9, atol=1e-12)
    assert set(back.population("cuba").recording) == {"spikes"}
    # behaviour: without the Poisson input (its draws depend on population order)
    # both networks spike identically on the engine
    for net in (original, back):
        net.population("noise").cell_type.parameters["rate"] = 0.0
    run_a, run_b = original.run(80.0, seed=4), back.run(80.0, seed=0)
    assert run_a["cuba"].n_spikes > 5 and run_a["delta"].n_spikes > 0
    for label in ("cuba", "delta"):
        np.testing.assert_array_equal(run_b[label].spike_times, run_a[label].spike_times)
        np.testing.assert_array_equal(run_b[label].spike_ids, run_a[label].spike_ids)


def test_time_unit_ms_to_s_conversion():
    net = mixed_network()
    in_ms, in_s = to_nir(net, seed=4, time_unit="ms"), to_nir(net, seed=4, time_unit="s")
    assert (in_ms.metadata["time_unit"], in_s.metadata["time_unit"]) == ("ms", "s")
    assert in_ms.metadata["dt"] == pytest.approx(0.1) and in_s.metadata["dt"] == pytest.approx(1e-4)
    assert in_s.metadata["weight_unit"] == "nA*s"
    cuba_ms, cuba_s = in_ms.nodes["cuba"], in_s.nodes["cuba"]
    np.testing.assert_allclose(cuba_ms.tau_mem, np.linspace(10.0, 20.0, 5))
    np.testing.assert_allclose(cuba_s.tau_mem, np.linspace(0.010, 0.020, 5))
    np.testing.assert_allclose(cuba_s.tau_syn, 0.003)
    np.testing.assert_allclose(cuba_s.r, cuba_ms.r)                       # MΩ either way
    np.testing.assert_allclose(cuba_ms.r, np.linspace(10.0, 20.0, 5) / 0.5)  # tau_m / cm
    np.testing.assert_allclose(cuba_s.metadata["tau_refrac"], 0.002)
    np.testing.assert_allclose(in_s.nodes["relay.delay0"].delay, 5e-4)
    np.testing.assert_allclose(in_s.nodes["in"].metadata["spike_times"][:1], 0.002)
    # weights are charges: nA x tau_syn for CubaLIF targets, mV x cm for LIF targets
    assert in_ms.nodes["noise_inh.linear0"].weight[0, 0] == pytest.approx(-0.3 * 3.0)
    assert in_s.nodes["noise_inh.linear0"].weight[0, 0] == pytest.approx(-0.3 * 3.0e-3)
    assert in_ms.nodes["relay.linear0"].weight[0, 0] == pytest.approx(6.0 * 1.0)
    assert in_s.nodes["relay.linear0"].weight[0, 0] == pytest.approx(6.0e-3)
    # the one-step feedback delay is implicit (no Delay node), as the metadata says
    assert "feedback.delay0" not in in_s.nodes
    assert in_s.metadata["delay_without_delay_node"] == pytest.approx(1e-4)


def test_everything_nir_cannot_express_is_refused_in_one_list():
    net = nm.Network(dt=DT)
    src = net.add(nm.Population(2, nm.SpikeSourceArray([1.0]), label="src"))
    net.add(nm.Population(2, nm.IF_cond_exp(), label="cond"))
    two_tau = net.add(nm.Population(2, nm.IF_curr_exp(tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.1),
                                    label="two_tau"))
    adaptive = net.add(nm.Population(2, nm.IF_curr_delta(), label="adaptive",
                                     adaptive_threshold=nm.AdaptiveThreshold(),
                                     initial_values={"v": -60.0}))
    nm.DCSource(amplitude=0.5).inject_into(adaptive)
    stdp = nm.STDPMechanism(nm.SpikePairRule(), nm.AdditiveWeightDependence(w_max=1.0), weight=0.5)
    net.add(nm.Projection(src, two_tau, nm.AllToAllConnector(), stdp, label="plastic"))
    net.add(nm.Projection(src, adaptive, nm.AllToAllConnector(),
                          nm.TsodyksMarkramSynapse(weight=1.0), label="depressing"))
    net.add_hook(EngineHook())
    with pytest.raises(UnsupportedFeatureError) as err:
        to_nir(net)
    text = str(err.value)
    assert "9 part(s)" in text
    for fragment in ("hooks (EngineHook)", "'cond': cell type IF_cond_exp",
                     "'two_tau': tau_syn_E != tau_syn_I", "'two_tau': i_offset",
                     "'adaptive': injected current", "'adaptive': AdaptiveThreshold",
                     "'adaptive': initial v", "'plastic': STDPMechanism",
                     "'depressing': TsodyksMarkramSynapse"):
        assert fragment in text


def test_import_of_a_graph_without_units_needs_them_stated():
    graph = nir.NIRGraph(
        nodes={"x": nir.Input({"input": np.array([2])}),
               "w": nir.Affine(np.array([[2.0, 0.0], [0.0, -2.0]]), np.zeros(2)),
               "lif": nir.LIF(tau=np.full(2, 0.02), r=np.full(2, 4.0), v_leak=np.zeros(2),
                              v_threshold=np.ones(2)),
               "y": nir.Output({"output": np.array([2])})},
        edges=[("x", "w"), ("w", "lif"), ("lif", "y")], metadata={})
    with pytest.raises(ModelError, match="time unit"):
        from_nir(graph)
    net = from_nir(graph, time_unit="s", dt=1e-4, input_spikes={"x": [[1.0], [2.0]]})
    lif = net.population("lif")
    assert lif.cell_type.parameters["tau_m"] == pytest.approx(20.0)
    assert lif.cell_type.parameters["cm"] == pytest.approx(20.0 / 4.0)       # tau / r, nF
    (exc, inh) = net.projections
    # jump = W·r/tau = 2 x 4 / 0.02 s = 400 mV (weights in nA·s); one step without Delay
    assert exc.receptor_type == "excitatory" and inh.receptor_type == "inhibitory"
    np.testing.assert_allclose(exc.connector.conn_list, [[0, 0, 400.0, 0.1]])
    np.testing.assert_allclose(inh.connector.conn_list, [[1, 1, 400.0, 0.1]])
    assert "spikes" in lif.recording


def reader_network(cell: str) -> nm.Network:
    """Two inputs onto three cells; v_rest = v_reset = 0 (snnTorch needs v_leak = 0,
    Norse's CubaLIF synapse leaks towards v_leak and its LIF reset goes to 0)."""
    net = nm.Network(dt=DT, label=f"reader {cell}")
    src = net.add(nm.Population(2, nm.SpikeSourceArray(INPUT_TIMES), label="in"))
    common = dict(v_rest=0.0, v_reset=0.0, v_thresh=10.0, tau_refrac=0.0)
    if cell == "IF_curr_exp":
        target, weight = nm.IF_curr_exp(cm=0.25, **common), (0.3, 0.6)
    else:  # r = tau_m/cm = 1 MΩ: Norse's and snnTorch's LIF import ignore r
        target, weight = nm.IF_curr_delta(cm=20.0, **common), (3.0, 5.0)
    pop = net.add(nm.Population(3, target, label="cells", initial_values={"v": 0.0}))
    net.add(nm.Projection(src, pop, nm.AllToAllConnector(),
                          nm.StaticSynapse(weight=nm.RandomDistribution("uniform", low=weight[0],
                                                                        high=weight[1]), delay=DT)))
    pop.record("spikes")
    return net


def run_torch_module(module, duration: float) -> tuple[np.ndarray, np.ndarray]:
    """Step a NIR-imported torch module through ``duration`` ms. A NIR spike is a unit-area
    Dirac pulse, i.e. 1/dt (dt in s, the graph's time unit) in one step."""
    import torch

    steps = int(round(duration / DT))
    x = torch.zeros(steps, 2)
    for i, train in enumerate(INPUT_TIMES):
        x[np.round(np.asarray(train) / DT).astype(int), i] = 1.0 / (DT * 1e-3)
    state, out = None, []
    with torch.no_grad():
        for t in range(steps):
            z, state = module(x[t], state)
            out.append(z.reshape(-1).clone())
    step, cell = np.nonzero(torch.stack(out).numpy())
    return (step + 1) * DT, cell      # end-of-step times, as the engine reports


def assert_reader_agrees(engine, times: np.ndarray, ids: np.ndarray) -> None:
    # The readers integrate with forward Euler (neuromem: exact propagators) and have no
    # synaptic delay (neuromem: one step). Stated tolerance: the same number of spikes per
    # cell, >= 90 % of all spikes within 2 steps and all within 1 ms (Euler's per-step error
    # dt/tau ~ 0.5 % can move a slow threshold crossing by several steps).
    diffs = []
    for cell in range(3):
        e = engine.spike_times[engine.spike_ids == cell]
        r = times[ids == cell]
        assert e.size >= 2 and r.size == e.size, (cell, e, r)
        diffs.append(np.abs(r - e))
    diff = np.concatenate(diffs)
    assert np.mean(diff <= 2 * DT + 1e-9) >= 0.9 and diff.max() <= 1.0 + 1e-9, diffs


@pytest.mark.parametrize("cell", ["IF_curr_exp", "IF_curr_delta"])
def test_norse_reads_and_runs_what_neuromem_writes(tmp_path, cell):
    norse = pytest.importorskip("norse.torch")
    net = reader_network(cell)
    engine = net.run(80.0, seed=2)["cells"]
    path = write_nir(net, tmp_path / "net.nir", seed=2, time_unit="s")   # Norse uses seconds
    module = norse.from_nir(nir.read(str(path)), dt=DT * 1e-3, ignore_warnings=True)
    assert_reader_agrees(engine, *run_torch_module(module, 80.0))


def test_snntorch_reads_and_runs_what_neuromem_writes(tmp_path):
    pytest.importorskip("snntorch")
    import snntorch
    from snntorch.import_nir import import_from_nir

    net = reader_network("IF_curr_delta")
    engine = net.run(80.0, seed=2)["cells"]
    path = write_nir(net, tmp_path / "net.nir", seed=2, time_unit="s")
    module = import_from_nir(nir.read(str(path)))
    leaky = [m for m in module.modules() if isinstance(m, snntorch.Leaky)]
    # snnTorch assumes dt = 1e-4 s: beta = 1 - dt/tau with tau = 20 ms read as 0.02 s
    assert len(leaky) == 1 and float(leaky[0].beta[0]) == pytest.approx(1 - 1e-4 / 0.02)
    assert_reader_agrees(engine, *run_torch_module(module, 80.0))


NIR_MODEL = """\
neuromem: 1
name: nir_cli
dt: 0.1
duration: 50.0
seed: 3
populations:
  input: {size: 4, cell: SpikeSourcePoisson, parameters: {rate: 50.0}}
  cells:
    size: 10
    cell: IF_curr_exp
    parameters: {tau_syn_E: 5.0, tau_syn_I: 5.0}
    record: [spikes]
projections:
  drive:
    pre: input
    post: cells
    connector: {type: FixedProbabilityConnector, p_connect: 0.5}
    synapse: {type: StaticSynapse, weight: 1.0, delay: 1.5}
"""


def test_cli_exports_nir_and_refuses_cuba_with_the_list(tmp_path, capsys):
    from neuromem.cli import main

    model = tmp_path / "nir_cli.yaml"
    model.write_text(NIR_MODEL)
    assert main(["export", str(model), "--target", "nir", "--time-unit", "s", "-o", str(tmp_path / "out")]) == 0
    graph = nir.read(str(tmp_path / "out" / "network.nir"))
    assert graph.metadata["time_unit"] == "s"
    np.testing.assert_allclose(graph.nodes["drive.delay0"].delay, 1.5e-3)
    assert "tau_refrac is kept only in metadata" in capsys.readouterr().out
    # models/cuba.yaml: two synaptic time constants and random initial v, per population
    assert main(["export", "models/cuba.yaml", "--target", "nir", "--check", "-o", str(tmp_path / "c")]) == 1
    out = capsys.readouterr().out
    assert out.count("problem:") == 4 and "tau_syn_E != tau_syn_I" in out
