"""The HDF5 results format: round trip, units, compression, determinism, versioning, atomicity."""
import h5py
import numpy as np
import pytest

import neuromem.hdf5 as hdf5
from neuromem.errors import ResultsFormatError
from neuromem.hdf5 import SCHEMA_VERSION, read_file_attributes, read_results, write_results
from neuromem.results import Results


def _datasets(path) -> dict:
    found = {}
    with h5py.File(path, "r") as h5:
        h5.visititems(lambda name, obj: found.__setitem__(name, obj) if isinstance(obj, h5py.Dataset)
                      else None)
        return {name: (ds.dtype.str, ds.shape, ds[()].tobytes() if ds.shape else ds[()],
                       dict(ds.attrs)) for name, ds in found.items()}


def test_round_trip_preserves_every_field(hand_results, tmp_path):
    path = tmp_path / "run.h5"
    hand_results.save(path)
    back = Results.load(path)
    assert (back.dt, back.duration, back.seed, back.backend) == (0.1, 500.0, 3, "engine")
    assert back.model == hand_results.model
    assert list(back.populations) == ["exc", "inh"]  # order kept
    for label, pop in hand_results.populations.items():
        got = back[label]
        assert (got.size, got.cell_type) == (pop.size, pop.cell_type)
        np.testing.assert_array_equal(got.spike_times, pop.spike_times)
        np.testing.assert_array_equal(got.spike_ids, pop.spike_ids)
        np.testing.assert_array_equal(got.recorded_ids, pop.recorded_ids)
        assert got.spike_ids.dtype == pop.spike_ids.dtype
        assert set(got.traces) == set(pop.traces)
        for var, trace in pop.traces.items():
            for field in ("times", "ids", "values"):
                np.testing.assert_array_equal(getattr(got.traces[var], field), getattr(trace, field))
            assert got.traces[var].unit == trace.unit
    w, w0 = back.weights["exc/inh"], hand_results.weights["exc/inh"]
    for field in ("pre", "post", "weight", "delay"):
        np.testing.assert_array_equal(getattr(w, field), getattr(w0, field))
    assert w.unit == "uS"
    versions = back.provenance.pop("versions")
    assert back.provenance == hand_results.provenance
    assert {"python", "neuromem", "numpy", "numba", "h5py"} <= set(versions)
    assert versions["numpy"] == np.__version__


def test_resaving_a_loaded_file_keeps_its_recorded_versions(hand_results, tmp_path):
    hand_results.provenance["versions"] = {"python": "3.11.0", "numpy": "1.0-recorded"}
    write_results(hand_results, tmp_path / "a.h5")
    write_results(read_results(tmp_path / "a.h5"), tmp_path / "b.h5")
    assert read_results(tmp_path / "b.h5").provenance["versions"] == {"python": "3.11.0",
                                                                       "numpy": "1.0-recorded"}


def test_layout_units_compression_and_root_attributes(hand_results, tmp_path):
    path = tmp_path / "run.h5"
    write_results(hand_results, path)
    with h5py.File(path, "r") as h5:
        assert h5.attrs["format"] == "neuromem-results"
        assert h5.attrs["schema_version"] == SCHEMA_VERSION
        assert str(h5.attrs["neuromem_version"])
        assert h5["populations/exc/spikes/times"].attrs["unit"] == "ms"
        assert h5["populations/exc/spikes/ids"].attrs["unit"] == "index"
        assert h5["populations/exc/traces/v/values"].attrs["unit"] == "mV"
        assert h5["weights/exc%2Finh/weight"].attrs["unit"] == "uS"
        assert h5["weights/exc%2Finh/delay"].attrs["unit"] == "ms"
        big = h5["populations/exc/spikes/times"]          # 3000 elements: compressed
        assert (big.compression, big.shuffle) == ("gzip", True)
        assert h5["populations/inh/spikes/times"].compression is None   # 3 elements: not
        prov = h5["provenance"]
        assert (prov.attrs["seed"], prov.attrs["dt_ms"], prov.attrs["backend"]) == (3, 0.1, "engine")
        assert prov["model"].attrs["format"] == "json"
        units = {}
        h5.visititems(lambda n, o: units.__setitem__(n, o.attrs.get("unit"))
                      if isinstance(o, h5py.Dataset) and not n.startswith("provenance/") else None)
    expected = {f"populations/{p}/{d}" for p in ("exc", "inh")
                for d in ("recorded_ids", "spikes/times", "spikes/ids")}
    expected |= {f"populations/exc/traces/v/{d}" for d in ("times", "ids", "values")}
    expected |= {f"weights/exc%2Finh/{d}" for d in ("pre", "post", "weight", "delay")}
    assert set(units) == expected
    assert all(units.values()), units  # every dataset carries a unit
    assert read_file_attributes(path)["schema_version"] == SCHEMA_VERSION


def test_identical_results_give_bit_identical_datasets(hand_results, tmp_path):
    write_results(hand_results, tmp_path / "a.h5")
    write_results(hand_results, tmp_path / "b.h5")
    assert _datasets(tmp_path / "a.h5") == _datasets(tmp_path / "b.h5")


@pytest.mark.parametrize("version", [0, 2])
def test_other_schema_version_is_refused_naming_both_versions(hand_results, tmp_path, version):
    path = tmp_path / "run.h5"
    write_results(hand_results, path)
    with h5py.File(path, "r+") as h5:
        h5.attrs["schema_version"] = version
    with pytest.raises(ResultsFormatError, match=f"schema version {version} found.*reads schema "
                                                 f"version {SCHEMA_VERSION}"):
        read_results(path)


def test_files_that_are_not_neuromem_results_are_refused(tmp_path):
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as h5:
        h5["x"] = np.arange(3)
    with pytest.raises(ResultsFormatError, match="not a neuromem results file"):
        read_results(foreign)
    text = tmp_path / "notes.h5"
    text.write_text("hello")
    with pytest.raises(ResultsFormatError, match="not an HDF5 file"):
        read_results(text)
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        read_results(tmp_path / "missing.h5")


def test_failed_write_leaves_neither_file_nor_temporary(hand_results, tmp_path, monkeypatch):
    def fail_midway(h5, results):
        h5.create_group("weights")  # something is already in the temporary file
        raise RuntimeError("disk full")

    monkeypatch.setattr(hdf5, "_write_weights", fail_midway)
    with pytest.raises(RuntimeError, match="disk full"):
        write_results(hand_results, tmp_path / "run.h5")
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_the_previous_file(hand_results, tmp_path, monkeypatch):
    path = tmp_path / "run.h5"
    write_results(hand_results, path)
    before = path.read_bytes()
    monkeypatch.setattr(hdf5, "_write_provenance", lambda h5, results: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_results(hand_results, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.h5"]


def test_missing_destination_folder_is_an_error(hand_results, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_results(hand_results, tmp_path / "nowhere" / "run.h5")
