"""Operator commands that belong to no single area: users, the demo programme, the whole-database check."""

from __future__ import annotations

import click
from flask import Flask

from trainer.auth import operations, queries
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.cli import export_command, import_command
from trainer.launch.launcher import run_side_by_side, serve_url, web_server, web_shape
from trainer.launch.options import district_of
from trainer.org.demo import DEMO_LOGINS, database_is_empty, load_demo


def register_cli(app: Flask) -> None:
    # The programme file: `flask --app trainer export FILE.json` / `import FILE.json`.
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)

    @app.cli.group("users")
    def users():
        """Create and manage accounts."""

    @users.command("create")
    @click.argument("username")
    @click.option("--name", "display_name", required=True, help="Display name, e.g. 张伟")
    @click.option("--role", type=click.Choice(["admin", "coordinator", "lawyer", "trainee", "instructor"]),
                  required=True)
    @click.option("--district", help="District code, e.g. chaoyang (coordinators and trainees)")
    @click.password_option()
    def create_user(username, display_name, role, district, password):
        """Create an account."""
        found = district_of(district, required=False)
        district_id = found.id if found else None
        try:
            user = operations.create_user(username=username, display_name=display_name, role=role, password=password,
                          district_id=district_id)
        except InvalidInput as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"created {user.username} ({user.role})")

    @users.command("list")
    def list_users():
        """List accounts."""
        for user in queries.all_users():
            district = user.district.code if user.district else "-"
            state = "active" if user.active else "disabled"
            click.echo(f"{user.username:20} {user.role:12} {district:12} {state:8} {user.display_name}")

    @users.command("disable")
    @click.argument("username")
    def disable_user(username):
        """Disable an account (never deleted); its sessions, tokens and feeds stop."""
        user = queries.user_named(username)
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        operations.disable_user(user)
        db.session.commit()
        click.echo(f"disabled {username}")

    @users.command("set-password")
    @click.argument("username")
    @click.password_option()
    def set_password(username, password):
        """Set a user's password."""
        user = queries.user_named(username)
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        operations.set_password(user, password)
        db.session.commit()
        click.echo(f"password set for {username}")

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
    @click.option("--server", type=click.Choice(["granian", "gunicorn"]), default=None,
                  help="the web server (default: WEB_SERVER, else granian)")
    @click.option("--workers", default=0, help="web worker processes (0: WEB_WORKERS, else one per core)")
    @click.option("--threads", default=0, help="threads per worker (0: WEB_THREADS, else 4)")
    def serve(host, port, server, workers, threads):
        """Serve the app with a production web server (granian, or gunicorn) and run the scheduler beside it (what
        `make run` does); Ctrl-C stops both."""
        try:
            server = server or web_server(app.config)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="TRAINER_WEB_SERVER") from error
        default_workers, default_threads = web_shape(app.config)
        workers, threads = workers or default_workers, threads or default_threads
        click.echo(f"Trainer: {serve_url(host, port)}   ({server}, {workers} workers x {threads} threads, and the "
                   "scheduler; Ctrl-C stops both)")
        raise SystemExit(run_side_by_side(host, port, workers, threads, server))

    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Load only into an empty database (what `make run` does).")
    def demo(if_empty):
        """Load the demo programme (Chaoyang and a few other districts) and print the demo logins."""
        if if_empty and not database_is_empty():
            click.echo("database has data; demo not loaded")
        else:
            load_demo()
            db.session.commit()
            click.echo("demo programme loaded")
        click.echo("demo logins (role, user name, password):")
        for role, username, password in DEMO_LOGINS:
            click.echo(f"  {role:12} {username:18} {password}")
