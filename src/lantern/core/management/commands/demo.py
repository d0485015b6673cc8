"""lantern demo: the whole system on this machine, with demo data, in one step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser

from lantern.core.demo import load_demo
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.management.commands.compilemessages import compile_catalogues
from lantern.core.management.commands.keys import keys_init


class Command(LanternCommand):
    help = "Set up the embedded demo (SQLite, keys, demo data) and serve it on 127.0.0.1 with a worker."

    def uses_database(self, options: dict[str, Any]) -> bool:
        return False  # it makes its keys first, then migrates the embedded database itself

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up and load the data, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise UsageError("--port must be between 1 and 65535")
        home = Path(settings.LANTERN_HOME)
        home.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Lantern home: {home}")
        created = keys_init()
        if created:
            self.stdout.write(f"generated keys: {', '.join(created)} (in {settings.LANTERN_KEYS_DIR}, mode 0600)")
            # The secret key was just written: later steps in this process sign with it.
            settings.SECRET_KEY = (Path(settings.LANTERN_KEYS_DIR) / "secret_key").read_text().strip()
        compile_catalogues()
        call_command("migrate", interactive=False, verbosity=0)
        logins = load_demo(home / "demo-credentials.txt")
        for config in apps.get_app_configs():
            # Each of Lantern's apps may bring demo data in a `demo` module with a `load()`; core's come first.
            if config.name.startswith("lantern.") and config.name != "lantern.core":
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError:
                    continue
                module.load()
        self._print_logins(logins, options["port"])
        if options["no_serve"]:
            return
        self._serve(options["port"])

    def _print_logins(self, logins: list[Any], port: int) -> None:
        bar = "=" * 78
        self.stdout.write(bar)
        self.stdout.write("DEMO ONLY - these accounts and passwords are for trying Lantern out. Never put real")
        self.stdout.write("data in this system: two-factor authentication is switched off.")
        self.stdout.write(bar)
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.password:<28} {login.role} - {login.organisation}")
        self.stdout.write(bar)
        self.stdout.write(f"Open http://127.0.0.1:{port}/ and log in with one of the accounts above.")
        self.stdout.write(f"The public portal, without login: http://127.0.0.1:{port}/help/ (its call-back requests")
        self.stdout.write(f"reach the login 'hotline', password in {settings.LANTERN_HOME}/demo-credentials.txt).")

    def _serve(self, port: int) -> None:
        env = {**os.environ, "LANTERN_MODE": "demo", "LANTERN_REQUIRE_2FA": "false"}
        lantern = [sys.executable, "-m", "lantern.cli"]
        web = subprocess.Popen([*lantern, "serve", "--port", str(port), "--workers", "2"], env=env)  # noqa: S603
        worker = subprocess.Popen([*lantern, "worker"], env=env)  # noqa: S603
        children = [web, worker]

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
