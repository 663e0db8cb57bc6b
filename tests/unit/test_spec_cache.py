"""Radar templates kept on disk (ipm_model.spec_cache): the same chart, from any process."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ipm_model import charts, spec_cache
from ipm_model.phases import PHASE_IDS

ROOT = Path(__file__).resolve().parents[2]
NL = {p: p.capitalize() for p in PHASE_IDS}
# (series, labels, size, title, tooltip titles, theme, look, bars, benchmark, language)
KEYS = [
    (("Keten A", "Alle ketens"), tuple(NL.items()), 420, "Keten A", (), "default",
     (12, True, False), True, True, "nl"),
    (("Ik", "Groep"), tuple(NL.items()), 360, None, (("legend", ""),), "ipm",
     (28, False, True), False, False, "en"),
    (("Één \"quote\" <b>", "x"), tuple(NL.items()), 300, "T\nU", (("series", "Reeks"),),
     "default", (12, True, False), True, False, "nl"),
    # The compare page's small radars: one template for every chain, named by a stand-in.
    (("\x00series\x00",), tuple(NL.items()), 420, "\x00series\x00", (), "default",
     (12, True, False), True, False, "en"),
]  # fmt: skip


def _forget() -> None:
    """As a fresh process: no template in memory."""
    charts._build_radar_template.cache_clear()
    charts._stand_in_radar_template.cache_clear()


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("IPM_CACHE_DIR", str(tmp_path / "cache"))
    _forget()
    yield tmp_path / "cache"
    _forget()


def _validated(key) -> dict:
    """The template as before the disk cache: radar_chart's build, validated by Altair."""
    import altair as alt

    series, labels, size, title, titles, theme, look, bars, bench, lang = key
    stand_in = pd.DataFrame(
        [(s, p, 3.0, 1, float("nan"), 2.5 if bars else float("nan"), 3.5)
         for s in series for p, _ in labels],
        columns=[*charts.RADAR_COLUMNS, *charts.INTERVAL_COLUMNS],
    )  # fmt: skip
    benchmark = (
        pd.DataFrame([(p, 2.5, 3.0, 3.5) for p, _ in labels], columns=charts.BENCHMARK_COLUMNS)
        if bench
        else None
    )
    with alt.theme.enable(theme):
        return charts.radar_chart(
            stand_in, dict(labels), series_order=list(series), size=size, title=title,
            tooltip_titles=dict(titles), label_size=look[0], legend=look[1], pad=look[2],
            benchmark=benchmark, lang=lang,
        ).to_dict(validate=True)  # fmt: skip


@pytest.mark.parametrize("key", KEYS)
def test_template_unvalidated_build_equals_the_validated_build(key) -> None:
    import altair as alt

    with alt.theme.enable(key[5]):
        assert charts._radar_template_build(*key) == _validated(key)


@pytest.mark.parametrize("key", KEYS)
def test_template_from_disk_equals_a_fresh_build(folder, key) -> None:
    import altair as alt

    with alt.theme.enable(key[5]):
        built = charts._build_radar_template(*key)  # a miss: built and written
        assert len(list(folder.rglob("*.json"))) == 1
        _forget()
        read = charts._build_radar_template(*key)  # as a fresh process: from disk
        assert read == built == _validated(key)
        assert read is not built


def test_radar_spec_is_the_same_with_the_cache_on_and_off(folder, monkeypatch) -> None:
    data = pd.DataFrame(
        [(s, p, 1 + (i + k) % 5 * 0.9, 10, 0.5, 2.0, 4.0)
         for k, s in enumerate(("Keten", "Alle ketens")) for i, p in enumerate(PHASE_IDS)],
        columns=[*charts.RADAR_COLUMNS, *charts.INTERVAL_COLUMNS],
    )  # fmt: skip
    first = charts.radar_spec(data, NL, title="Keten", lang="nl")
    _forget()
    from_disk = charts.radar_spec(data, NL, title="Keten", lang="nl")
    _forget()
    monkeypatch.setenv("IPM_CACHE_DIR", "off")
    built = charts.radar_spec(data, NL, title="Keten", lang="nl")
    assert first == from_disk == built
    assert len(list(folder.rglob("*.json"))) == 1  # "off" wrote nothing


def test_corrupt_or_foreign_file_is_rebuilt_and_replaced(folder, theme) -> None:
    key = KEYS[1]
    built = charts._build_radar_template(*key)
    (path,) = folder.rglob("*.json")
    good = path.read_text(encoding="utf-8")
    for bad in ("{not json", json.dumps({"key": ["other"], "spec": {"a": 1}}), "[]", ""):
        path.write_text(bad, encoding="utf-8")
        _forget()
        assert charts._build_radar_template(*key) == built
        assert path.read_text(encoding="utf-8") == good  # written again


@pytest.fixture
def theme():
    import altair as alt

    with alt.theme.enable(KEYS[1][5]):  # the theme a template's key names is the active one
        yield


def test_read_only_folder_falls_back_to_building(tmp_path, monkeypatch, theme) -> None:
    """A read-only install: the folder is there, writing into it fails. Root (CI) may
    write into a chmod 500 folder, so the write also fails as a read-only file system
    would, whoever runs the test."""

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(spec_cache.tempfile, "NamedTemporaryFile", read_only)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        monkeypatch.setenv("IPM_CACHE_DIR", str(folder))
        _forget()
        assert charts._build_radar_template(*KEYS[1]) == _validated(KEYS[1])
        assert [path for path in folder.rglob("*") if path.is_file()] == []
    finally:
        folder.chmod(0o700)
        _forget()


def test_unwritable_cache_path_falls_back_to_building(tmp_path, monkeypatch, theme) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("IPM_CACHE_DIR", str(blocker / "below-a-file"))
    _forget()
    try:
        assert charts._build_radar_template(*KEYS[1]) == _validated(KEYS[1])
    finally:
        _forget()


def test_key_names_the_code_and_library_versions(folder, monkeypatch, theme) -> None:
    """A changed builder (or Altair) is a different file, never an old template."""
    key = KEYS[1]
    charts._build_radar_template(*key)
    monkeypatch.setattr(charts, "TEMPLATE_FINGERPRINT", "another build")
    _forget()
    charts._build_radar_template(*key)
    files = list(folder.rglob("*.json"))
    assert len(files) == 2
    fingerprints = {json.loads(f.read_text(encoding="utf-8"))["key"][0] for f in files}
    assert "another build" in fingerprints and len(fingerprints) == 2


def test_a_template_on_disk_is_read_without_building(folder, monkeypatch, theme) -> None:
    """As a fresh process of the same code: the template comes from the file, no build."""
    key = KEYS[1]
    built = charts._build_radar_template(*key)
    _forget()

    def no_build(*args):
        raise AssertionError("built again although the template is on disk")

    monkeypatch.setattr(charts, "_radar_template_build", no_build)
    assert charts._build_radar_template(*key) == built


def test_a_file_someone_else_could_have_written_is_not_read(folder, monkeypatch, theme) -> None:
    key = KEYS[1]
    built = charts._build_radar_template(*key)
    (path,) = folder.rglob("*.json")
    builds = []
    real_build = charts._radar_template_build
    monkeypatch.setattr(
        charts, "_radar_template_build", lambda *k: builds.append(k) or real_build(*k)
    )
    path.chmod(0o666)  # writable by anyone
    _forget()
    assert charts._build_radar_template(*key) == built and len(builds) == 1
    assert path.stat().st_mode & 0o022 == 0  # replaced by this process's own file
    monkeypatch.setattr(spec_cache.os, "geteuid", lambda: os.stat(path).st_uid + 1)
    _forget()  # a file of another user
    assert charts._build_radar_template(*key) == built and len(builds) == 2


def test_the_code_is_fingerprinted_at_import_not_at_the_first_chart() -> None:
    """A rolling update replaces the files under running processes: a process files its
    templates under the source it imported, whatever lies on disk later."""
    assert spec_cache.code_fingerprint(charts.TEMPLATE_MODULES) == charts.TEMPLATE_FINGERPRINT
    code = (
        "import pathlib, sys; from ipm_model import charts, spec_cache; "
        "first = charts.TEMPLATE_FINGERPRINT; "
        "p = pathlib.Path(sys.modules['ipm_model.phases'].__spec__.origin); "
        "orig = spec_cache.Path.read_bytes; "
        "spec_cache.Path.read_bytes = lambda self: orig(self) + b'# newer code'; "
        "print(first == charts.TEMPLATE_FINGERPRINT, "
        "first != spec_cache.code_fingerprint(charts.TEMPLATE_MODULES))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert out.split() == ["True", "True"]


def test_older_codes_folders_and_leftovers_are_removed_once_stale(folder, theme) -> None:
    stale = time.time() - spec_cache.STALE_AFTER_S - 60
    old = folder / "radar" / "0ld-fingerprint"
    recent = folder / "radar" / "recent-fingerprint"
    for place in (old, recent):
        place.mkdir(parents=True)
        (place / "x.json").write_text("{}", encoding="utf-8")
    os.utime(old, (stale, stale))
    own = folder / "radar" / charts.TEMPLATE_FINGERPRINT[:32]
    own.mkdir(parents=True)
    leftover = own / ".tmp-killed.json"
    leftover.write_text("{", encoding="utf-8")
    os.utime(leftover, (stale, stale))
    charts._build_radar_template(*KEYS[1])
    assert not old.exists() and not leftover.exists()
    assert (recent / "x.json").exists()  # another code's folder in use within the hour
    assert len(list(own.glob("*.json"))) == 1


def test_no_home_folder_means_no_disk_cache(monkeypatch) -> None:
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("IPM_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(spec_cache.Path, "home", staticmethod(no_home))
    assert spec_cache.cache_dir() is None


def test_fingerprint_follows_the_source_of_the_modules() -> None:
    both = spec_cache.code_fingerprint(charts.TEMPLATE_MODULES)
    assert both == spec_cache.code_fingerprint(charts.TEMPLATE_MODULES)
    assert both != spec_cache.code_fingerprint(charts.TEMPLATE_MODULES[:1])


def test_cache_dir_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("IPM_CACHE_DIR", str(tmp_path))
    assert spec_cache.cache_dir() == tmp_path
    monkeypatch.setenv("IPM_CACHE_DIR", "OFF")
    assert spec_cache.cache_dir() is None
    monkeypatch.delenv("IPM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert spec_cache.cache_dir() == tmp_path / "xdg" / "ipm-ketenscan"


def test_a_second_process_reads_what_the_first_wrote(folder) -> None:
    """Across processes (a restart, another replica on the same folder): the same spec."""
    code = (
        "import json, sys, pandas as pd; from ipm_model import charts; "
        "from ipm_model.phases import PHASE_IDS; "
        "d = pd.DataFrame([('K', p, 3.2, 5, 0.4) for p in PHASE_IDS], "
        "columns=['series', 'phase_id', 'score', 'n', 'sd']); "
        "s = charts.radar_spec(d, {p: p for p in PHASE_IDS}, title='K', lang='nl'); "
        "print(charts._build_radar_template.cache_info().misses, "
        "len(json.dumps(s, sort_keys=True)), hash(json.dumps(s, sort_keys=True)))"
    )
    env = {**os.environ, "IPM_CACHE_DIR": str(folder), "PYTHONHASHSEED": "0"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=True,
        ).stdout  # fmt: skip
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert len(list(folder.rglob("*.json"))) == 1


def test_one_template_on_disk_serves_every_chain_and_holds_no_name(folder) -> None:
    """The disk holds the layout with stand-in names: no chain's name (erasure leaves
    nothing behind there), and a chain never shown before reads it too."""
    import altair as alt

    with alt.theme.enable("default"):
        keys = [
            ((name, "Alle ketens"), tuple(NL.items()), 420, name, (), "default",
             (12, True, False), True, True, "nl")
            for name in ("Jeugdzorg Rivierstad", "Veilig Thuis", "Zorg & Veiligheid")
        ]  # fmt: skip
        for key in keys:
            _forget()
            assert charts._build_radar_template(*key) == _validated(key)
            spec = json.dumps(charts._build_radar_template(*key))
            assert json.dumps(charts._radar_template_build(*key)) == spec  # key order too
        (path,) = folder.rglob("*.json")
        text = path.read_text(encoding="utf-8")
        assert "Rivierstad" not in text and "Veilig" not in text


def test_names_that_look_like_stand_ins_are_put_in_as_they_are(folder) -> None:
    import altair as alt

    with alt.theme.enable("default"):
        for names in (("\x00s1\x00", "\x00s0\x00"), ("\x00t\x00", "a\x00s0\x00b")):
            key = (names, tuple(NL.items()), 420, names[0], (), "default",
                   (12, True, False), True, False, "nl")  # fmt: skip
            _forget()
            assert charts._build_radar_template(*key) == _validated(key)
        # A label holding the mark: built directly, nothing written for it.
        odd = {**NL, "doen": "Do\x00s0\x00en"}
        key = (("A",), tuple(odd.items()), 420, "A", (), "default", (12, True, False),
               True, False, "nl")  # fmt: skip
        before = len(list(folder.rglob("*.json")))
        assert charts._build_radar_template(*key) == _validated(key)
        assert len(list(folder.rglob("*.json"))) == before
