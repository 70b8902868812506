"""`python -m synopsis` is the same as the `synopsis` command."""

from .cli import app

app(prog_name="synopsis")
