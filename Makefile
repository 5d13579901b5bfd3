# kline-pipeline: the two commands a newcomer runs are `make run` and `make test`.
# Each installs what it needs (Python virtualenv, Maven build, local PostgreSQL) by itself.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
MVN := mvn -B -ntp
WORKER_JAR := java-workers/target/kline-worker.jar
ENGINE_JAR := ingestion-engine/target/kline-engine.jar

.PHONY: help tools venv build bench test test-java test-python test-pipes-conformance run demo freshness soak chaos fuzz db migrate engine clean

help:
	@echo "make run    - local PostgreSQL + migrations + ingestion engine (background) + dagster dev on :3000"
	@echo "make test   - every test, Java (JUnit) and Python (pytest), against a real local PostgreSQL"
	@echo "make test-pipes-conformance - Dagster's Pipes conformance suite against the Java Pipes client"
	@echo "make demo   - offline: exchange simulator + PostgreSQL + engine on five venues x BTC, ETH + dagster dev on :3000"
	@echo "make freshness - make demo's pipeline for 10 minutes, nothing launched by hand: how long a finished minute takes to reach silver (exit 1 past 5 min)"
	@echo "make soak   - 500 streams (100 pairs x 5 venues) through the whole pipeline for SOAK_MINUTES (30): memory, CPU, silver completeness vs 4 GiB / 50% of 2 cores (bench/results/soak.md)"
	@echo "make chaos  - the fault-injection suite at a larger scale (KLINE_CHAOS_SCALE, default 10), then its table (chaos-table.md)"
	@echo "make fuzz   - the parser and JSONL fuzz tests only: FUZZ_SCALE (50) times make test's tries, each Jazzer target for FUZZ_DURATION (2m) (~30 min); KLINE_FUZZ_SEED=n replays a failure"
	@echo "make build  - the two runnable jars: $(WORKER_JAR) and $(ENGINE_JAR)"
	@echo "make db     - start (installing if needed) the local PostgreSQL and print its URL"
	@echo "make bench  - every benchmark at full size against its baseline (bronze load vs psql \\copy, ...), then bench/results/latest.md and charts"
	@echo "make clean  - remove build output (keeps data/ and the virtualenv)"

# Java 17 and Maven come from Debian's packages when the machine lacks them.
tools:
	@command -v java >/dev/null && command -v mvn >/dev/null || { \
	  echo "installing openjdk-17-jdk-headless and maven (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test,bench]'
	touch $@

venv: $(VENV)/.installed

build: tools
	$(MVN) -q package -DskipTests

db:
	@scripts/ensure-postgres.sh

# JUnit needs the database for the loader, migration and job tests; pytest and the Pipes
# conformance suite need the built jar (and test classes, for the conformance entry point),
# pytest also Chromium (Debian's, scripts/ensure-chromium.sh) for the Dagster UI test.
# scripts/make-test.sh builds once and overlaps the waiting steps (pip with javac, the realtime
# pytest with JUnit, the Pipes conformance suite with pytest); each step's wall time is printed.
# (The URL is assigned before it is exported: `export X="$(cmd)"` would hide cmd's failure, and
# the JUnit suites would then look for Docker instead of saying the database did not start.)
test: tools
	KLINE_DATABASE_URL="$$(scripts/ensure-postgres.sh)"; export KLINE_DATABASE_URL; \
	KLINE_CHROMIUM="$$(scripts/ensure-chromium.sh)"; export KLINE_CHROMIUM; \
	MVN="$(MVN)" MAKE="$(MAKE)" VENV="$(VENV)" scripts/make-test.sh

test-java: tools
	KLINE_DATABASE_URL="$$(scripts/ensure-postgres.sh)"; export KLINE_DATABASE_URL; $(MVN) package

# Its own virtualenv (.venv-pipes-conformance/, pytest < 9); builds the jar first only if missing.
test-pipes-conformance: tools
	PYTHON=$(PYTHON) MVN="$(MVN)" scripts/pipes-conformance.sh

test-python: venv
	KLINE_DATABASE_URL="$$(scripts/ensure-postgres.sh)"; export KLINE_DATABASE_URL; \
	KLINE_CHROMIUM="$$(scripts/ensure-chromium.sh)"; export KLINE_CHROMIUM; \
	$(VENV)/bin/pytest -q -p no:cacheprovider

run: build venv
	scripts/run.sh

demo: build venv
	scripts/demo.sh

# Measurements, not tests (nothing gates on time): every benchmark of scripts/bench.py at full size,
# then bench/results/latest.md and its charts. make test runs the same code at tiny size.
bench: build venv
	export KLINE_DATABASE_URL="$$(scripts/ensure-postgres.sh)"; \
	$(VENV)/bin/python scripts/bench.py --size full

# A measurement, not a test: wall-clock time on this machine (the micro-batch pytest asserts the path works).
freshness: build venv
	$(VENV)/bin/python scripts/measure-freshness.py

# A measurement, not a test: make demo's pipeline at SOAK_PAIRS pairs per venue for SOAK_MINUTES
# (e.g. make soak SOAK_MINUTES=120; SOAK_MINUTES=5 SOAK_PAIRS=2 for a smoke run); exit 1 when a goal is missed.
SOAK_MINUTES ?= 30
SOAK_PAIRS ?= 100
soak: build venv
	export KLINE_DATABASE_URL="$$(scripts/ensure-postgres.sh)"; \
	$(VENV)/bin/python scripts/soak.py --minutes $(SOAK_MINUTES) --pairs $(SOAK_PAIRS)

# The tests tagged chaos (JUnit) and marked chaos (pytest), each trial count times KLINE_CHAOS_SCALE;
# make test runs the same tests at scale 1. The table is printed and kept in chaos-table.md.
chaos: tools venv
	export KLINE_DATABASE_URL="$$(scripts/ensure-postgres.sh)"; \
	export KLINE_CHAOS_SCALE="$${KLINE_CHAOS_SCALE:-10}"; \
	rm -rf */target/chaos; \
	$(MVN) package -Dgroups=chaos -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.skip=true; \
	$(VENV)/bin/pytest -q -p no:cacheprovider -m chaos; \
	$(VENV)/bin/python scripts/chaos-table.py --out chaos-table.md

# The fuzz tests (JUnit tag "fuzz") at FUZZ_SCALE times their make test tries (rows land in
# target/chaos), and each Jazzer target for FUZZ_DURATION instead of make test's seconds; Jazzer's
# crashing inputs land in */target/jazzer/ (README: Fuzzing, how to replay one).
FUZZ_SCALE ?= 50
FUZZ_DURATION ?= 2m
fuzz: tools
	export KLINE_DATABASE_URL="$$(scripts/ensure-postgres.sh)"; \
	KLINE_CHAOS_SCALE=$(FUZZ_SCALE) $(MVN) -pl kline-core,java-workers -am package -Dgroups=fuzz -Dsurefire.failIfNoSpecifiedTests=false \
	  -Djazzer.duration=$(FUZZ_DURATION)

clean:
	$(MVN) -q clean
