"""Model names and aliases → backends.

Built-in models come from `models.json` beside this file; `SYNOPSIS_MODELS` (JSON) or the config
file's `[[models]]` add or override entries by name. Backends are created once per process and
shared, so a model loads once however many callers use it.
"""

from __future__ import annotations

import json
import threading
from importlib import resources

from ..config import ModelSpec, Settings, get_settings
from ..errors import UnknownModelError
from .base import ChatBackend


def builtin_models() -> list[ModelSpec]:
    text = resources.files(__package__).joinpath("models.json").read_text()
    return [ModelSpec.model_validate(entry) for entry in json.loads(text)]


class ModelRegistry:
    """Resolves public names to specs and hands out one shared backend per model."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        specs = {spec.name: spec for spec in builtin_models()}
        specs.update({spec.name: spec for spec in settings.models})
        self.specs: list[ModelSpec] = list(specs.values())
        self._index: dict[str, ModelSpec] = {}
        for spec in self.specs:
            for key in (spec.name, *spec.aliases):
                self._index.setdefault(key.lower(), spec)
        self._backends: dict[str, ChatBackend] = {}
        self._lock = threading.Lock()

    def resolve(self, name: str | None = None) -> ModelSpec:
        """The spec for a name or alias; None means the configured default model."""
        key = (name or self.settings.default_model).strip().lower()
        spec = self._index.get(key)
        if spec is None:
            known = ", ".join(sorted(s.name for s in self.specs))
            raise UnknownModelError(f"unknown model {name!r}; available models: {known}")
        return spec

    def backend(self, name: str | None = None) -> ChatBackend:
        spec = self.resolve(name)
        with self._lock:
            backend = self._backends.get(spec.name)
            if backend is None:
                backend = self._create(spec)
                self._backends[spec.name] = backend
        return backend

    def _create(self, spec: ModelSpec) -> ChatBackend:
        if spec.backend == "embedded":
            from .embedded import EmbeddedBackend

            return EmbeddedBackend(spec, self.settings)
        if spec.base_urls:
            from .pool import UpstreamPool

            return UpstreamPool(spec, self.settings)
        from .openai_compatible import OpenAICompatibleBackend

        return OpenAICompatibleBackend(spec, self.settings)

    def context_size(self, spec: ModelSpec) -> int:
        """The context the model's backend will use; backends load lazily, so this is cheap."""
        return self.backend(spec.name).context_size

    def where(self, spec: ModelSpec) -> str:
        """Where a model runs, for `synopsis models`."""
        if spec.backend == "embedded":
            return "in-process (llama.cpp)"
        return ", ".join([*([spec.base_url] if spec.base_url else []), *spec.base_urls]) or "?"


_default: ModelRegistry | None = None
_default_lock = threading.Lock()


def get_registry() -> ModelRegistry:
    """The process-wide registry built from the current settings."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ModelRegistry(get_settings())
        return _default
