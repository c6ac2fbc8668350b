"""The import's shallow validation (``rncp_valid.validated(data, shallow=True)``): the competency dicts the
reader builds are what :class:`Competency` accepts unchanged (golden corpus), the fiche and its blocs are
validated as by the full model, and a bad fiche is refused with exactly the full model's errors."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from test_rncp_golden import _TOKENS, SAMPLE, XML_FIXTURES, generated_export

from competency_graph.importers import rncp_fields, rncp_valid, rncp_xml
from competency_graph.importers.rncp import RncpImportError, import_rncp
from competency_graph.importers.rncp_xml import iter_rncp_xml, iter_rncp_xml_data
from competency_graph.model import Bloc, Certification, Competency


def test_shallow_models_are_the_models_but_the_competency_list():
    for shallow, model, kept in ((rncp_valid._ShallowCertification, Certification, "blocs"),
                                 (rncp_valid._ShallowBloc, Bloc, "competencies")):
        assert issubclass(shallow, model) and shallow.model_config == model.model_config
        assert list(shallow.model_fields) == list(model.model_fields)  # the same order: the same error order
        assert all(repr(shallow.model_fields[name]) == repr(field)
                   for name, field in model.model_fields.items() if name != kept)


def _check_export(path) -> int:
    """Every fiche: the shallow path taken, the same counts as the full model, and each competency dict
    equal to its model's dump (so the model accepts it unchanged)."""
    competencies = 0
    full = iter(iter_rncp_xml(path))
    for cert, data in iter_rncp_xml_data(path, shallow=True):
        model = next(full)
        assert type(cert) is rncp_valid._ShallowCertification
        assert Certification.model_validate(data) == model
        assert (cert.id, cert.active, cert.vae_open) == (model.id, model.active, model.vae_open)
        assert [len(b.competencies) for b in cert.blocs] == [len(b.competencies) for b in model.blocs]
        for bloc, full_bloc in zip(data.get("blocs", []), model.blocs, strict=True):
            for item, competency in zip(bloc.get("competencies", []), full_bloc.competencies, strict=True):
                assert Competency.model_validate(item) == competency
                assert competency.model_dump(exclude_defaults=True) == item
                competencies += 1
    assert next(full, None) is None
    return competencies


@pytest.mark.parametrize("path", [SAMPLE, *XML_FIXTURES], ids=lambda p: p.name)
def test_competencies_as_built_are_valid_on_the_corpus(path):
    if not path.exists():
        pytest.skip(f"{path} absent")
    _check_export(path)


@pytest.mark.parametrize("seed", [1, 7, 19])
def test_competencies_as_built_are_valid_on_generated_exports(tmp_path, seed):
    path = tmp_path / "export_fiches_RNCP_V4_1_2025_09_01.xml"
    generated_export(path, 80, seed)
    assert _check_export(path) > 0


def _data() -> dict:
    path = SAMPLE if SAMPLE.exists() else XML_FIXTURES[0]
    return next(data for _cert, data in iter_rncp_xml_data(path) if any(b.get("competencies")
                                                                       for b in data.get("blocs", [])))


def _bloc_with_competencies(data: dict) -> dict:
    return next(b for b in data["blocs"] if b.get("competencies"))


@pytest.mark.parametrize("spoil", [
    lambda d: _bloc_with_competencies(d)["competencies"][0].update(label=""),
    lambda d: _bloc_with_competencies(d)["competencies"][-1].update(label=3),
    lambda d: d["blocs"][0].update(id="pas un id"),
    lambda d: d["blocs"][-1].update(label=""),
    lambda d: d.update(level=12),
    lambda d: (d.update(level=12), _bloc_with_competencies(d)["competencies"][0].update(label="")),
    lambda d: (d["blocs"][0].update(equivalences=["x"]),
               _bloc_with_competencies(d)["competencies"][1].update(label="")),
])
def test_a_bad_fiche_gets_the_full_models_errors(spoil):
    """The labels ``split_list`` gives are checked; ids, keys and provenance are built by ``_bloc``, notations
    are ``split_outline``'s numbers (see the next test)."""
    data = copy.deepcopy(_data())
    spoil(data)
    with pytest.raises(ValidationError) as full:
        rncp_valid.validated(data)
    with pytest.raises(ValidationError) as shallow:
        rncp_valid.validated(data, shallow=True)
    assert shallow.value.errors() == full.value.errors()


def test_a_bad_competency_label_is_refused_by_the_import_as_by_the_reader(tmp_path, monkeypatch):
    real = rncp_xml.fiche_data  # (the splitter is compiled: patch the uncompiled caller, as a splitter bug would)

    def with_an_empty_label(fiche, title, date):
        data = real(fiche, title, date)
        for bloc in data.get("blocs", ()):
            if bloc.get("competencies"):
                bloc["competencies"].append({"id": bloc["id"] + "/C999", "label": "", "provenance": "imported"})
        return data

    monkeypatch.setattr(rncp_xml, "fiche_data", with_an_empty_label)
    path = SAMPLE if SAMPLE.exists() else XML_FIXTURES[0]
    with pytest.raises(RncpImportError) as read:
        list(iter_rncp_xml(path))
    with pytest.raises(RncpImportError) as imported:
        import_rncp(path, out_dir=tmp_path)
    assert str(imported.value) == str(read.value) and "competencies" in str(read.value)
    assert list(tmp_path.iterdir()) == []


_CODES = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["RNCP34762BC01", "RNCP1BC2", "rncp 1 bc 03", "BC7",
                                                                   "RS6232BC01", "RNCP99BC01", "BC", " "]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["RNCP1", "RNCP34762", "RS6232"]), st.lists(st.tuples(_CODES, st.lists(_TOKENS, max_size=25)
                                                                          .map("".join)), max_size=4))
def test_bloc_builds_what_the_model_accepts_unchanged(number, blocs):
    """The keys, provenance, ids and broader ids of the competency dicts come from ``_bloc`` alone: on any
    bloc code and any competence list, the bloc is what :class:`Bloc` accepts, dumped back unchanged."""
    taken: set[str] = set()
    for index, (code, text) in enumerate(blocs, 1):
        bloc = rncp_fields._bloc(number, index, code, None, text, None, taken)
        assert Bloc.model_validate(bloc).model_dump(exclude_defaults=True) == bloc
        assert rncp_valid._labels_as_built([bloc])
        assert all(type(c.get("notation", "")) is str for c in bloc.get("competencies", []))
