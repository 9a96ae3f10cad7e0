"""Parse trees kept between runs (plugin/runtime/treecache.py): a run that finds them must not parse again
and must print exactly what a run without them prints; a damaged or foreign entry is never used."""
import os
import pickle

import pytest

from plugin.runtime import treecache as template_cache
from plugin.runtime.treecache import DiskTreeCache
from simulator.gotemplate import Template, TemplateError
from simulator.gotemplate import template as template_mod

from . import paths
from .conftest import run_cli

TEXT = '{{ define "port" }}{{ .port | default 15001 }}{{ end }}name: {{ .name | quote }}\nport: {{ template "port" . }}\n'


def _forbid_parsing(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("parsed although the cache held the trees")

    monkeypatch.setattr(template_mod, "parse", refuse)


def test_a_second_template_comes_from_the_cache_and_renders_the_same(tmp_path, monkeypatch):
    cache = DiskTreeCache(tmp_path)
    first = Template(TEXT, name="inject", tree_cache=cache).execute({"name": "web"})
    assert first == 'name: "web"\nport: 15001\n'
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    _forbid_parsing(monkeypatch)
    again = Template(TEXT, name="inject", tree_cache=DiskTreeCache(tmp_path))
    assert again.execute({"name": "web", "port": 8080}) == 'name: "web"\nport: 8080\n'
    assert again.template_names() == ["inject", "port"]


def test_the_key_covers_name_text_and_functions(tmp_path):
    cache = DiskTreeCache(tmp_path)
    Template(TEXT, name="inject", tree_cache=cache)
    Template(TEXT, name="other", tree_cache=cache)
    Template(TEXT + "x", name="inject", tree_cache=cache)
    Template(TEXT, name="inject", funcs={"extra": len}, tree_cache=cache)
    assert len(list(tmp_path.glob("*.pickle"))) == 4
    # a function the text calls is unknown without its table: that is a parse error, never a cached tree
    with pytest.raises(TemplateError, match='function "extra" not defined'):
        Template("{{ extra 1 }}", tree_cache=cache)
    Template("{{ extra 1 }}", funcs={"extra": len}, tree_cache=cache)
    with pytest.raises(TemplateError, match='function "extra" not defined'):
        Template("{{ extra 1 }}", tree_cache=cache)


def test_damaged_and_foreign_entries_are_parsed_again(tmp_path):
    cache = DiskTreeCache(tmp_path)
    Template(TEXT, name="inject", tree_cache=cache)
    (entry,) = tmp_path.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert Template(TEXT, name="inject", tree_cache=cache).execute({"name": "a"}).startswith('name: "a"')
    # an entry written for another key under the same file name (or by another parser) is ignored
    entry.write_bytes(pickle.dumps((("other parser", "key"), {"inject": None})))
    assert cache.get(template_mod.parse_key("inject", TEXT, template_mod.default_funcs())) is None


def test_old_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(template_cache, "MAX_ENTRIES", 3)
    cache = DiskTreeCache(tmp_path)
    for i in range(6):
        Template(TEXT + str(i), tree_cache=cache)
    assert len(list(tmp_path.glob("*.pickle"))) == 3


def test_an_unwritable_cache_only_costs_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = DiskTreeCache(blocker / "sub")     # a directory that cannot be created
    assert Template(TEXT, tree_cache=cache).execute({"name": "x"}).startswith('name: "x"')


def test_location_follows_the_environment(tmp_path):
    assert template_cache.cache_dir({"KUBECTL_INJECT_CACHE": "off", "KUBECTL_INJECT_CACHE_DIR": "/x"}) is None
    assert template_cache.cache_dir({"KUBECTL_INJECT_CACHE_DIR": "/x"}) == "/x"
    assert template_cache.cache_dir({"XDG_CACHE_HOME": "/c"}) == "/c/kubectl-inject/parse-trees"
    assert template_cache.cache_dir({"HOME": "/h"}) == "/h/.cache/kubectl-inject/parse-trees"


def test_cli_runs_with_and_without_the_cache_print_the_same(tmp_path):
    chart = str(paths.require(paths.any_istio_chart)[1])
    httpbin = os.path.join(os.path.dirname(__file__), "data", "httpbin.yaml")
    args = ("explain", "-f", httpbin, "-n", "mesh", "--istio-release", chart, "-o", "pod")
    off = run_cli(*args, environ={"KUBECTL_INJECT_CACHE": "off", "KUBECTL_INJECT_CACHE_DIR": str(tmp_path)})
    assert off.status == 0 and "istio-proxy" in off.stdout
    assert not any(tmp_path.iterdir())
    cold = run_cli(*args, environ={"KUBECTL_INJECT_CACHE_DIR": str(tmp_path)})
    assert list(tmp_path.glob("*.pickle"))
    warm = run_cli(*args, environ={"KUBECTL_INJECT_CACHE_DIR": str(tmp_path)})
    assert off.stdout == cold.stdout == warm.stdout
