"""The production stack as files: docker-compose.yml, deploy/Caddyfile and .env.example agree.

No Docker engine is needed: the YAML is parsed here. Where a compose CLI is installed
(``docker compose`` v2, else Debian's ``docker-compose``, which .ci/run installs) the file is also
validated against the compose schema with ``config``; where ``caddy`` is installed (.ci/run installs
it) the Caddyfile is adapted by Caddy itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROT = Path(__file__).resolve().parent.parent
COMPOSE = ROT / "docker-compose.yml"
CADDYFILE = ROT / "deploy" / "Caddyfile"
ENV_EXAMPLE = ROT / ".env.example"

PROXY = "caddy"
APP = ("web", "worker", "beat")
LANGLIVET = ("db", "redis", *APP, PROXY)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tjenester(compose) -> dict:
    return compose["services"]


def _dokumentert_i_env_example() -> set[str]:
    """Names set or shown commented out (``NAME=`` / ``# NAME=``) in .env.example."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M))


def test_tjenestene_finnes(tjenester):
    assert set(tjenester) == {"db", "redis", "migrate", *APP, PROXY}
    assert tjenester["db"]["image"].startswith("postgres:")
    assert tjenester["redis"]["image"].startswith("redis:")
    assert tjenester[PROXY]["image"].startswith("caddy:")
    for navn in ("migrate", *APP):
        assert tjenester[navn]["image"] == "styringsportalen:latest", navn  # one image
        assert "/app/var/media" in " ".join(tjenester[navn]["volumes"]), f"{navn} har ikke media-volumet"
    assert tjenester["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert tjenester["migrate"]["restart"] == "no"


def test_helsesjekk_paa_hver_langlivet_tjeneste(tjenester):
    for navn in LANGLIVET:
        sjekk = tjenester[navn].get("healthcheck")
        assert sjekk, f"{navn} mangler healthcheck"
        assert not sjekk.get("disable"), navn
        assert sjekk["test"][0] in ("CMD", "CMD-SHELL") and len(sjekk["test"]) > 1, navn
        assert sjekk.get("interval") and sjekk.get("retries"), navn
    assert "healthcheck" not in tjenester["migrate"]  # one-off: its exit code is what counts


def test_helsesjekkene_bruker_helseendepunktene(tjenester):
    assert tjenester["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/helsesjekk.py", "web"]
    helsesjekk = (ROT / "deploy" / "helsesjekk.py").read_text(encoding="utf-8")
    assert '"http://127.0.0.1:8000/helse/klar/"' in helsesjekk  # readiness, the port gunicorn binds
    assert "0.0.0.0:8000" in (ROT / "Dockerfile").read_text(encoding="utf-8")

    worker = " ".join(tjenester["worker"]["healthcheck"]["test"][1:])
    assert re.search(r"celery -A config inspect ping -d celery@\$\$HOSTNAME --timeout \d+", worker), worker

    beat = tjenester["beat"]
    schedule = beat["command"][beat["command"].index("--schedule") + 1]
    sjekk = beat["healthcheck"]["test"]
    assert sjekk[:4] == ["CMD", "python", "deploy/helsesjekk.py", "beat"]
    assert sjekk[sjekk.index("--schedule") + 1] == schedule  # the file beat writes

    # Caddy's check goes through its loopback health site to web's liveness endpoint.
    url = tjenester[PROXY]["healthcheck"]["test"][-1]
    m = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/helse/", url)
    assert m, url
    caddyfile = CADDYFILE.read_text(encoding="utf-8")
    assert re.search(rf"^http://127\.0\.0\.1:{m.group(1)} \{{\n\tbind 127\.0\.0\.1\n\thandle /helse/ \{{\n"
                     r"\t\treverse_proxy web:8000", caddyfile, re.M)


def test_rekkefolgen(tjenester):
    migrate = tjenester["migrate"]["depends_on"]
    assert migrate == {"db": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}
    for navn in APP:
        assert tjenester[navn]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, navn
    assert tjenester[PROXY]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_bare_proxyen_publiserer_porter(tjenester):
    publiserer = {navn for navn, t in tjenester.items() if t.get("ports")}
    assert publiserer == {PROXY}
    assert not any(t.get("network_mode") == "host" for t in tjenester.values())
    porter = {str(p).split(":")[-1].split("/")[0] for p in tjenester[PROXY]["ports"]}
    assert porter == {"80", "443"}


def test_web_stoler_paa_en_proxy(tjenester):
    assert tjenester["web"]["environment"]["TRUSTED_PROXIES"] == "1"
    for navn in ("worker", "beat", "migrate"):
        assert "TRUSTED_PROXIES" not in tjenester[navn]["environment"], navn
    assert tjenester["web"]["environment"]["DJANGO_DEBUG"] == "0"


def test_hver_variabel_i_compose_er_dokumentert_i_env_example():
    tekst = COMPOSE.read_text(encoding="utf-8")
    tekst = re.sub(r"^\s*#.*$", "", tekst, flags=re.M).replace("$$", "")  # comments; $$ is an escaped $
    brukt = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", tekst)) | set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)",
                                                                                      tekst))
    assert brukt >= {"POSTGRES_PASSWORD", "PORTAL_DOMENE", "CADDY_TLS", "MAKS_FORESPORSEL"}
    mangler = sorted(brukt - _dokumentert_i_env_example())
    assert mangler == [], f"Variabler i docker-compose.yml som mangler i .env.example: {mangler}"


def test_readme_innstillingene_er_i_env_example():
    readme = (ROT / "README.md").read_text(encoding="utf-8")
    tabell = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    navn = set()
    for linje in tabell.splitlines():
        if linje.startswith("| `"):
            variabel, _, betydning = linje.split("|")[1:4]
            navn |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", variabel + betydning))
    assert {"DATABASE_URL", "SECRET_KEY", "OIDC_OP_JWKS_ENDPOINT", "PAAMINNELSE_KRAV_FORELDET_SEKUNDER"} <= navn
    mangler = sorted(navn - _dokumentert_i_env_example())
    assert mangler == [], f"Innstillinger i README som mangler i .env.example: {mangler}"


def test_env_example_har_ingen_hemmeligheter():
    for linje in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if re.match(r"^(SECRET_KEY|POSTGRES_PASSWORD|[A-Z_]*(SECRET|PASSWORD|ACCESS_KEY)[A-Z_]*)=", linje):
            assert linje.endswith("="), f"{linje!r}: la hemmeligheter stå tomme i .env.example"


def test_caddyfile(tjenester):
    caddyfile = CADDYFILE.read_text(encoding="utf-8")
    uten_kommentarer = "\n".join(linje.split("#", 1)[0] for linje in caddyfile.splitlines())
    assert uten_kommentarer.count("{") == uten_kommentarer.count("}")
    assert re.search(r"^\{\$PORTAL_DOMENE:localhost\} \{$", uten_kommentarer, re.M)
    assert re.search(r"^\ttls \{\$CADDY_TLS:internal\}$", uten_kommentarer, re.M)
    assert re.search(r"^\trequest_body \{\n\t\tmax_size \{\$MAKS_FORESPORSEL:30MB\}\n\t\}$", uten_kommentarer, re.M)
    assert re.search(r"^\treverse_proxy web:8000 \{\n\t\theader_up X-Request-ID \{http\.request\.uuid\}\n\t\}$",
                     uten_kommentarer, re.M)
    assert "trusted_proxies" not in uten_kommentarer  # TRUSTED_PROXIES=1 assumes Caddy trusts no one
    assert "log" not in re.findall(r"^\t(\w+)", uten_kommentarer, re.M)  # no access log (feed secrets)
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in tjenester[PROXY]["volumes"]
    # The size limit default agrees between compose and the Caddyfile, and stays above uploads.
    assert tjenester[PROXY]["environment"]["MAKS_FORESPORSEL"] == "${MAKS_FORESPORSEL:-30MB}"
    from django.conf import settings

    assert 30 * 1000 * 1000 > settings.LEVERANSE_MAKS_BYTE


def _compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_config_godtar_filen(tmp_path):
    """``compose config`` validates the file against the compose schema (no engine needed)."""
    cli = _compose_cli()
    if cli is None:
        pytest.skip("verken `docker compose` eller `docker-compose` er installert (.ci/run installerer docker-compose)")
    for navn in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROT / navn, tmp_path / navn)
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    (tmp_path / "deploy").mkdir()
    shutil.copy(CADDYFILE, tmp_path / "deploy" / "Caddyfile")
    miljo = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    miljo["POSTGRES_PASSWORD"] = "bare-for-testen"
    ut = subprocess.run([*cli, "config", "-q"], cwd=tmp_path, env=miljo, capture_output=True, text=True, timeout=120)
    assert ut.returncode == 0, ut.stdout + ut.stderr
    # Without POSTGRES_PASSWORD compose refuses to start (the :? guard), with the Norwegian hint.
    (tmp_path / ".env").write_text(ENV_EXAMPLE.read_text(encoding="utf-8").replace("POSTGRES_PASSWORD=\n", ""))
    del miljo["POSTGRES_PASSWORD"]
    ut = subprocess.run([*cli, "config", "-q"], cwd=tmp_path, env=miljo, capture_output=True, text=True, timeout=120)
    assert ut.returncode != 0
    assert "sett POSTGRES_PASSWORD i .env" in ut.stdout + ut.stderr


def test_caddy_godtar_caddyfile():
    """Caddy itself adapts the Caddyfile: the proxy to web:8000, the body limit, the health site."""
    if not shutil.which("caddy"):
        pytest.skip("caddy er ikke installert (.ci/run installerer Debians caddy)")
    miljo = {**os.environ, "PORTAL_DOMENE": "styring.example.no", "MAKS_FORESPORSEL": "30MB"}
    ut = subprocess.run(["caddy", "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                        env=miljo, capture_output=True, text=True, timeout=60)
    assert ut.returncode == 0, ut.stderr
    tjenere = json.loads(ut.stdout)["apps"]["http"]["servers"].values()
    handlere = json.dumps(list(tjenere))
    assert '"dial": "web:8000"' in handlere
    assert '"max_size": 30000000' in handlere
    assert '"styring.example.no"' in handlere
    assert '"X-Request-Id": ["{http.request.uuid}"]' in handlere
    assert {"127.0.0.1:8081"} <= {adresse for t in tjenere for adresse in t["listen"]}
