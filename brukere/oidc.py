"""Single sign-on through OpenID Connect (mozilla-django-oidc), switched on by OIDC_RP_CLIENT_ID.

The identity provider proves who the person is; the portal decides what they may do. A person is
matched on the verified e-mail claim to an existing, active user that an administrator has given
an organisation and a role. Unknown people are refused rather than created without a role.
"""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class PortalOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or claims.get("upn") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("email") or claims.get("upn"))

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        return None
