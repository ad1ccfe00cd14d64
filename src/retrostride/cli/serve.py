"""``retrostride serve``: the web API (FastAPI on uvicorn); its description is at /openapi.json."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from retrostride.cli.log import DatabaseOption, fail, opened
from retrostride.services.database import database_url


def _shown_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[
            str, typer.Option("--host", help="Address to listen on (loopback by default).")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
        workers: Annotated[
            int, typer.Option("--workers", min=1, max=64, help="Server processes.")
        ] = 1,
        registration: Annotated[
            str, typer.Option("--registration", help="open, or invite (codes from 'admin invite').")
        ] = "open",
        insecure_cookies: Annotated[
            bool,
            typer.Option(
                "--insecure-cookies",
                help="Send cookies without Secure (plain HTTP on loopback, for development).",
            ),
        ] = False,
        database: DatabaseOption = None,
    ) -> None:
        """Serve the web API: accounts, sharing, sessions, uploads, programs, assessments,
        gait analyses and the energy calculator. Put it behind HTTPS (a reverse proxy) when it
        is reachable from other machines."""
        import uvicorn

        if registration not in ("open", "invite"):
            fail(f"--registration: {registration!r} is not valid; expected open or invite", 2)
        with opened(database):  # migrate once, before the workers start
            pass
        if database:
            os.environ["RETROSTRIDE_DATABASE_URL"] = database
        os.environ["RETROSTRIDE_REGISTRATION"] = registration
        os.environ["RETROSTRIDE_SECURE_COOKIES"] = "false" if insecure_cookies else "true"
        if "RETROSTRIDE_PUBLIC_URL" not in os.environ:
            os.environ["RETROSTRIDE_PUBLIC_URL"] = f"http://{host}:{port}"
        typer.echo(
            f"retrostride is running at http://{host}:{port}  (open it in a browser)\n"
            f"database: {_shown_url(database or database_url())}\n"
            "No account yet? Register on the page, or run `retrostride demo` in another terminal\n"
            "for a made-up athlete and clinician with their logins. Ctrl+C stops the server."
        )
        uvicorn.run(
            "retrostride.server:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            proxy_headers=True,
        )
