"""Trainer groups (AppTest): name and save a group, save the edited course links as versions, reopen one;
refusals in French (no name, a member of a structure the trainer does not work in, someone else's group)."""

from __future__ import annotations

import uuid

import pytest
from apphelpers import IDENTITIES, open_page, texts

from competency_graph.security.errors import AccessDenied
from competency_graph.services import groups
from competency_graph.services.accounts import Identity


def test_trainer_saves_a_named_group_then_versions_of_its_course_links(ctx):
    at = open_page("trainer", "trainer_course_links")
    next(b for b in at.button if b.label == "Enregistrer le groupe").click().run()
    assert "Donnez un nom au groupe." in texts(at)
    name = f"Groupe {uuid.uuid4().hex[:6]}"
    at.text_input(key="l_group_name_new").input(name)
    next(b for b in at.button if b.label == "Enregistrer le groupe").click().run()
    assert not at.exception, at.exception
    assert f"Groupe « {name} » enregistré." in texts(at)
    saved = next(g for g in groups.my_groups(ctx, IDENTITIES["trainer"]) if g.name == name)
    assert at.selectbox(key="l_saved_group").value == saved.id
    editor = at.data_editor[0]
    first_title = editor.value.iloc[0]["Maillon"]
    at.button(key="save_version").click().run()
    assert not at.exception, at.exception
    assert f"Version 1 des maillons du groupe « {name} » enregistrée." in texts(at)
    at.button(key="save_version").click().run()
    history = groups.versions(ctx, IDENTITIES["trainer"], saved.id)
    assert [v.version for v in history] == [2, 1]
    assert history[-1].content["rows"][0]["Maillon"] == first_title
    # reopened later: the newest version is shown by default
    again = open_page("trainer", "trainer_course_links", l_saved_group=saved.id)
    assert again.selectbox(key=f"l_version_{saved.id}").value == 2
    assert again.data_editor[0].value.iloc[0]["Maillon"] == first_title


def test_group_refusals(ctx):
    trainer = IDENTITIES["trainer"]
    other = ctx.repo.create_structure(f"EA {uuid.uuid4().hex[:4]}", "ea")
    outsider = ctx.repo.create_person(other.id, "Hors groupe", "ea")
    with pytest.raises(AccessDenied) as refused:
        groups.save_group(ctx, trainer, "Mauvaise structure", [outsider.id])
    assert refused.value.message("fr") == "Accès refusé : vous n'intervenez pas dans cette structure."
    mine = groups.save_group(ctx, trainer, f"G {uuid.uuid4().hex[:6]}", ["demo-lea"])
    user = ctx.repo.create_user(f"test.trainer.{uuid.uuid4().hex[:6]}", "Autre formatrice")
    ctx.repo.grant_role(user.id, "demo-esat-canal", "trainer")
    someone = Identity(user.id, "Autre formatrice", "trainer", ("demo-esat-canal",))
    with pytest.raises(AccessDenied):
        groups.versions(ctx, someone, mine.id)
    assert mine.id not in {g.id for g in groups.my_groups(ctx, someone)}
