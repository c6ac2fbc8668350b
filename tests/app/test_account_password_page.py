"""The "Mon mot de passe" page (security round 2): in every role's navigation; an account without a local
password is told so in French; the change itself is replayed in tests/security/test_attack_04_08_pages.py."""

from __future__ import annotations

from apphelpers import open_page


def test_every_role_reaches_my_password_page():
    for role in ("candidate", "accompanist", "trainer", "admin"):
        at = open_page(role, "account_password")
        assert at.title[0].value == "Changer mon mot de passe", role
        # The demo accounts sign in without a password: nothing to change, said in French.
        assert [i.value for i in at.info] == [
            "Votre compte n'a pas de mot de passe dans l'application (connexion de démonstration ou par le "
            "compte de votre structure)."], role
