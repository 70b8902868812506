"""`synopsis` on the command line: summarize, transcribe, serve, keys, models, config.

Results go to standard output (or `-o FILE`); progress, notes and errors go to standard error, so
`synopsis summarize x.txt > summary.md` captures exactly the summary.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .errors import InputError, SchemaError, SynopsisError

if TYPE_CHECKING:
    from .config import Settings
    from .runtime import Runtime

app = typer.Typer(
    name="synopsis",
    help="Summarize text, audio and video on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class TranscriptFormat(StrEnum):
    text = "text"
    json = "json"
    srt = "srt"
    vtt = "vtt"


OutputPath = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


def fail(message: str, code: int = 1) -> None:
    stderr.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a SynopsisError as one line and a non-zero exit, never a traceback."""
    try:
        yield
    except SynopsisError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", 130)


@contextmanager
def progress_display() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on stderr driven by the pipeline's `progress(stage, done, total)`."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stderr, transient=True) as progress:
        tasks: dict[str, Any] = {}
        labels = {
            "decode": "decoding audio (s)",
            "transcribe": "transcribing (audio s)",
            "speakers": "labelling speakers",
            "map": "summarizing chunks",
            "final": "writing summary",
        }

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = labels.get(stage, stage.replace("reduce", "merging notes, round"))
                tasks[stage] = progress.add_task(label, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def warm_up(runtime: Runtime, model: str | None, progress: Callable[[str, int, int], None]) -> None:
    """Load the model as a progress step: the first run also assembles and verifies weights."""
    backend = runtime.registry.backend(model)
    load = getattr(backend, "warm_up", None)
    if load is not None:
        stage = f"loading {backend.name}"
        progress(stage, 0, 1)
        load()
        progress(stage, 1, 1)


def show_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        stderr.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)


def load_schema(path: Path) -> dict[str, Any]:
    from .inputs import read_json_file

    return read_json_file(path, "schema file", SchemaError)


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from exc
    stderr.print(f"wrote {output}", highlight=False)


@app.command()
def summarize(
    source: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="A text, audio or video file, - for stdin, or an http(s) URL.",
        ),
    ],
    style: Annotated[
        str,
        typer.Option(
            "--style",
            "-s",
            help="bullets, paragraph, headline, conversational, custom, json or extractive.",
        ),
    ] = "bullets",
    prompt: Annotated[
        str | None,
        typer.Option(
            "--prompt", "-p", help="Instructions: required for custom, added to other styles."
        ),
    ] = None,
    schema: Annotated[
        Path | None, typer.Option("--schema", help="JSON Schema file for --style json.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Model name or alias (see `synopsis models`)."),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: the summary; json: the summary with model, chunks and usage.",
        ),
    ] = OutputFormat.text,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            "-l",
            help="Language of the summary, e.g. en, de, fr (default: the input's language).",
        ),
    ] = None,
    output: OutputPath = None,
) -> None:
    """Summarize a document or a recording in the style you ask for.

    Audio and video are transcribed first (with speaker labels for --style conversational).
    """
    from . import workflows
    from .inputs import MediaInput, read_input
    from .runtime import Runtime
    from .summarize.pipeline import validate_request

    with user_errors():
        schema_data = load_schema(schema) if schema is not None else None
        validate_request(style, prompt, schema_data, language)
        options = workflows.SummaryOptions(style, prompt, schema_data, model, language)
        document = read_input(source)
        runtime = Runtime(_settings())
        with progress_display() as progress:
            if style != "extractive":
                warm_up(runtime, model, progress)
            if isinstance(document, MediaInput):
                recording, result = workflows.summarize_media(
                    runtime, document.source, options, progress=progress, name=source
                )
                show_warnings(recording.warnings)
            else:
                result = workflows.summarize(runtime, document, options, progress=progress)
        if output_format is OutputFormat.json:
            write_output(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), output)
        else:
            write_output(result.text, output)
        show_warnings(result.warnings)
        if result.unsupported:
            terms = ", ".join(term.text for term in result.unsupported)
            stderr.print(f"[yellow]check:[/] not found in the input: {terms}", highlight=False)


@app.command()
def transcribe(
    source: Annotated[
        str, typer.Argument(metavar="INPUT", help="An audio or video file, or an http(s) URL.")
    ],
    speakers: Annotated[
        bool, typer.Option("--speakers", help="Label who spoke when (A, B, …).")
    ] = False,
    speakers_expected: Annotated[
        int | None,
        typer.Option(
            "--speakers-expected", min=1, help="How many people speak (implies --speakers)."
        ),
    ] = None,
    min_speakers: Annotated[
        int | None,
        typer.Option(
            "--min-speakers", min=1, help="At least this many speak (implies --speakers)."
        ),
    ] = None,
    max_speakers: Annotated[
        int | None,
        typer.Option("--max-speakers", min=1, help="At most this many speak (implies --speakers)."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="Language code, e.g. en or de (default: detect)."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", "-m", help="Speech model: whisper-base (default) or whisper-tiny.en."
        ),
    ] = None,
    keyterms: Annotated[
        list[str] | None,
        typer.Option("--keyterm", "-k", help="A name or term to listen for; repeat as needed."),
    ] = None,
    output_format: Annotated[
        TranscriptFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, json (the transcript API's fields, times in ms), srt or vtt.",
        ),
    ] = TranscriptFormat.text,
    output: OutputPath = None,
) -> None:
    """Transcribe a recording: words with times, the language, and optionally who spoke."""
    from . import workflows
    from .captions import to_srt, to_vtt
    from .inputs import is_url
    from .runtime import Runtime

    with user_errors():
        if not is_url(source) and not Path(source).exists():
            raise InputError(f"{source}: no such file")
        options = workflows.TranscriptionOptions(
            speaker_labels=speakers or min_speakers is not None or max_speakers is not None,
            speakers_expected=speakers_expected,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            language=language,
            model=model,
            keyterms=tuple(keyterms or ()),
        )
        with progress_display() as progress:
            result = workflows.transcribe(Runtime(_settings()), source, options, progress=progress)
        renderers: dict[TranscriptFormat, Callable[[], str]] = {
            TranscriptFormat.text: result.labelled_text,
            TranscriptFormat.json: lambda: json.dumps(
                result.to_dict(), ensure_ascii=False, indent=2
            ),
            TranscriptFormat.srt: lambda: to_srt(result),
            TranscriptFormat.vtt: lambda: to_vtt(result),
        }
        write_output(renderers[output_format](), output)
        show_warnings(result.warnings)
        if not result.words:
            stderr.print("[yellow]warning:[/] no speech was recognised", highlight=False)


def _settings(data_dir: Path | None = None) -> Settings:
    """The configured settings; `--data-dir` wins over SYNOPSIS_DATA_DIR."""
    from .config import Settings

    settings = Settings()
    return settings if data_dir is None else settings.model_copy(update={"data_dir": data_dir})


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Database and uploads (default: SYNOPSIS_DATA_DIR)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Transcription workers (default: SYNOPSIS_WORKERS).")
    ] = None,
    no_auth: Annotated[
        bool,
        typer.Option("--no-auth", help="Accept requests without an API key (loopback only)."),
    ] = False,
) -> None:
    """Serve the transcript API (AssemblyAI-compatible) over HTTP.

    On first start, with no API key in the database, one key is created and printed once.
    """
    import uvicorn

    from .api.app import create_app
    from .runtime import Runtime
    from .store.keys import count_active, create_key

    with user_errors():
        settings = _settings(data_dir)
        if workers is not None:
            settings = settings.model_copy(update={"workers": workers})
        if no_auth and not _is_loopback(host):
            raise InputError("--no-auth is only allowed on a loopback address such as 127.0.0.1")
        runtime = Runtime(settings)
        if not no_auth and count_active(runtime.sessions) == 0:
            _, secret = create_key(runtime.sessions, "first key")
            stderr.print(
                "No API key existed, so one was created. It is shown only now; send it as the "
                "authorization header, or paste it into the playground's API key box (manage "
                "keys with `synopsis keys`):",
                highlight=False,
            )
            sys.stdout.write(secret + "\n")
            sys.stdout.flush()
        application = create_app(runtime, auth_required=not no_auth)
        address = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        stderr.print(
            f"Synopsis is serving on {address}\n"
            f"  playground (open it in a browser): {address}/\n"
            f"  APIs: {address}/v2 (transcripts), {address}/v1 (OpenAI, Deepgram), "
            f"{address}/api\n"
            f"  data in {settings.data_dir}",
            highlight=False,
        )
        uvicorn.run(
            application, host=host, port=port, log_level="warning", timeout_graceful_shutdown=30
        )


@app.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", "-c", min=1, help="Jobs at once (SYNOPSIS_WORKERS)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Database and uploads (default: SYNOPSIS_DATA_DIR)."),
    ] = None,
) -> None:
    """Run transcript and summary jobs queued through the broker (SYNOPSIS_BROKER_URL).

    Start as many as the machines allow, each with the API's database, broker and media
    directory; stop one with Ctrl-C or SIGTERM and its running jobs finish first.
    """
    from .runtime import Runtime

    with user_errors():
        settings = _settings(data_dir)
        if not settings.broker_url:
            raise InputError(
                "`synopsis worker` needs a broker: set SYNOPSIS_BROKER_URL (e.g. "
                "redis://127.0.0.1:6379/0). Without one, `synopsis serve` runs jobs itself."
            )
        from .jobs.broker import run_worker

        stderr.print(f"Synopsis worker: {json.dumps(settings.mode)}", highlight=False)
        run_worker(Runtime(settings), concurrency or settings.workers)


keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Where the database lives (default: SYNOPSIS_DATA_DIR)."),
]


def _key_database(data_dir: Path | None):
    from .store.db import sessions

    return sessions(_settings(data_dir).effective_database_url)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", "-n", help="A label for the key.")] = "key",
    data_dir: DataDir = None,
) -> None:
    """Create a key; it is printed once, alone on the last line."""
    from .store.keys import create_key

    with user_errors():
        info, secret = create_key(_key_database(data_dir), name)
        stderr.print(
            f"created key {info.id} ({info.name}); it cannot be shown again", highlight=False
        )
        sys.stdout.write(secret + "\n")


@keys_app.command("list")
def keys_list(data_dir: DataDir = None) -> None:
    """The keys with their ids, names, prefixes and state (never the secrets)."""
    from .store.keys import list_keys

    with user_errors():
        table = Table(box=None, pad_edge=False)
        for column in ("id", "name", "prefix", "created", "state"):
            table.add_column(column, no_wrap=True)
        for info in list_keys(_key_database(data_dir)):
            state = f"revoked {info.revoked:%Y-%m-%d}" if info.revoked else "active"
            table.add_row(
                str(info.id), info.name, info.prefix + "…", f"{info.created:%Y-%m-%d %H:%M}", state
            )
        Console().print(table)


@keys_app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="The key's id, name, prefix or the key itself.")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    from .store.keys import revoke_key

    with user_errors():
        info = revoke_key(_key_database(data_dir), key)
        if info is None:
            raise InputError(f"no single active key matches {key!r}; see `synopsis keys list`")
        stderr.print(f"revoked key {info.id} ({info.name})", highlight=False)


@app.command()
def models() -> None:
    """List the LLMs and speech models this installation can run, with aliases and sizes."""
    from .config import get_settings
    from .llm.registry import get_registry

    with user_errors():
        registry = get_registry()
        default = registry.resolve(get_settings().default_model).name
        table = Table(box=None, pad_edge=False)
        table.add_column("name", no_wrap=True)
        table.add_column("context", justify="right")
        table.add_column("runs", no_wrap=True)
        table.add_column("aliases")
        for spec in registry.specs:
            name = spec.name + (" (default)" if spec.name == default else "")
            table.add_row(
                name,
                str(registry.context_size(spec)),
                registry.where(spec),
                ", ".join(spec.aliases),
            )
        console = Console()
        console.print(table)
        console.print(_speech_table())


def _speech_table() -> Table:
    from .api.assemblyai.mapping import SPEECH_MODEL_NAMES
    from .config import get_settings
    from .speech.models import is_installed, speech_models

    settings = get_settings()
    table = Table(box=None, pad_edge=False, title="speech models", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("installed", no_wrap=True)
    table.add_column("aliases")
    table.add_column("transcript API names")
    table.add_column("description")
    default = "local" if settings.speech_model_path else settings.speech_model
    for spec in speech_models(settings.speech_model_path):
        name = spec.name + (" (default)" if spec.name == default else "")
        installed = "yes" if is_installed(spec) else "no"
        hosted = ", ".join(k for k, v in SPEECH_MODEL_NAMES.items() if v == spec.name)
        table.add_row(name, installed, ", ".join(spec.aliases), hosted, spec.description)
    return table


@app.command()
def config() -> None:
    """Print the active mode (database, where jobs run, media) and the effective settings as
    JSON, with secrets masked."""
    with user_errors():
        settings = _settings()
        document = {"mode": settings.mode, **settings.masked()}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")


@app.command(name="eval")
def eval_command(
    source: Annotated[
        Path | None, typer.Option("--source", help="The text the summary was made from.")
    ] = None,
    summary: Annotated[
        Path | None, typer.Option("--summary", help="The summary to evaluate.")
    ] = None,
    reference: Annotated[
        Path | None, typer.Option("--reference", help="A reference summary, for ROUGE.")
    ] = None,
    facts: Annotated[
        Path | None, typer.Option("--facts", help="A facts file (docs/evaluation.md).")
    ] = None,
    judge_model: Annotated[
        str | None,
        typer.Option("--judge-model", help="Also ask this model to judge (see `synopsis models`)."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text: a report; json: every field.")
    ] = OutputFormat.text,
    output: OutputPath = None,
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help="Batch mode: a directory of case directories."),
    ] = None,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Batch mode: write the rows as CSV.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Batch mode: write rows and evaluations as JSON.")
    ] = None,
) -> None:
    """Evaluate a summary against its source: unsupported terms, owners, ROUGE, facts, a judge.

    With --cases, evaluate every summary*.md and broken_*.md of every case directory.
    """
    from .evaluate import batch as eval_batch
    from .evaluate import evaluate

    with user_errors():
        if cases is not None:
            if source or summary or reference or facts:
                raise InputError("--cases takes no --source, --summary, --reference or --facts")
            with progress_display() as progress:
                if judge_model is not None:
                    warm_up(judge_model, progress)
                results = eval_batch.run_batch(cases, judge_model=judge_model, progress=progress)
            rows = [row for row, _ in results]
            if output_format is OutputFormat.json:
                write_output(eval_batch.to_json(results), output)
            else:
                Console(width=200).print(eval_batch.table(rows))
            if csv_out is not None:
                write_output(eval_batch.to_csv(rows), csv_out)
            if json_out is not None:
                write_output(eval_batch.to_json(results), json_out)
            return
        if source is None or summary is None:
            raise InputError("give --source and --summary (or --cases DIR for batch mode)")
        if csv_out is not None or json_out is not None:
            raise InputError("--csv and --json belong to batch mode (--cases DIR)")
        texts = {}
        for label, path in (("source", source), ("summary", summary), ("reference", reference)):
            if path is not None:
                try:
                    texts[label] = path.read_text(encoding="utf-8")
                except FileNotFoundError as exc:
                    raise InputError(f"{label} file {path}: no such file") from exc
                except (OSError, UnicodeDecodeError) as exc:
                    raise InputError(f"{label} file {path} cannot be read: {exc}") from exc
        with progress_display() as progress:
            if judge_model is not None:
                warm_up(judge_model, progress)
            result = evaluate(
                texts["source"],
                texts["summary"],
                reference=texts.get("reference"),
                facts=facts,
                judge_model=judge_model,
                progress=progress,
            )
        if output_format is OutputFormat.json:
            write_output(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), output)
        elif output is not None:
            write_output(result.to_text(), output)
        else:
            from .evaluate.render import render

            Console().print(render(result))
