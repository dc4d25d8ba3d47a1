"""JupyterHub for a methodical office: one shared catalogue, a JupyterLab for each methodist.

Started as root from the hub's own folder (its database and cookie secret live there):

    cd /srv/imk-hub && sudo IMK_HOME=/srv/imk /srv/imk-app/.venv/bin/jupyterhub \
        -f /srv/imk-app/deploy/jupyterhub_config.py

- Who may log in: the system users of the group ``imk`` (``IMK_HUB_GROUP``), with their own
  system passwords (PAM, JupyterHub's built-in authenticator: no extra package, no second list
  of passwords). Adding a methodist is ``adduser`` plus ``adduser NAME imk``; the same group
  may write the shared workspace. ``IMK_HUB_ADMINS``: logins (comma-separated) who administer
  the hub.
- Each methodist's server runs as that system user (``LocalProcessSpawner``) in their home:
  ``~/Тетради`` (the project's notebooks, refreshed on every start) and ``~/Экспорт`` (their
  own exports); see ``catalogue/lab/hub.py``, which starts it.
- The catalogue: the shared workspace ``IMK_HOME`` (attachment files, search index, the
  workers' names) and its database ``IMK_DATABASE_URL`` (else ``[database] url`` of the
  workspace's ``settings.toml``) are passed to every server. The worker signing each save is
  the name remembered for the hub login (``JUPYTERHUB_USER``).
- The login page is in Russian (``templates/login.html``).
- Address: ``IMK_HUB_IP`` (default all interfaces) and ``IMK_HUB_PORT`` (default 8000). Put a
  TLS proxy (nginx, Caddy) in front, or give ``IMK_HUB_SSL_CERT``/``IMK_HUB_SSL_KEY``.
- The proxy is JupyterHub's own ``configurable-http-proxy`` (Node.js, ``npm install -g
  configurable-http-proxy@5``), found on ``PATH``.
"""

import os
import sys
from pathlib import Path

c = get_config()  # type: ignore[name-defined]  # noqa: F821 (given by JupyterHub)

HUB_ENV = ("IMK_HOME", "IMK_DATABASE_URL", "IMK_LANG")

c.JupyterHub.ip = os.environ.get("IMK_HUB_IP", "")
c.JupyterHub.port = int(os.environ.get("IMK_HUB_PORT", "8000"))
if os.environ.get("IMK_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["IMK_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["IMK_HUB_SSL_KEY"]

c.JupyterHub.template_paths = [str(Path(__file__).resolve().parent / "templates")]  # Russian

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {os.environ.get("IMK_HUB_GROUP", "imk")}
c.Authenticator.admin_users = {
    name.strip() for name in os.environ.get("IMK_HUB_ADMINS", "").split(",") if name.strip()
}

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [sys.executable, "-m", "catalogue.lab.hub"]
c.Spawner.default_url = "/lab/tree/Тетради/01_search.ipynb"
c.Spawner.environment = {name: os.environ[name] for name in HUB_ENV if os.environ.get(name)}
c.Spawner.http_timeout = 120  # a first start on a busy server builds Lab's caches
c.Spawner.start_timeout = 120
